// @ts-check
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const core = ['type:domain', 'type:contracts', 'type:port'];
const drivers = ['@nestjs/*', '@nats-io/*', '@kurrent/*', 'pg', 'mongodb'];

/** Tags come from each project.json. Each layer lists what it may import; nothing is allowed by default. */
const depConstraints = [
  { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain'], bannedExternalImports: drivers },
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts'] },
  // The settings every service reads from its environment.
  { sourceTag: 'type:config', onlyDependOnLibsWithTags: ['type:domain'], bannedExternalImports: drivers },
  { sourceTag: 'type:port', onlyDependOnLibsWithTags: core, bannedExternalImports: drivers },
  // Metrics, probes and logs: knows nothing of the product's libs (the event log is reached through a structural type).
  {
    sourceTag: 'type:observability',
    onlyDependOnLibsWithTags: ['type:observability'],
    bannedExternalImports: ['@nats-io/*', '@kurrent/*', 'pg', 'mongodb'],
  },
  {
    sourceTag: 'type:adapter',
    onlyDependOnLibsWithTags: [...core, 'type:config', 'type:adapter', 'type:testing', 'type:observability'],
  },
  // In-memory state kept current from the log or the liveness facts, through the ports: no driver of its own.
  {
    sourceTag: 'type:follower',
    onlyDependOnLibsWithTags: core,
    bannedExternalImports: ['@kurrent/*', 'pg', 'mongodb'],
  },
  {
    sourceTag: 'type:testing',
    onlyDependOnLibsWithTags: [...core, 'type:adapter', 'type:testing', 'type:tooling', 'type:observability'],
  },
  // No service tag here: services talk over NATS, never through imports (Nx also refuses imports of applications).
  {
    sourceTag: 'type:service',
    onlyDependOnLibsWithTags: [
      ...core,
      'type:config',
      'type:adapter',
      'type:follower',
      'type:testing',
      'type:observability',
    ],
  },
  {
    sourceTag: 'type:e2e',
    onlyDependOnLibsWithTags: [...core, 'type:adapter', 'type:testing', 'type:tooling', 'type:observability'],
  },
  // Launching servers and services from dist/: for the test harness, the benchmark and the npm scripts only.
  { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['type:tooling'] },
  // The benchmark drives the services over NATS and seeds the log through the event-log adapter.
  { sourceTag: 'type:bench', onlyDependOnLibsWithTags: [...core, 'type:adapter', 'type:tooling'] },
  // The chaos suite, likewise: it drives the services over NATS and checks the log and the views.
  { sourceTag: 'type:chaos', onlyDependOnLibsWithTags: [...core, 'type:adapter', 'type:tooling'] },
  // The operators' CLI is a client of the public API: the contracts and the pure domain, nothing that runs services;
  // and the auth tooling, with which `gwpool auth` issues and revokes credentials.
  { sourceTag: 'type:cli', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', 'type:auth'] },
];

const pure = 'The domain is pure: frameworks, drivers and I/O belong in adapters and services.';

export default defineConfig(
  globalIgnores(['dist/', 'coverage/', '.nx/', '.data/', 'bench/results/', 'chaos/results/']),
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Unions of events, commands and states are handled in full.
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      // Nest handler and closer interfaces return promises even when the work is synchronous.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Jest's asymmetric matchers (expect.any, expect.stringContaining) are typed as any.
    files: ['**/*.spec.ts'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': ['error', { enforceBuildableLibDependency: false, allow: [], depConstraints }],
    },
  },
  {
    // Tags cannot tell a spec from production code; only specs and the testing lib itself use the test harness.
    files: ['libs/*/src/**/*.ts', 'services/*/src/**/*.ts', 'tools/*/src/**/*.ts'],
    ignores: ['**/*.spec.ts', 'libs/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: '@gwpool/testing', message: 'Test helpers are for specs only.' }] },
      ],
    },
  },
  {
    files: ['libs/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: builtinModules.map((name) => ({ name, message: pure })),
          patterns: [
            {
              group: ['node:*', '@nestjs/*', '@nats-io/*', '@kurrent/*', 'pg', 'pg/*', 'mongodb', 'mongodb/*'],
              message: pure,
            },
            { group: ['class-validator', 'class-transformer', 'reflect-metadata', 'rxjs', 'rxjs/*'], message: pure },
          ],
        },
      ],
      // Time and ids come in through the command's metadata.
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Take the time from the command metadata.' },
        { object: 'Math', property: 'random', message: 'Take ids from the command metadata.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Take the time from the command metadata.',
        },
      ],
    },
  },
  prettier,
);

import { AuthStore, isOrgRole, ORG_ROLES, type OrgRole } from '@gwpool/nats-auth';
import { InvalidArgumentError, Option } from 'commander';
import { authDir, bind, DEFAULT_AUTH_DIR, printCredential, refusing, withPushes } from '../client/auth-changes.js';
import type { CommandGroup } from '../program.js';

function parseRole(value: string): OrgRole {
  if (!isOrgRole(value)) throw new InvalidArgumentError(`must be one of ${ORG_ROLES.join(', ')}.`);
  return value;
}

function parseKind(value: string): 'user' | 'gateway' {
  if (value !== 'user' && value !== 'gateway') throw new InvalidArgumentError("must be 'user' or 'gateway'.");
  return value;
}

export const authCommands: CommandGroup = (program, kit) => {
  const auth = program
    .command('auth')
    .description('create orgs and issue or revoke NATS credentials, while everything runs')
    .addOption(
      new Option('--auth-dir <dir>', 'the auth store (holds the operator key: keep it secret)')
        .env('GWPOOL_AUTH_DIR')
        .default(DEFAULT_AUTH_DIR),
    );

  const org = auth.command('org').description("create, list or disable orgs' NATS accounts");
  org
    .command('create')
    .description("create the org's account, push it to the server, and bind the org to it")
    .argument('<org>', 'org name')
    .action(
      kit.action(async (ctx, command) => {
        const [name] = command.args as [string];
        const created = await withPushes(ctx, async (store) => {
          const info = await store.createOrg(name);
          await bind(ctx, store, info.org, info.publicKey);
          return info;
        });
        if (ctx.out.json)
          return ctx.out.line(JSON.stringify({ org: created.org, accountPublicKey: created.publicKey }));
        ctx.out.line(`created org ${created.org} (account ${created.publicKey}), bound and live`);
        ctx.out.line(`  next: gwpool auth user issue ${created.org} NAME --role admin`);
      }),
    );
  org
    .command('list')
    .description('the orgs of the store')
    .action(
      kit.action(async (ctx) => {
        const store = await refusing(() => AuthStore.open(authDir(ctx)));
        const orgs = store.orgs().map((o) => ({ org: o.org, accountPublicKey: o.publicKey, disabled: o.disabled }));
        if (ctx.out.json) return ctx.out.line(JSON.stringify({ orgs }));
        ctx.out.table(
          ['ORG', 'ACCOUNT', 'STATUS'],
          orgs.map((o) => [o.org, o.accountPublicKey, o.disabled ? 'disabled' : 'active']),
        );
      }),
    );
  org
    .command('disable')
    .description('cut an org off: its connections are closed and every credential revoked')
    .argument('<org>', 'org name')
    .action(
      kit.action(async (ctx, command) => {
        const [name] = command.args as [string];
        const disabled = await withPushes(ctx, (store) => store.disableOrg(name));
        ctx.out.line(ctx.out.json ? JSON.stringify({ org: disabled.org, disabled: true }) : `disabled org ${name}`);
      }),
    );

  auth
    .command('user')
    .description('credentials of people and programs')
    .command('issue')
    .description('write a .creds file for a user of the org')
    .argument('<org>', 'org name')
    .argument('<name>', 'user name: recorded as the actor of what it does')
    .addOption(
      new Option('--role <role>', 'admin: everything of the org; viewer: queries; router: route.pick/resolve')
        .argParser(parseRole)
        .makeOptionMandatory(),
    )
    .action(
      kit.action(async (ctx, command) => {
        const [orgName, name] = command.args as [string, string];
        const { role } = command.opts<{ role: OrgRole }>();
        const store = await refusing(() => AuthStore.open(authDir(ctx)));
        printCredential(ctx, await refusing(() => store.issueUser(orgName, name, role)));
      }),
    );

  auth
    .command('gateway')
    .description("gateways' credentials: each may publish its own heartbeat, nothing else")
    .command('issue')
    .description('write a .creds file for a gateway of the org')
    .argument('<org>', 'org name')
    .argument('<gateway>', 'gateway id')
    .action(
      kit.action(async (ctx, command) => {
        const [orgName, gatewayId] = command.args as [string, string];
        const store = await refusing(() => AuthStore.open(authDir(ctx)));
        printCredential(ctx, await refusing(() => store.issueGateway(orgName, gatewayId)));
      }),
    );

  auth
    .command('revoke')
    .description('revoke a credential at once: its connections are closed, new ones refused')
    .argument('<org>', 'org name')
    .argument('<kind>', 'user or gateway', parseKind)
    .argument('<name>', 'user name or gateway id')
    .action(
      kit.action(async (ctx, command) => {
        const [orgName, kind, name] = command.processedArgs as [string, 'user' | 'gateway', string];
        const { revoked } = await withPushes(ctx, (store) => store.revoke(orgName, kind, name));
        if (ctx.out.json) return ctx.out.line(JSON.stringify({ revoked: revoked.map((c) => c.publicKey) }));
        for (const c of revoked) ctx.out.line(`revoked ${kind} ${name} of org ${orgName} (${c.publicKey})`);
      }),
    );

  auth
    .command('push')
    .description('push every account to the server again, and bind every org again (after a server lost state)')
    .action(
      kit.action(async (ctx) => {
        const orgs = await withPushes(ctx, async (store) => {
          await store.applyAll();
          const active = store.orgs().filter((o) => !o.disabled);
          for (const o of active) await bind(ctx, store, o.org, o.publicKey);
          return active;
        });
        ctx.out.line(ctx.out.json ? JSON.stringify({ orgs: orgs.length }) : `pushed and bound ${orgs.length} org(s)`);
      }),
    );
};

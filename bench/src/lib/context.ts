// What every scenario gets: the options and sizes of this run, the servers and services, and where figures go.
import type pg from 'pg';
import type { LoadClient } from '@gwpool/load-clients';
import type { Fleet, FleetSizes } from './fleet.js';
import type { SeriesSummary } from './load.js';
import type { Servers, Stack } from './stack.js';

export const SCENARIOS = [
  'routing',
  'heartbeats',
  'commands',
  'rebuild',
  'memory',
  'tenancy',
  'consistency',
  'audit',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface BenchOptions {
  quick: boolean;
  readme: boolean;
  only: Set<ScenarioName>;
}

export interface Sizes {
  fleet: FleetSizes;
  runs: { routing: number; heartbeats: number; commands: number; rebuild: number };
  warmupMs: number;
  durationMs: number;
  heartbeatSeconds: number;
  heartbeatPeriodMs: number;
  rebuildEvents: number;
}

/** `met` set by hand wins; otherwise the first bound given decides. */
export interface Target {
  met?: boolean;
  text?: string;
  ratioAtMost?: number;
  ratioAtLeast?: number;
  atMost?: number;
  atLeast?: number;
}

/** One row of the table. */
export interface Figure {
  scenario: string;
  figure: string;
  value?: number;
  unit?: string;
  /** Shown instead of the formatted value. */
  text?: string;
  yardstick?: number;
  yardstickUnit?: string;
  target?: Target;
  runs?: number;
  met?: boolean;
}

export interface BenchContext {
  readonly options: BenchOptions;
  readonly sizes: Sizes;
  readonly servers: Servers;
  /** The raw NATS echo responder, the yardstick. */
  readonly echo: LoadClient<unknown>;
  /** On the fleet's database when there is a fleet, else on the server's. */
  db: pg.Client;
  fleet?: Fleet;
  fleetUrl?: string;
  stack?: Stack;
  /** Echo figures by concurrency, measured once per run. */
  yardsticks: Record<number, SeriesSummary>;
  /** Written to the JSON copy as they are. */
  details: Record<string, unknown>;
  figure(f: Figure): void;
}

/** The loaded fleet, which the routing, heartbeat, command and memory scenarios need. */
export function fleetOf(ctx: BenchContext): { fleet: Fleet; fleetUrl: string } {
  if (!ctx.fleet || !ctx.fleetUrl) throw new Error('no fleet is loaded');
  return { fleet: ctx.fleet, fleetUrl: ctx.fleetUrl };
}

export function stackOf(ctx: BenchContext): Stack {
  if (!ctx.stack) throw new Error('the services are not running');
  return ctx.stack;
}

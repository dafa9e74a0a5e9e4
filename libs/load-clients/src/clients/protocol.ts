// What the parent and its load clients say to each other over the IPC channel (structured clone, so typed arrays
// of samples cross it as they are), and each client's config and result.

export type ToClient =
  | { type: 'start'; config: unknown }
  | { type: 'ask'; id: number; what: string }
  | { type: 'tell'; what: string; value: unknown };

export type FromClient =
  | { type: 'ready' }
  | { type: 'result'; result: unknown }
  | { type: 'error'; message: string }
  | { type: 'reply'; id: number; value: unknown };

export interface RequestItem {
  subject: string;
  body: unknown;
}

export interface CommandOrg {
  org: string;
  gatewayIds: string[];
  poolIds: string[];
}

/** What a request-load worker sends: a fixed list cycled through, or commands made up on the fly. */
export type RequestSource =
  | { kind: 'list'; items: RequestItem[] }
  | { kind: 'pool.create'; orgs: string[]; prefix: string }
  | { kind: 'pool.member.add'; orgs: CommandOrg[] };

export interface RequestLoadConfig {
  natsUrl: string;
  source: RequestSource;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  name?: string;
  timeoutMs?: number;
  /** Paces the requests to this many a second in all (the workers wait their turn); as fast as they can otherwise. */
  ratePerSecond?: number;
  /** Keep the body of every successful reply (commands: to check later that each acknowledged one is in the log). */
  keepReplies?: boolean;
  /** A `.creds` file to connect with (a server that enforces accounts). */
  credsPath?: string;
}

export interface RequestLoadResult {
  samples: Float64Array;
  completed: number;
  issued: number;
  errors: number;
  failures: number;
  firstError?: string;
  seconds: number;
  /**
   * Every request that did not get a successful reply, by kind: `no responders`, `timeout`, the error reply's code
   * (`UNAVAILABLE`, …), or the failure's name. Over the whole run, warm-up included.
   */
  failed: Record<string, number>;
  /** Successful replies' bodies, when keepReplies was set. */
  replies?: string[];
}

export interface HeartbeatLoadConfig {
  natsUrl: string;
  subjects: string[];
  rate: number;
  /** Send this many, then stop (one round to make a fleet healthy); else run for durationMs. */
  count?: number;
  durationMs?: number;
}

export interface HeartbeatLoadResult {
  sent: number;
  seconds: number;
  rate: number;
  lateTicks: number;
  worstTickGapMs: number;
  cpuSeconds: number;
}

/** The echo yardstick: answers every request on `subject` with its own payload. */
export interface EchoConfig {
  natsUrl: string;
  subject: string;
  /** A `.creds` file to connect with (a server that enforces accounts). */
  credsPath?: string;
}

// What the benchmark's own clients (the detection probe, the echo responder) are given and report.

export interface ProbePool {
  poolId: string;
  /** The member the trials take away. */
  a: string;
  b: string;
}

export interface DetectionProbeConfig {
  natsUrl: string;
  org: string;
  fail: ProbePool;
  silence: ProbePool;
  ttlMs: number;
  durationMs: number;
  beatEveryMs: number;
  pollMs: number;
  picks: number;
  confirmMs: number;
}

export interface DetectionProbeResult {
  failed: Float64Array;
  silence: Float64Array;
  stuck: number;
  beats: number;
}

export interface EchoConfig {
  natsUrl: string;
  subject: string;
  /** A `.creds` file to connect with (the tenancy scenario's server enforces accounts). */
  credsPath?: string;
}

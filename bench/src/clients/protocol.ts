// What the benchmark's own clients (the detection probe) are given and report.

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

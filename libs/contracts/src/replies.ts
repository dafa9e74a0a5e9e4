import type { CheckResult, ConsumerType, PoolStatus } from '@gwpool/domain';

export interface PoolSummary {
  poolId: string;
  name: string;
  status: PoolStatus;
  healthy: number;
  total: number;
  consumerCount: number;
}

export interface PoolMemberView {
  gatewayId: string;
  name?: string;
  zone?: string;
  healthy: boolean;
  lastHeartbeatAt: string | null;
  lastCheck: CheckResult | null;
}

export interface PoolDetails extends PoolSummary {
  description?: string;
  members: PoolMemberView[];
}

export interface GatewayView extends PoolMemberView {
  pools: string[];
}

export interface ConsumerView {
  consumerId: string;
  consumerType: ConsumerType;
}

export interface PoolHealthUpdate {
  poolId: string;
  name: string;
  status: PoolStatus;
  healthy: number;
  total: number;
  at: string;
}

/** One accepted heartbeat as heartbeat-ingest passes it on; `at` is the receive time in epoch ms. */
export interface LivenessFact {
  org: string;
  gatewayId: string;
  at: number;
  check: CheckResult;
}

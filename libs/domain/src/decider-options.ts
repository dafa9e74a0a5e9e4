import type { EntitlementPolicy } from './commands.js';

/** The settings the rules depend on; the same for every org of a deployment. */
export interface DeciderOptions {
  /** Whether an org needs an operator's grant before it may use gateway pools. */
  entitlements: EntitlementPolicy;
  /** How long a heartbeat keeps a gateway healthy, for the rules that need a target to be healthy. */
  heartbeatTtlMs: number;
}

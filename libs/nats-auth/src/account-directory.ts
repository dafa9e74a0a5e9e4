import { fromPublic } from '@nats-io/nkeys';

/** Whether a string is an NKey account public key (`A…`, 56 characters, checksum valid). Public keys are not secrets. */
export function isAccountPublicKey(value: unknown): value is string {
  if (typeof value !== 'string' || !/^A[A-Z2-7]{55}$/.test(value)) return false;
  try {
    fromPublic(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Which account is which org, as the services learn it from the bindings the org-creation tool records.
 * One account per org and one org per account: a newer binding replaces what it contradicts.
 */
export class AccountDirectory {
  private readonly orgByAccount = new Map<string, string>();
  private readonly accountByOrg = new Map<string, string>();

  bind(org: string, accountKey: string): void {
    const previousAccount = this.accountByOrg.get(org);
    if (previousAccount !== undefined) this.orgByAccount.delete(previousAccount);
    const previousOrg = this.orgByAccount.get(accountKey);
    if (previousOrg !== undefined) this.accountByOrg.delete(previousOrg);
    this.orgByAccount.set(accountKey, org);
    this.accountByOrg.set(org, accountKey);
  }

  orgOf(accountKey: string): string | undefined {
    return this.orgByAccount.get(accountKey);
  }

  accountOf(org: string): string | undefined {
    return this.accountByOrg.get(org);
  }
}

import { AUDIT_SUBJECTS, type AuditEventsReply, COMMAND_SUBJECTS, QUERY_SUBJECTS } from '@gwpool/contracts/client';
import { GwpoolClient, type Reply } from './client/gwpool-client.js';
import { UsageError } from './errors.js';
import { degradedWarning } from './output/format.js';
import type { Output } from './output/output.js';

/** The global options, as commander hands them to every command (flags, else environment, else defaults). */
export interface GlobalOptions {
  server: string;
  org?: string;
  json?: boolean;
  actor?: string;
  /** A `.creds` file: with tenancy enforced, who the server takes the caller to be. */
  creds?: string;
  /** The auth store of `gwpool auth`. */
  authDir?: string;
  timeout: number;
}

export type CommandName = keyof typeof COMMAND_SUBJECTS;
export type QueryName = keyof typeof QUERY_SUBJECTS;

/** `gwpool.v1.*.cmd.pool.create` with the org in place of the wildcard. */
const forOrg = (pattern: string, org: string): string => pattern.replace('.*.', `.${org}.`);

/** What a command runs with: the options, the output, and a NATS client connected on first use. */
export class CliContext {
  private client?: Promise<GwpoolClient>;

  constructor(
    readonly options: GlobalOptions,
    readonly out: Output,
  ) {}

  get org(): string {
    if (!this.options.org) throw new UsageError('no org given: pass --org ORG or set GWPOOL_ORG');
    return this.options.org;
  }

  connect(longLived = false): Promise<GwpoolClient> {
    this.client ??= GwpoolClient.connect({
      server: this.options.server,
      timeoutMs: this.options.timeout,
      actor: this.options.actor,
      ...(this.options.creds ? { creds: this.options.creds } : {}),
      longLived,
    });
    return this.client;
  }

  async command<T>(name: CommandName, body: object): Promise<Reply<T>> {
    const subject = forOrg(COMMAND_SUBJECTS[name], this.org);
    return (await this.connect()).call<T>(subject, body);
  }

  async query<T>(name: QueryName, body: object = {}): Promise<Reply<T>> {
    const subject = forOrg(QUERY_SUBJECTS[name], this.org);
    const reply = await (await this.connect()).call<T>(subject, body);
    // With --json the marker is in the reply printed; for people it must not go unnoticed.
    const warning = degradedWarning(reply.value);
    if (warning && !this.out.json) this.out.warn(warning);
    return reply;
  }

  /** The audit query, read from the event log; undefined fields are left out of the request. */
  async audit<T = AuditEventsReply>(body: Record<string, unknown>): Promise<Reply<T>> {
    const request = Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
    return (await this.connect()).call<T>(forOrg(AUDIT_SUBJECTS.events, this.org), request);
  }

  async close(): Promise<void> {
    const client = await this.client?.catch(() => undefined);
    await client?.close();
  }
}

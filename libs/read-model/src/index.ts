/** The read-model port: durable views folded from the log, plus gateway liveness written by heartbeat-ingest. */

export type ViewCollection = 'orgs' | 'pools' | 'gateways' | 'consumers';

export interface ViewDoc {
  collection: ViewCollection;
  org: string;
  id: string;
  /** Revision of the org stream's event that last changed this doc; writes with an older or equal revision are ignored. */
  revision: number;
  /** A tombstone: the entity was deleted at `revision`. */
  deleted: boolean;
  body: Record<string, unknown>;
}

export interface ViewBatch {
  docs: readonly ViewDoc[];
  /** Saved in the same unit of work as the docs, so a restart resumes exactly after them. */
  checkpoint: { name: string; position: string };
  /**
   * The token of the writer lease named like the checkpoint. The batch is written only while that token is the
   * lease's newest; otherwise nothing is written and it fails with LeaseLostError. So a writer that lost its lease
   * (a pause, a cut connection) can never overwrite what its successor wrote, nor move the checkpoint back.
   */
  fence: number;
}

/** Why a writer lease ended. */
export type LeaseEnd =
  /** release() was called. */
  | { reason: 'released' }
  /** The store could not be reached to hold or renew it: another writer may take it once the store is back. */
  | { reason: 'unavailable'; error: unknown }
  /** It expired before it could be renewed, and another holder took it (MongoDB). */
  | { reason: 'taken' };

/**
 * The exclusive right to write the views of one checkpoint. At most one holder at a time; each new holder gets a
 * larger `token`, which every batch it writes carries as its fence.
 */
export interface WriterLease {
  readonly name: string;
  readonly token: number;
  /** Resolves once the lease has ended; a batch fenced with its token may be refused from then on. */
  readonly ended: Promise<LeaseEnd>;
  /** Gives the lease up at once, so a standby can take it without waiting for an expiry. */
  release(): Promise<void>;
}

export interface ViewSnapshot {
  position: string | null;
  docs: ViewDoc[];
}

export interface LivenessRecord {
  org: string;
  gatewayId: string;
  /** Epoch ms when the heartbeat was received. */
  at: number;
  check: 'passed' | 'failed';
  detail?: string;
}

/**
 * Which namespace holds the views readers use: kept in the base namespace (the one services are configured with),
 * outside any generation of views. Absent until the first rebuild: the base namespace itself holds the views then.
 */
export interface ViewsPointer {
  namespace: string;
  /** 0 for the base namespace; each rebuild takes the next one. */
  generation: number;
}

export interface ReadModelStore {
  /**
   * Tries once to take the writer lease `name` (the checkpoint's name); null while another holder has it.
   * `holder` says who holds it, for operators.
   */
  tryAcquireWriterLease(name: string, holder: string): Promise<WriterLease | null>;
  /**
   * Upserts docs (only where newer than what is stored) and saves the checkpoint, atomically, if `fence` is still the
   * newest token of the checkpoint's writer lease; LeaseLostError otherwise.
   */
  applyBatch(batch: ViewBatch): Promise<void>;
  /** Docs and checkpoint as of one consistent moment. */
  loadSnapshot(checkpointName: string): Promise<ViewSnapshot>;
  readCheckpoint(name: string): Promise<string | null>;
  getDoc(collection: ViewCollection, org: string, id: string): Promise<ViewDoc | null>;
  listDocs(collection: ViewCollection, org: string): Promise<ViewDoc[]>;
  /** Keeps, per gateway, the record with the newest `at`. */
  recordLiveness(records: readonly LivenessRecord[]): Promise<void>;
  loadLiveness(filter?: { org: string; gatewayIds?: readonly string[] }): Promise<LivenessRecord[]>;
  /** The pointer to the active views, as stored in this store's namespace; null when none was ever written. */
  readViewsPointer(): Promise<ViewsPointer | null>;
  /** Stores the pointer to the active views in this store's namespace, replacing the one there. */
  writeViewsPointer(pointer: ViewsPointer): Promise<void>;
  /**
   * Removes every view, checkpoint and liveness record of this store's namespace (lease tokens and the views pointer
   * stay).
   */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export class ReadModelUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReadModelUnavailableError';
  }
}

/** A batch whose fence is no longer the newest token of its writer lease: another writer has taken over. */
export class LeaseLostError extends Error {
  constructor(
    readonly lease: string,
    readonly fence: number,
  ) {
    super(`the writer lease '${lease}' is no longer held with token ${fence}: another writer took it over`);
    this.name = 'LeaseLostError';
  }
}

export interface ReadModelOptions {
  url: string;
  /** Isolates one set of views (a PostgreSQL schema, a MongoDB database); defaults to `gwpool`. */
  namespace?: string;
  /**
   * MongoDB only: how long a writer lease lasts without renewal (its holder renews it every third of that). A killed
   * holder's lease is taken over after at most this long. PostgreSQL leases end with their holder's session.
   */
  leaseTtlMs?: number;
}

export * from './generations.js';

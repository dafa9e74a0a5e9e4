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

export interface ReadModelStore {
  /** Upserts docs (only where newer than what is stored) and saves the checkpoint, atomically. */
  applyBatch(batch: ViewBatch): Promise<void>;
  /** Docs and checkpoint as of one consistent moment. */
  loadSnapshot(checkpointName: string): Promise<ViewSnapshot>;
  readCheckpoint(name: string): Promise<string | null>;
  getDoc(collection: ViewCollection, org: string, id: string): Promise<ViewDoc | null>;
  listDocs(collection: ViewCollection, org: string): Promise<ViewDoc[]>;
  /** Keeps, per gateway, the record with the newest `at`. */
  recordLiveness(records: readonly LivenessRecord[]): Promise<void>;
  loadLiveness(filter?: { org: string; gatewayIds?: readonly string[] }): Promise<LivenessRecord[]>;
  /** Removes every view, checkpoint and liveness record of this store's namespace. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export class ReadModelUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReadModelUnavailableError';
  }
}

export interface ReadModelOptions {
  url: string;
  /** Isolates one set of views (a PostgreSQL schema, a MongoDB database); defaults to `gwpool`. */
  namespace?: string;
}

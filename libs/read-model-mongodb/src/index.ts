// Over 200 lines: one class for the read-model port's operations on MongoDB, each a few lines, and the one upsert
// they share.
import {
  LeaseLostError,
  type LivenessRecord,
  type ReadModelOptions,
  type ReadModelStore,
  ReadModelUnavailableError,
  type ViewBatch,
  type ViewCollection,
  type ViewDoc,
  isViewsPointer,
  type ViewSnapshot,
  type ViewsPointer,
  type WriterLease,
} from '@gwpool/read-model';
import {
  type AnyBulkWriteOperation,
  type Collection,
  type Db,
  type Filter,
  MongoClient,
  MongoNetworkError,
  MongoServerError,
  MongoServerSelectionError,
} from 'mongodb';
import { MongoWriterLease, type StoredLease } from './writer-lease.js';

const NAMESPACE_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;
const VIEW_COLLECTIONS: readonly ViewCollection[] = ['orgs', 'pools', 'gateways', 'consumers'];
const NAMESPACE_EXISTS = 48;
const DEFAULT_LEASE_TTL_MS = 3000;

interface StoredDoc {
  _id: { org: string; id: string };
  org: string;
  revision: number;
  deleted: boolean;
  body: Record<string, unknown>;
}

interface StoredLiveness {
  _id: { org: string; gatewayId: string };
  org: string;
  gatewayId: string;
  at: number;
  check: LivenessRecord['check'];
  detail?: string;
}

interface StoredPointer extends ViewsPointer {
  _id: 'active';
  writtenAt: Date;
}

interface StoredCheckpoint {
  _id: string;
  position: string;
}

/**
 * An upsert that replaces the stored document only when `field` grows. A pipeline rather than a `$lt` filter, because
 * the filter's duplicate-key error on an older write would abort the surrounding transaction.
 */
function upsertIfNewer<T extends { _id: object }>(
  doc: T,
  field: keyof T & string,
  value: number,
): AnyBulkWriteOperation<T> {
  const isNewer = { $lt: [{ $ifNull: [`$${field}`, -1] }, value] };
  return {
    updateOne: {
      filter: { _id: doc._id },
      update: [{ $replaceWith: { $cond: [isNewer, { $literal: doc }, '$$ROOT'] } }],
      upsert: true,
    },
  };
}

const toStored = ({ org, id, revision, deleted, body }: ViewDoc): StoredDoc => ({
  _id: { org, id },
  org,
  revision,
  deleted,
  body,
});
const toDoc = (collection: ViewCollection, { _id, org, revision, deleted, body }: StoredDoc): ViewDoc => ({
  collection,
  org,
  id: _id.id,
  revision,
  deleted,
  body,
});
const toLiveness = ({ org, gatewayId, at, check, detail }: StoredLiveness): LivenessRecord => ({
  org,
  gatewayId,
  at,
  check,
  ...(detail !== undefined ? { detail } : {}),
});

const translate = (error: unknown): unknown =>
  error instanceof MongoNetworkError || error instanceof MongoServerSelectionError
    ? new ReadModelUnavailableError(`MongoDB read model unavailable: ${error.message}`, { cause: error })
    : error;

/** Views, checkpoints and liveness in one MongoDB database per namespace; needs a replica set for transactions. */
export class MongoReadModelStore implements ReadModelStore {
  private readonly checkpoints: Collection<StoredCheckpoint>;
  private readonly liveness: Collection<StoredLiveness>;
  private readonly leases: Collection<StoredLease>;
  private readonly pointer: Collection<StoredPointer>;

  private constructor(
    private readonly client: MongoClient,
    private readonly db: Db,
    private readonly leaseTtlMs: number,
  ) {
    this.checkpoints = db.collection('checkpoints');
    this.liveness = db.collection('liveness');
    this.leases = db.collection('leases');
    this.pointer = db.collection('views_pointer');
  }

  static async open({
    url,
    namespace = 'gwpool',
    leaseTtlMs = DEFAULT_LEASE_TTL_MS,
  }: ReadModelOptions): Promise<MongoReadModelStore> {
    if (!NAMESPACE_PATTERN.test(namespace))
      throw new RangeError(`read-model namespace '${namespace}' must match ${NAMESPACE_PATTERN}`);
    // Undefined fields are left out, as JSON would, rather than stored as null.
    const client = new MongoClient(url, { ignoreUndefined: true });
    try {
      await client.connect();
      const store = new MongoReadModelStore(client, client.db(namespace), leaseTtlMs);
      await store.createCollections();
      return store;
    } catch (error) {
      await client.close();
      throw translate(error);
    }
  }

  tryAcquireWriterLease(name: string, holder: string): Promise<WriterLease | null> {
    return this.run(() => MongoWriterLease.tryAcquire(this.leases, name, holder, this.leaseTtlMs));
  }

  async applyBatch({ docs, checkpoint, fence }: ViewBatch): Promise<void> {
    const byCollection = new Map<ViewCollection, AnyBulkWriteOperation<StoredDoc>[]>();
    for (const doc of docs) {
      let operations = byCollection.get(doc.collection);
      if (!operations) byCollection.set(doc.collection, (operations = []));
      operations.push(upsertIfNewer(toStored(doc), 'revision', doc.revision));
    }
    await this.run(() =>
      this.client.withSession((session) =>
        session.withTransaction(async () => {
          // A write to the lease doc: a concurrent takeover conflicts with this transaction, which then sees its token.
          const lease = await this.leases.updateOne(
            { _id: checkpoint.name, token: fence },
            { $inc: { batches: 1 } },
            { session },
          );
          if (lease.matchedCount === 0) throw new LeaseLostError(checkpoint.name, fence);
          for (const [collection, operations] of byCollection)
            await this.views(collection).bulkWrite(operations, { session });
          await this.checkpoints.updateOne(
            { _id: checkpoint.name },
            { $set: { position: checkpoint.position } },
            { session, upsert: true },
          );
        }),
      ),
    );
  }

  loadSnapshot(checkpointName: string): Promise<ViewSnapshot> {
    return this.run(() =>
      this.client.withSession((session) =>
        session.withTransaction(
          async () => {
            const checkpoint = await this.checkpoints.findOne({ _id: checkpointName }, { session });
            const docs: ViewDoc[] = [];
            for (const collection of VIEW_COLLECTIONS) {
              const stored = await this.views(collection)
                .find({}, { session, sort: { _id: 1 } })
                .toArray();
              docs.push(...stored.map((each) => toDoc(collection, each)));
            }
            return { position: checkpoint?.position ?? null, docs };
          },
          { readConcern: { level: 'snapshot' } },
        ),
      ),
    );
  }

  async readCheckpoint(name: string): Promise<string | null> {
    const checkpoint = await this.run(() => this.checkpoints.findOne({ _id: name }));
    return checkpoint?.position ?? null;
  }

  async getDoc(collection: ViewCollection, org: string, id: string): Promise<ViewDoc | null> {
    const stored = await this.run(() => this.views(collection).findOne({ _id: { org, id } }));
    return stored ? toDoc(collection, stored) : null;
  }

  async listDocs(collection: ViewCollection, org: string): Promise<ViewDoc[]> {
    const stored = await this.run(() =>
      this.views(collection)
        .find({ org }, { sort: { _id: 1 } })
        .toArray(),
    );
    return stored.map((each) => toDoc(collection, each));
  }

  async recordLiveness(records: readonly LivenessRecord[]): Promise<void> {
    if (records.length === 0) return;
    const operations = records.map(({ org, gatewayId, at, check, detail }) =>
      upsertIfNewer<StoredLiveness>(
        { _id: { org, gatewayId }, org, gatewayId, at, check, ...(detail !== undefined ? { detail } : {}) },
        'at',
        at,
      ),
    );
    // Each write keeps the newest heartbeat on its own, so their order does not matter.
    await this.run(() => this.liveness.bulkWrite(operations, { ordered: false }));
  }

  async loadLiveness(filter?: { org: string; gatewayIds?: readonly string[] }): Promise<LivenessRecord[]> {
    const query: Filter<StoredLiveness> = {};
    if (filter) query.org = filter.org;
    if (filter?.gatewayIds) query.gatewayId = { $in: [...filter.gatewayIds] };
    const stored = await this.run(() => this.liveness.find(query, { sort: { _id: 1 } }).toArray());
    return stored.map(toLiveness);
  }

  async readViewsPointer(): Promise<ViewsPointer | null> {
    const stored = await this.run(() => this.pointer.findOne({ _id: 'active' }));
    if (stored === null) return null;
    const pointer = { namespace: stored.namespace, generation: stored.generation };
    if (!isViewsPointer(pointer))
      throw new RangeError(`the stored views pointer is not valid: ${JSON.stringify(pointer)}`);
    return pointer;
  }

  async writeViewsPointer(pointer: ViewsPointer): Promise<void> {
    if (!isViewsPointer(pointer)) throw new RangeError(`not a views pointer: ${JSON.stringify(pointer)}`);
    const { namespace, generation } = pointer;
    await this.run(() =>
      this.pointer.replaceOne({ _id: 'active' }, { namespace, generation, writtenAt: new Date() }, { upsert: true }),
    );
  }

  async reset(): Promise<void> {
    await this.run(async () => {
      for (const collection of [...VIEW_COLLECTIONS.map((name) => this.views(name)), this.checkpoints, this.liveness]) {
        await collection.deleteMany({});
      }
    });
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private views(collection: ViewCollection): Collection<StoredDoc> {
    return this.db.collection<StoredDoc>(collection);
  }

  /** Collections exist before the first transaction, which cannot create them under snapshot read concern. */
  private async createCollections(): Promise<void> {
    for (const collection of VIEW_COLLECTIONS) await this.views(collection).createIndex({ org: 1 });
    await this.liveness.createIndex({ org: 1, gatewayId: 1 });
    for (const name of ['checkpoints', 'leases']) {
      await this.db.createCollection(name).catch((error: unknown) => {
        if (!(error instanceof MongoServerError && error.code === NAMESPACE_EXISTS)) throw error;
      });
    }
  }

  private async run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw translate(error);
    }
  }
}

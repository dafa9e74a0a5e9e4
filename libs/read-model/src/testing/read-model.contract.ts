// Over 200 lines: the one suite every read-model adapter must pass, kept whole so no adapter runs only part of it.
import { randomBytes } from 'node:crypto';
import {
  LeaseLostError,
  type LivenessRecord,
  type ReadModelStore,
  type ViewCollection,
  type ViewDoc,
  type WriterLease,
} from '../index.js';

/** A fresh namespace, so suites and test runs never see each other's views. */
export const randomNamespace = (): string => `rm_test_${randomBytes(5).toString('hex')}`;

const CHECKPOINT = 'projector';

const doc = (
  collection: ViewCollection,
  org: string,
  id: string,
  revision: number,
  body: Record<string, unknown> = { id, revision },
): ViewDoc => ({
  collection,
  org,
  id,
  revision,
  deleted: false,
  body,
});

const heartbeat = (
  gatewayId: string,
  at: number,
  check: LivenessRecord['check'] = 'passed',
  org = 'acme',
): LivenessRecord => ({
  org,
  gatewayId,
  at,
  check,
});

const byKey = (a: ViewDoc, b: ViewDoc): number =>
  `${a.collection}/${a.org}/${a.id}`.localeCompare(`${b.collection}/${b.org}/${b.id}`);
const byGateway = (a: LivenessRecord, b: LivenessRecord): number =>
  `${a.org}/${a.gatewayId}`.localeCompare(`${b.org}/${b.gatewayId}`);

/**
 * The behaviour every read-model adapter must have, run against a real server.
 * `open` gives a store on the adapter's server for the namespace it is passed.
 */
export function describeReadModelContract(
  adapterName: string,
  open: (namespace: string) => Promise<ReadModelStore>,
): void {
  describe(`${adapterName} read model`, () => {
    const opened: ReadModelStore[] = [];
    let store: ReadModelStore;

    const held = new Map<ReadModelStore, Map<string, WriterLease>>();

    /** The batch, fenced with a lease this suite holds on the store for the checkpoint's name. */
    const write = async (
      target: ReadModelStore,
      batch: { docs: readonly ViewDoc[]; checkpoint: { name: string; position: string } },
    ): Promise<void> => {
      let byName = held.get(target);
      if (!byName) held.set(target, (byName = new Map<string, WriterLease>()));
      let lease = byName.get(batch.checkpoint.name);
      if (!lease) {
        lease = (await target.tryAcquireWriterLease(batch.checkpoint.name, 'contract')) ?? undefined;
        if (!lease) throw new Error(`the writer lease '${batch.checkpoint.name}' is held elsewhere`);
        byName.set(batch.checkpoint.name, lease);
      }
      await target.applyBatch({ ...batch, fence: lease.token });
    };

    const openStore = async (namespace: string): Promise<ReadModelStore> => {
      const opening = await open(namespace);
      opened.push(opening);
      return opening;
    };

    beforeAll(async () => {
      store = await openStore(randomNamespace());
    });

    beforeEach(async () => {
      await store.reset();
    });

    afterAll(async () => {
      for (const byName of held.values()) for (const lease of byName.values()) await lease.release();
      for (const each of opened) {
        await each.reset();
        await each.close();
      }
    });

    it('returns applied docs and the checkpoint through getDoc, listDocs and loadSnapshot', async () => {
      const body = {
        name: 'edge',
        members: ['g1', 'g2'],
        zone: null,
        description: undefined,
        nested: { note: '$price ünï', n: 1.5 },
      };
      const pool = doc('pools', 'acme', 'p1', 3, body);
      const docs = [
        pool,
        doc('pools', 'acme', 'p2', 4),
        doc('gateways', 'acme', 'g1', 0),
        doc('pools', 'globex', 'p9', 1),
      ];

      await write(store, { docs, checkpoint: { name: CHECKPOINT, position: '42' } });

      expect(await store.getDoc('pools', 'acme', 'p1')).toEqual(pool);
      expect(await store.getDoc('pools', 'acme', 'missing')).toBeNull();
      expect(await store.getDoc('gateways', 'acme', 'p1')).toBeNull();
      expect((await store.listDocs('pools', 'acme')).sort(byKey)).toEqual([pool, docs[1]]);
      expect(await store.listDocs('consumers', 'acme')).toEqual([]);
      const snapshot = await store.loadSnapshot(CHECKPOINT);
      expect(snapshot.position).toBe('42');
      expect(snapshot.docs.sort(byKey)).toEqual([...docs].sort(byKey));
    });

    it('loads a snapshot with a null position when the checkpoint was never saved', async () => {
      await write(store, { docs: [doc('orgs', 'acme', 'acme', 1)], checkpoint: { name: 'other', position: '7' } });

      expect(await store.loadSnapshot(CHECKPOINT)).toEqual({ position: null, docs: [doc('orgs', 'acme', 'acme', 1)] });
    });

    it('replaces a doc with a newer revision', async () => {
      await write(store, {
        docs: [doc('pools', 'acme', 'p1', 1, { name: 'old' })],
        checkpoint: { name: CHECKPOINT, position: '1' },
      });
      const newer = { ...doc('pools', 'acme', 'p1', 2, {}), deleted: true };

      await write(store, { docs: [newer], checkpoint: { name: CHECKPOINT, position: '2' } });

      expect(await store.getDoc('pools', 'acme', 'p1')).toEqual(newer);
    });

    it('never lets an older or equal revision overwrite a stored doc', async () => {
      const stored = doc('pools', 'acme', 'p1', 5, { name: 'current' });
      await write(store, { docs: [stored], checkpoint: { name: CHECKPOINT, position: '5' } });

      await write(store, {
        docs: [doc('pools', 'acme', 'p1', 3, { name: 'stale' })],
        checkpoint: { name: CHECKPOINT, position: '6' },
      });
      await write(store, {
        docs: [{ ...doc('pools', 'acme', 'p1', 5, {}), deleted: true }],
        checkpoint: { name: CHECKPOINT, position: '7' },
      });

      expect(await store.getDoc('pools', 'acme', 'p1')).toEqual(stored);
      expect(await store.readCheckpoint(CHECKPOINT)).toBe('7');
    });

    it('keeps the newest revision when one batch holds several versions of a doc', async () => {
      const docs = [doc('pools', 'acme', 'p1', 2), doc('pools', 'acme', 'p1', 9), doc('pools', 'acme', 'p1', 4)];

      await write(store, { docs, checkpoint: { name: CHECKPOINT, position: '9' } });

      expect(await store.listDocs('pools', 'acme')).toEqual([doc('pools', 'acme', 'p1', 9)]);
    });

    it('changes nothing when the same batch is applied twice', async () => {
      const batch = {
        docs: [
          doc('orgs', 'acme', 'acme', 3),
          doc('pools', 'acme', 'p1', 3),
          { ...doc('consumers', 'acme', 'c1', 2, {}), deleted: true },
        ],
        checkpoint: { name: CHECKPOINT, position: '3' },
      };
      await write(store, batch);
      const before = await store.loadSnapshot(CHECKPOINT);

      await write(store, batch);

      const after = await store.loadSnapshot(CHECKPOINT);
      expect(after.position).toBe('3');
      expect(after.docs.sort(byKey)).toEqual(before.docs.sort(byKey));
      expect(after.docs).toHaveLength(3);
    });

    it('stores tombstones and lists them with deleted set', async () => {
      const tombstone: ViewDoc = {
        collection: 'gateways',
        org: 'acme',
        id: 'g1',
        revision: 8,
        deleted: true,
        body: {},
      };
      await write(store, {
        docs: [doc('gateways', 'acme', 'g1', 7), doc('gateways', 'acme', 'g2', 7)],
        checkpoint: { name: CHECKPOINT, position: '7' },
      });

      await write(store, { docs: [tombstone], checkpoint: { name: CHECKPOINT, position: '8' } });

      expect(await store.getDoc('gateways', 'acme', 'g1')).toEqual(tombstone);
      expect((await store.listDocs('gateways', 'acme')).sort(byKey)).toEqual([
        tombstone,
        doc('gateways', 'acme', 'g2', 7),
      ]);
      expect((await store.loadSnapshot(CHECKPOINT)).docs).toContainEqual(tombstone);
    });

    it('reads a null checkpoint until one is saved, then the latest saved position', async () => {
      expect(await store.readCheckpoint(CHECKPOINT)).toBeNull();

      await write(store, { docs: [], checkpoint: { name: CHECKPOINT, position: '10' } });
      expect(await store.readCheckpoint(CHECKPOINT)).toBe('10');

      await write(store, { docs: [], checkpoint: { name: CHECKPOINT, position: '11' } });
      expect(await store.readCheckpoint(CHECKPOINT)).toBe('11');
      expect(await store.readCheckpoint('another')).toBeNull();
    });

    it('keeps namespaces isolated from each other', async () => {
      const other = await openStore(randomNamespace());
      await write(store, {
        docs: [doc('pools', 'acme', 'p1', 1)],
        checkpoint: { name: CHECKPOINT, position: '1' },
      });
      await store.recordLiveness([heartbeat('g1', 1000)]);

      expect(await other.getDoc('pools', 'acme', 'p1')).toBeNull();
      expect(await other.listDocs('pools', 'acme')).toEqual([]);
      expect(await other.readCheckpoint(CHECKPOINT)).toBeNull();
      expect(await other.loadSnapshot(CHECKPOINT)).toEqual({ position: null, docs: [] });
      expect(await other.loadLiveness()).toEqual([]);

      await write(other, {
        docs: [doc('pools', 'acme', 'p1', 1, { name: 'other' })],
        checkpoint: { name: CHECKPOINT, position: '9' },
      });
      await other.reset();
      expect(await store.getDoc('pools', 'acme', 'p1')).toEqual(doc('pools', 'acme', 'p1', 1));
      expect(await store.readCheckpoint(CHECKPOINT)).toBe('1');
      expect(await store.loadLiveness()).toEqual([heartbeat('g1', 1000)]);
    });

    it('opens the same new namespace from several stores at once', async () => {
      const namespace = randomNamespace();

      const stores = await Promise.all([1, 2, 3, 4].map(() => openStore(namespace)));

      await write(stores[0] as ReadModelStore, {
        docs: [doc('pools', 'acme', 'p1', 1)],
        checkpoint: { name: CHECKPOINT, position: '1' },
      });
      expect(await stores[3]?.getDoc('pools', 'acme', 'p1')).toEqual(doc('pools', 'acme', 'p1', 1));
    });

    it('rejects a namespace that is not an identifier', async () => {
      await expect(open('views; drop')).rejects.toThrow(/namespace/);
    });

    it('keeps the newest heartbeat per gateway whatever order the records arrive in', async () => {
      await store.recordLiveness([heartbeat('g1', 2000, 'failed'), heartbeat('g2', 1000)]);

      await store.recordLiveness([
        heartbeat('g1', 1000),
        { ...heartbeat('g2', 3000, 'failed'), detail: 'tls handshake failed' },
      ]);
      await store.recordLiveness([heartbeat('g1', 2000, 'passed')]);

      expect((await store.loadLiveness()).sort(byGateway)).toEqual([
        heartbeat('g1', 2000, 'failed'),
        { ...heartbeat('g2', 3000, 'failed'), detail: 'tls handshake failed' },
      ]);
    });

    it('keeps the newest heartbeat of a gateway that appears several times in one batch', async () => {
      await store.recordLiveness([heartbeat('g1', 1500)]);

      await store.recordLiveness([
        heartbeat('g1', 1000),
        heartbeat('g1', 3000, 'failed'),
        heartbeat('g1', 2000),
        heartbeat('g1', 1200, 'passed', 'globex'),
      ]);

      expect((await store.loadLiveness()).sort(byGateway)).toEqual([
        heartbeat('g1', 3000, 'failed'),
        heartbeat('g1', 1200, 'passed', 'globex'),
      ]);
    });

    it('filters liveness by org and by gateway ids', async () => {
      await store.recordLiveness([
        heartbeat('g1', 1),
        heartbeat('g2', 2),
        heartbeat('g3', 3),
        heartbeat('g1', 4, 'passed', 'globex'),
      ]);

      expect((await store.loadLiveness({ org: 'acme' })).sort(byGateway)).toEqual([
        heartbeat('g1', 1),
        heartbeat('g2', 2),
        heartbeat('g3', 3),
      ]);
      expect((await store.loadLiveness({ org: 'acme', gatewayIds: ['g3', 'g1', 'unknown'] })).sort(byGateway)).toEqual([
        heartbeat('g1', 1),
        heartbeat('g3', 3),
      ]);
      expect(await store.loadLiveness({ org: 'globex', gatewayIds: ['g2'] })).toEqual([]);
      expect(await store.loadLiveness({ org: 'acme', gatewayIds: [] })).toEqual([]);
      expect(await store.loadLiveness()).toHaveLength(4);
    });

    it('reset empties the namespace and leaves the store usable', async () => {
      await write(store, {
        docs: [doc('pools', 'acme', 'p1', 6)],
        checkpoint: { name: CHECKPOINT, position: '6' },
      });
      await store.recordLiveness([heartbeat('g1', 1000)]);

      await store.reset();

      expect(await store.loadSnapshot(CHECKPOINT)).toEqual({ position: null, docs: [] });
      expect(await store.readCheckpoint(CHECKPOINT)).toBeNull();
      expect(await store.loadLiveness()).toEqual([]);
      await write(store, {
        docs: [doc('pools', 'acme', 'p1', 1)],
        checkpoint: { name: CHECKPOINT, position: '1' },
      });
      expect(await store.getDoc('pools', 'acme', 'p1')).toEqual(doc('pools', 'acme', 'p1', 1));
    });

    it('reads no views pointer until one is written, then the last one written, across a reset', async () => {
      const base = randomNamespace();
      const own = await openStore(base);
      expect(await own.readViewsPointer()).toBeNull();
      await own.writeViewsPointer({ namespace: `${base}_r1`, generation: 1 });
      await own.writeViewsPointer({ namespace: `${base}_r2`, generation: 2 });
      await own.reset();

      expect(await own.readViewsPointer()).toEqual({ namespace: `${base}_r2`, generation: 2 });
      expect(await store.readViewsPointer()).toBeNull();
    });

    it('refuses to store a views pointer that names no valid namespace', async () => {
      const own = await openStore(randomNamespace());
      for (const bad of [
        { namespace: 'Not-An-Identifier', generation: 1 },
        { namespace: 'ok', generation: -1 },
        { namespace: 'ok', generation: 1.5 },
      ])
        await expect(own.writeViewsPointer(bad)).rejects.toThrow(RangeError);
      expect(await own.readViewsPointer()).toBeNull();
    });

    it('loads docs and checkpoint as of one moment while batches are being applied', async () => {
      const docsAt = (revision: number): ViewDoc[] =>
        ['p1', 'p2', 'p3'].map((id) => doc('pools', 'acme', id, revision));
      let writing = true;
      const writer = (async () => {
        for (let revision = 1; writing && revision < 10_000; revision += 1) {
          await write(store, {
            docs: docsAt(revision),
            checkpoint: { name: CHECKPOINT, position: String(revision) },
          });
        }
      })();

      try {
        for (let read = 0; read < 150; read += 1) {
          const { position, docs } = await store.loadSnapshot(CHECKPOINT);
          expect(docs.map((d) => d.revision)).toEqual(position === null ? [] : [1, 1, 1].map(() => Number(position)));
        }
      } finally {
        writing = false;
        await writer;
      }
    });

    describe('the writer lease', () => {
      /** A lease of its own per test, so the suite's standing leases never get in the way. */
      const leaseName = () => `lease-${randomBytes(4).toString('hex')}`;
      const acquire = async (name: string, holder: string): Promise<WriterLease> => {
        const lease = await store.tryAcquireWriterLease(name, holder);
        if (!lease) throw new Error(`${holder} could not take ${name}`);
        return lease;
      };

      it('is held by one holder at a time, and each new holder gets a larger token', async () => {
        const name = leaseName();
        const first = await acquire(name, 'projector-a');

        expect(await store.tryAcquireWriterLease(name, 'projector-b')).toBeNull();
        await first.release();
        const second = await acquire(name, 'projector-b');

        expect(second.token).toBeGreaterThan(first.token);
        expect(await first.ended).toEqual({ reason: 'released' });
        await second.release();
      });

      it('writes a batch fenced with the newest token, and refuses one fenced with an older token, writing nothing', async () => {
        const name = leaseName();
        const first = await acquire(name, 'projector-a');
        await store.applyBatch({
          docs: [doc('pools', 'acme', 'p1', 1, { by: 'a' })],
          checkpoint: { name, position: '5' },
          fence: first.token,
        });
        await first.release();
        const second = await acquire(name, 'projector-b');
        await store.applyBatch({
          docs: [doc('pools', 'acme', 'p1', 2, { by: 'b' })],
          checkpoint: { name, position: '9' },
          fence: second.token,
        });

        const stale = store.applyBatch({
          docs: [doc('pools', 'acme', 'p1', 7, { by: 'a, stale' }), doc('pools', 'acme', 'p2', 1)],
          checkpoint: { name, position: '6' },
          fence: first.token,
        });

        await expect(stale).rejects.toBeInstanceOf(LeaseLostError);
        expect(await store.readCheckpoint(name)).toBe('9');
        expect(await store.getDoc('pools', 'acme', 'p1')).toEqual(doc('pools', 'acme', 'p1', 2, { by: 'b' }));
        expect(await store.getDoc('pools', 'acme', 'p2')).toBeNull();
        await second.release();
      });

      it('refuses a batch for a checkpoint whose lease was never taken', async () => {
        const name = leaseName();

        await expect(
          store.applyBatch({ docs: [], checkpoint: { name, position: '1' }, fence: 1 }),
        ).rejects.toBeInstanceOf(LeaseLostError);
        expect(await store.readCheckpoint(name)).toBeNull();
      });

      it('keeps tokens growing across a reset, so a writer fenced out before it stays out', async () => {
        const name = leaseName();
        const before = await acquire(name, 'projector-a');
        await before.release();

        await store.reset();
        const after = await acquire(name, 'projector-b');

        expect(after.token).toBeGreaterThan(before.token);
        await expect(
          store.applyBatch({ docs: [], checkpoint: { name, position: '1' }, fence: before.token }),
        ).rejects.toBeInstanceOf(LeaseLostError);
        await after.release();
      });

      it('lets exactly one of many concurrent takers have it', async () => {
        const name = leaseName();

        const taken = await Promise.all(
          [1, 2, 3, 4, 5, 6].map((i) => store.tryAcquireWriterLease(name, `projector-${i}`)),
        );

        const holders = taken.filter((lease): lease is WriterLease => lease !== null);
        expect(holders).toHaveLength(1);
        await holders[0]?.release();
      });

      it('never lets a batch of a writer being replaced land after the new holder has read the checkpoint', async () => {
        const name = leaseName();
        const first = await acquire(name, 'projector-a');
        await store.applyBatch({ docs: [], checkpoint: { name, position: '1' }, fence: first.token });
        // The old writer keeps writing while the lease changes hands.
        let position = 1;
        let writing = true;
        const writer = (async () => {
          while (writing) {
            try {
              await store.applyBatch({
                docs: [],
                checkpoint: { name, position: String(++position) },
                fence: first.token,
              });
            } catch (error) {
              if (error instanceof LeaseLostError) return;
              throw error;
            }
          }
        })();
        await new Promise((resolve) => setTimeout(resolve, 50));
        await first.release();

        const second = await acquire(name, 'projector-b');
        const seenByTheNewHolder = await store.readCheckpoint(name);
        await new Promise((resolve) => setTimeout(resolve, 100));
        writing = false;
        await writer;

        expect(await store.readCheckpoint(name)).toBe(seenByTheNewHolder);
        await second.release();
      });
    });

    it('applies a batch of 20,000 docs, then a newer version of all of them', async () => {
      const docsAt = (revision: number): ViewDoc[] =>
        Array.from({ length: 20_000 }, (_, i) =>
          doc(i % 2 === 0 ? 'gateways' : 'pools', `org${i % 50}`, `e${i}`, revision, { n: i, revision }),
        );

      await write(store, { docs: docsAt(1), checkpoint: { name: CHECKPOINT, position: '20000' } });
      await write(store, { docs: docsAt(2), checkpoint: { name: CHECKPOINT, position: '40000' } });

      const snapshot = await store.loadSnapshot(CHECKPOINT);
      expect(snapshot.position).toBe('40000');
      expect(snapshot.docs).toHaveLength(20_000);
      expect(snapshot.docs.every((d) => d.revision === 2 && d.body.revision === 2)).toBe(true);
      expect(await store.listDocs('pools', 'org7')).toHaveLength(400);
    }, 30_000);
  });
}

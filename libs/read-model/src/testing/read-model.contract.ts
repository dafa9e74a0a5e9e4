// Over 200 lines: the one suite every read-model adapter must pass, kept whole so no adapter runs only part of it.
import { randomBytes } from 'node:crypto';
import type { LivenessRecord, ReadModelStore, ViewCollection, ViewDoc } from '../index.js';

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

      await store.applyBatch({ docs, checkpoint: { name: CHECKPOINT, position: '42' } });

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
      await store.applyBatch({ docs: [doc('orgs', 'acme', 'acme', 1)], checkpoint: { name: 'other', position: '7' } });

      expect(await store.loadSnapshot(CHECKPOINT)).toEqual({ position: null, docs: [doc('orgs', 'acme', 'acme', 1)] });
    });

    it('replaces a doc with a newer revision', async () => {
      await store.applyBatch({
        docs: [doc('pools', 'acme', 'p1', 1, { name: 'old' })],
        checkpoint: { name: CHECKPOINT, position: '1' },
      });
      const newer = { ...doc('pools', 'acme', 'p1', 2, {}), deleted: true };

      await store.applyBatch({ docs: [newer], checkpoint: { name: CHECKPOINT, position: '2' } });

      expect(await store.getDoc('pools', 'acme', 'p1')).toEqual(newer);
    });

    it('never lets an older or equal revision overwrite a stored doc', async () => {
      const stored = doc('pools', 'acme', 'p1', 5, { name: 'current' });
      await store.applyBatch({ docs: [stored], checkpoint: { name: CHECKPOINT, position: '5' } });

      await store.applyBatch({
        docs: [doc('pools', 'acme', 'p1', 3, { name: 'stale' })],
        checkpoint: { name: CHECKPOINT, position: '6' },
      });
      await store.applyBatch({
        docs: [{ ...doc('pools', 'acme', 'p1', 5, {}), deleted: true }],
        checkpoint: { name: CHECKPOINT, position: '7' },
      });

      expect(await store.getDoc('pools', 'acme', 'p1')).toEqual(stored);
      expect(await store.readCheckpoint(CHECKPOINT)).toBe('7');
    });

    it('keeps the newest revision when one batch holds several versions of a doc', async () => {
      const docs = [doc('pools', 'acme', 'p1', 2), doc('pools', 'acme', 'p1', 9), doc('pools', 'acme', 'p1', 4)];

      await store.applyBatch({ docs, checkpoint: { name: CHECKPOINT, position: '9' } });

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
      await store.applyBatch(batch);
      const before = await store.loadSnapshot(CHECKPOINT);

      await store.applyBatch(batch);

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
      await store.applyBatch({
        docs: [doc('gateways', 'acme', 'g1', 7), doc('gateways', 'acme', 'g2', 7)],
        checkpoint: { name: CHECKPOINT, position: '7' },
      });

      await store.applyBatch({ docs: [tombstone], checkpoint: { name: CHECKPOINT, position: '8' } });

      expect(await store.getDoc('gateways', 'acme', 'g1')).toEqual(tombstone);
      expect((await store.listDocs('gateways', 'acme')).sort(byKey)).toEqual([
        tombstone,
        doc('gateways', 'acme', 'g2', 7),
      ]);
      expect((await store.loadSnapshot(CHECKPOINT)).docs).toContainEqual(tombstone);
    });

    it('reads a null checkpoint until one is saved, then the latest saved position', async () => {
      expect(await store.readCheckpoint(CHECKPOINT)).toBeNull();

      await store.applyBatch({ docs: [], checkpoint: { name: CHECKPOINT, position: '10' } });
      expect(await store.readCheckpoint(CHECKPOINT)).toBe('10');

      await store.applyBatch({ docs: [], checkpoint: { name: CHECKPOINT, position: '11' } });
      expect(await store.readCheckpoint(CHECKPOINT)).toBe('11');
      expect(await store.readCheckpoint('another')).toBeNull();
    });

    it('keeps namespaces isolated from each other', async () => {
      const other = await openStore(randomNamespace());
      await store.applyBatch({
        docs: [doc('pools', 'acme', 'p1', 1)],
        checkpoint: { name: CHECKPOINT, position: '1' },
      });
      await store.recordLiveness([heartbeat('g1', 1000)]);

      expect(await other.getDoc('pools', 'acme', 'p1')).toBeNull();
      expect(await other.listDocs('pools', 'acme')).toEqual([]);
      expect(await other.readCheckpoint(CHECKPOINT)).toBeNull();
      expect(await other.loadSnapshot(CHECKPOINT)).toEqual({ position: null, docs: [] });
      expect(await other.loadLiveness()).toEqual([]);

      await other.applyBatch({
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

      await stores[0]?.applyBatch({
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
      await store.applyBatch({
        docs: [doc('pools', 'acme', 'p1', 6)],
        checkpoint: { name: CHECKPOINT, position: '6' },
      });
      await store.recordLiveness([heartbeat('g1', 1000)]);

      await store.reset();

      expect(await store.loadSnapshot(CHECKPOINT)).toEqual({ position: null, docs: [] });
      expect(await store.readCheckpoint(CHECKPOINT)).toBeNull();
      expect(await store.loadLiveness()).toEqual([]);
      await store.applyBatch({
        docs: [doc('pools', 'acme', 'p1', 1)],
        checkpoint: { name: CHECKPOINT, position: '1' },
      });
      expect(await store.getDoc('pools', 'acme', 'p1')).toEqual(doc('pools', 'acme', 'p1', 1));
    });

    it('loads docs and checkpoint as of one moment while batches are being applied', async () => {
      const docsAt = (revision: number): ViewDoc[] =>
        ['p1', 'p2', 'p3'].map((id) => doc('pools', 'acme', id, revision));
      let writing = true;
      const writer = (async () => {
        for (let revision = 1; writing && revision < 10_000; revision += 1) {
          await store.applyBatch({
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

    it('applies a batch of 20,000 docs, then a newer version of all of them', async () => {
      const docsAt = (revision: number): ViewDoc[] =>
        Array.from({ length: 20_000 }, (_, i) =>
          doc(i % 2 === 0 ? 'gateways' : 'pools', `org${i % 50}`, `e${i}`, revision, { n: i, revision }),
        );

      await store.applyBatch({ docs: docsAt(1), checkpoint: { name: CHECKPOINT, position: '20000' } });
      await store.applyBatch({ docs: docsAt(2), checkpoint: { name: CHECKPOINT, position: '40000' } });

      const snapshot = await store.loadSnapshot(CHECKPOINT);
      expect(snapshot.position).toBe('40000');
      expect(snapshot.docs).toHaveLength(20_000);
      expect(snapshot.docs.every((d) => d.revision === 2 && d.body.revision === 2)).toBe(true);
      expect(await store.listDocs('pools', 'org7')).toHaveLength(400);
    }, 30_000);
  });
}

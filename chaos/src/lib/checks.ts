// What an experiment must not have broken: every acknowledged command in the log exactly once, and views that
// equal a rebuild from the log.
import { orgStreamId } from '@gwpool/domain';
import type { ViewDoc } from '@gwpool/read-model';
import { openEventLog, openReadModel } from '@gwpool/storage';
import type { ChaosStack } from './stack.js';

export interface AckCheck {
  acked: number;
  missing: number;
  duplicated: number;
}

/** Each acknowledged pool.create must be exactly one PoolCreated of that pool (and of that name) in the org's stream. */
export async function ackedInLog(eventStoreUrl: string, org: string, replies: readonly string[]): Promise<AckCheck> {
  const log = await openEventLog(eventStoreUrl);
  try {
    const created = new Map<string, number>();
    const names = new Map<string, number>();
    for (const event of await log.readStream(orgStreamId(org))) {
      if (event.type !== 'PoolCreated') continue;
      const { poolId, name } = event.data as { poolId: string; name: string };
      created.set(poolId, (created.get(poolId) ?? 0) + 1);
      names.set(name, (names.get(name) ?? 0) + 1);
    }
    let missing = 0;
    let duplicated = 0;
    for (const reply of replies) {
      const { poolId, name } = JSON.parse(reply) as { poolId: string; name: string };
      const times = created.get(poolId) ?? 0;
      if (times === 0) missing += 1;
      else if (times > 1 || (names.get(name) ?? 0) > 1) duplicated += 1;
    }
    return { acked: replies.length, missing, duplicated };
  } finally {
    await log.close();
  }
}

const byKey = (a: ViewDoc, b: ViewDoc) =>
  `${a.collection}/${a.org}/${a.id}`.localeCompare(`${b.collection}/${b.org}/${b.id}`);

async function snapshotOf(url: string, namespace: string) {
  const store = await openReadModel(url, namespace);
  try {
    const snapshot = await store.loadSnapshot('projector');
    return { position: snapshot.position, docs: snapshot.docs.sort(byKey) };
  } finally {
    await store.close();
  }
}

export interface ViewsCheck {
  equal: boolean;
  /** Docs that differ (in either), when not equal. */
  differing: number;
}

/** Projects the whole log into a fresh namespace and compares it with the live views, once both stand still. */
export async function viewsVsRebuild(stack: ChaosStack, timeoutMs = 60_000): Promise<ViewsCheck> {
  const namespace = `rebuild_${Date.now()}`;
  const rebuild = stack.runOnce('projector', { READ_MODEL_NAMESPACE: namespace });
  const url = stack.postgres.url;
  const deadline = Date.now() + timeoutMs;
  type Snapshot = Awaited<ReturnType<typeof snapshotOf>>;
  let last: { live: Snapshot; rebuilt: Snapshot } | undefined;
  try {
    for (;;) {
      try {
        const [live, rebuilt] = await Promise.all([snapshotOf(url, 'gwpool'), snapshotOf(url, namespace)]);
        last = { live, rebuilt };
        if (live.position !== null && live.position === rebuilt.position) {
          if (JSON.stringify(live.docs) === JSON.stringify(rebuilt.docs)) return { equal: true, differing: 0 };
        }
      } catch {
        // The rebuild's namespace is created as it starts.
      }
      if (Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await rebuild.stop();
  }
  if (!last) return { equal: false, differing: Number.NaN };
  const { live, rebuilt } = last;
  const key = (d: ViewDoc) => `${d.collection}/${d.org}/${d.id}`;
  const liveDocs = new Map(live.docs.map((d) => [key(d), JSON.stringify(d)]));
  const rebuiltDocs = new Map(rebuilt.docs.map((d) => [key(d), JSON.stringify(d)]));
  let differing = 0;
  for (const k of new Set([...liveDocs.keys(), ...rebuiltDocs.keys()]))
    if (liveDocs.get(k) !== rebuiltDocs.get(k)) differing += 1;
  return { equal: false, differing };
}

import type { ViewDoc } from '@gwpool/read-model';
import { openReadModel } from '@gwpool/storage';
import { eventually, type TestStack } from '@gwpool/testing';

const byKey = (a: ViewDoc, b: ViewDoc) =>
  `${a.collection}/${a.org}/${a.id}`.localeCompare(`${b.collection}/${b.org}/${b.id}`);

export async function snapshotOf(url: string, namespace: string) {
  const store = await openReadModel(url, namespace);
  try {
    const snapshot = await store.loadSnapshot('projector');
    return { position: snapshot.position, docs: snapshot.docs.sort(byKey) };
  } finally {
    await store.close();
  }
}

/**
 * Projects the whole log again into a fresh namespace and waits until it and the live views stand at the same
 * position; both, for the test to compare.
 */
export async function liveAndRebuilt(stack: TestStack) {
  const namespace = `rebuild_${Date.now()}`;
  const rebuild = stack.add('projector', { READ_MODEL_NAMESPACE: namespace });
  const url = stack.env.READ_MODEL_URL;
  try {
    const [live, rebuilt] = await eventually(
      () => Promise.all([snapshotOf(url, 'gwpool'), snapshotOf(url, namespace)]),
      ([a, b]) => a.position !== null && a.position === b.position && JSON.stringify(a.docs) === JSON.stringify(b.docs),
      { timeoutMs: 30_000, intervalMs: 250, label: 'live views equal the rebuild' },
    ).catch(async () => Promise.all([snapshotOf(url, 'gwpool'), snapshotOf(url, namespace)]));
    return { live, rebuilt };
  } finally {
    await rebuild.stop();
  }
}

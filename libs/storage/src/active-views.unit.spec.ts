import type { ReadModelStore, ViewsPointer, WriterLease } from '@gwpool/read-model';
import { ActiveViews } from './active-views.js';

/** A store that answers only what these specs ask: its namespace, a shared pointer, a lease. */
function fakeStores() {
  let pointer: ViewsPointer | null = null;
  const opened: string[] = [];
  const closed: string[] = [];
  let acquiring: ((lease: WriterLease) => void) | undefined;
  const released: string[] = [];
  const open = (namespace: string): Promise<ReadModelStore> => {
    opened.push(namespace);
    return Promise.resolve({
      readViewsPointer: () => Promise.resolve(pointer),
      writeViewsPointer: (p: ViewsPointer) => {
        pointer = p;
        return Promise.resolve();
      },
      readCheckpoint: () => Promise.resolve(namespace),
      tryAcquireWriterLease: (name: string) =>
        new Promise<WriterLease>((resolve) => {
          acquiring = resolve;
          void name;
        }),
      close: () => {
        closed.push(namespace);
        return Promise.resolve();
      },
    } as unknown as ReadModelStore);
  };
  const lease = (namespace: string): WriterLease =>
    ({
      release: () => {
        released.push(namespace);
        return Promise.resolve();
      },
    }) as unknown as WriterLease;
  return {
    open,
    opened,
    closed,
    released,
    lease,
    grant: (l: WriterLease) => acquiring?.(l),
    setPointer: (p: ViewsPointer) => (pointer = p),
  };
}

describe('the active views', () => {
  it('uses the base namespace while no pointer was ever written', async () => {
    const fake = fakeStores();
    const views = await ActiveViews.open('gwpool', fake.open);
    expect(views.pointer).toEqual({ namespace: 'gwpool', generation: 0 });
    expect(await views.readCheckpoint('projector')).toBe('gwpool');
    expect(fake.opened).toEqual(['gwpool']);
  });

  it('opens the generation the pointer names at start-up, as a restart after a swap does', async () => {
    const fake = fakeStores();
    fake.setPointer({ namespace: 'gwpool_r2', generation: 2 });
    const views = await ActiveViews.open('gwpool', fake.open);
    expect(views.pointer).toEqual({ namespace: 'gwpool_r2', generation: 2 });
    expect(await views.readCheckpoint('projector')).toBe('gwpool_r2');
    await views.close();
    expect(fake.closed.sort()).toEqual(['gwpool', 'gwpool_r2']);
  });

  it('moves to the generation the stored pointer names on refresh, once, and tells its listeners', async () => {
    const fake = fakeStores();
    const views = await ActiveViews.open('gwpool', fake.open);
    const switches: string[] = [];
    views.onSwitch((pointer, previous) => switches.push(`${previous.namespace}->${pointer.namespace}`));

    expect(await views.refresh()).toBe(false);
    await views.writeViewsPointer({ namespace: 'gwpool_r1', generation: 1 });
    expect(await Promise.all([views.refresh(), views.refresh()])).toEqual([true, false]);

    expect(switches).toEqual(['gwpool->gwpool_r1']);
    expect(await views.readCheckpoint('projector')).toBe('gwpool_r1');
    expect(fake.opened).toEqual(['gwpool', 'gwpool_r1']);
  });

  it('gives back a writer lease of the generation left behind when a swap happens while taking it', async () => {
    const fake = fakeStores();
    const views = await ActiveViews.open('gwpool', fake.open);
    const taking = views.tryAcquireWriterLease('projector', 'me');
    await views.writeViewsPointer({ namespace: 'gwpool_r1', generation: 1 });
    await views.refresh();
    fake.grant(fake.lease('gwpool'));

    expect(await taking).toBeNull();
    expect(fake.released).toEqual(['gwpool']);
  });
});

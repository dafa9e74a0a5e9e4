import { ReadModelUnavailableError } from '@gwpool/read-model';
import { describeReadModelContract } from '@gwpool/read-model/testing';
import { MongoReadModelStore } from './index.js';

// MongoDB runs only where READ_MODEL_URL points at one (a replica set, for transactions); see README.md.
const url = process.env.READ_MODEL_URL ?? '';

if (/^mongodb(\+srv)?:\/\//i.test(url)) {
  describeReadModelContract('MongoDB', (namespace) => MongoReadModelStore.open({ url, namespace }));
} else {
  describe('MongoDB read model without a MongoDB server', () => {
    it('loads and exports MongoReadModelStore', async () => {
      const adapter = await import('./index.js');

      expect(typeof adapter.MongoReadModelStore.open).toBe('function');
    });
  });
}

describe('MongoDB read model connection', () => {
  it('reports a server that cannot be reached as ReadModelUnavailableError', async () => {
    const unreachable = 'mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300';

    await expect(MongoReadModelStore.open({ url: unreachable })).rejects.toBeInstanceOf(ReadModelUnavailableError);
  });
});

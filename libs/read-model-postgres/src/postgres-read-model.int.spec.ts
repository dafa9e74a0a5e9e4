import { ReadModelUnavailableError } from '@gwpool/read-model';
import { requireEnv } from '@gwpool/testing';
import { describeReadModelContract } from '@gwpool/read-model/testing';
import { PostgresReadModelStore } from './index.js';

const url = requireEnv('TEST_POSTGRES_URL');

describeReadModelContract('PostgreSQL', (namespace) => PostgresReadModelStore.open({ url, namespace }));

describe('PostgreSQL read model connection', () => {
  it('reports a server that cannot be reached as ReadModelUnavailableError', async () => {
    await expect(
      PostgresReadModelStore.open({ url: 'postgres://postgres@127.0.0.1:1/postgres' }),
    ).rejects.toBeInstanceOf(ReadModelUnavailableError);
  });
});

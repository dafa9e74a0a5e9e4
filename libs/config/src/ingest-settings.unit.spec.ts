import { loadSettings, SettingsError } from './index.js';

const base = { EVENT_STORE_URL: 'postgres://x/y', READ_MODEL_URL: 'postgres://x/y' };

describe("heartbeat-ingest's settings", () => {
  it('default to no rate cap, 100,000 waiting heartbeats and nice 10', () => {
    expect(loadSettings(base)).toMatchObject({ ingestMaxRate: 0, ingestMaxQueued: 100_000, ingestNice: 10 });
  });

  it('read whole numbers', () => {
    expect(
      loadSettings({ ...base, INGEST_MAX_RATE: '20000', INGEST_MAX_QUEUED: ' 500 ', INGEST_NICE: '0' }),
    ).toMatchObject({ ingestMaxRate: 20_000, ingestMaxQueued: 500, ingestNice: 0 });
  });

  it('refuse anything else, naming the setting', () => {
    for (const [name, value] of [
      ['INGEST_MAX_RATE', '-1'],
      ['INGEST_MAX_RATE', '1e3'],
      ['INGEST_MAX_QUEUED', '0'],
      ['INGEST_MAX_QUEUED', 'many'],
      ['INGEST_NICE', '20'],
      ['INGEST_NICE', '-5'],
    ] as const) {
      expect(() => loadSettings({ ...base, [name]: value })).toThrow(SettingsError);
      expect(() => loadSettings({ ...base, [name]: value })).toThrow(new RegExp(`^${name} '${value}' must be`));
    }
  });
});

import { DEFAULT_COMMAND_CACHE_ORGS, loadSettings, SettingsError } from './index.js';

const required = { EVENT_STORE_URL: 'postgres://localhost/gwpool', READ_MODEL_URL: 'postgres://localhost/gwpool' };

describe('settings', () => {
  it('keeps the catalogs of a thousand orgs in pool-command by default', () => {
    expect(loadSettings(required).commandCacheOrgs).toBe(DEFAULT_COMMAND_CACHE_ORGS);
    expect(DEFAULT_COMMAND_CACHE_ORGS).toBe(1000);
  });

  it('reads the number of orgs pool-command keeps cached', () => {
    expect(loadSettings({ ...required, COMMAND_CACHE_ORGS: ' 25 ' }).commandCacheOrgs).toBe(25);
  });

  it.each(['0', '-3', '2.5', '1e3', 'many', '9'.repeat(20)])('refuses COMMAND_CACHE_ORGS=%p, naming it', (value) => {
    expect(() => loadSettings({ ...required, COMMAND_CACHE_ORGS: value })).toThrow(
      new SettingsError(`COMMAND_CACHE_ORGS '${value}' is not a whole number of orgs from 1`),
    );
  });

  it('names the first setting that is missing or malformed', () => {
    expect(() => loadSettings({})).toThrow('EVENT_STORE_URL is not set');
    expect(() => loadSettings({ ...required, HEARTBEAT_TTL: '5' })).toThrow("HEARTBEAT_TTL '5'");
    expect(() => loadSettings({ ...required, ENTITLEMENTS: 'closed' })).toThrow('ENTITLEMENTS');
  });
});

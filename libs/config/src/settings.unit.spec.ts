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

  it('connects without a credential unless NATS_CREDS names one', () => {
    expect(loadSettings(required).natsCreds).toBeUndefined();
    expect(loadSettings({ ...required, NATS_CREDS: ' ' }).natsCreds).toBeUndefined();
    expect(loadSettings({ ...required, NATS_CREDS: ' /run/secrets/pool-command.creds ' }).natsCreds).toBe(
      '/run/secrets/pool-command.creds',
    );
  });

  it('lets a query wait two seconds for its view by default, or as long as READ_WAIT_MS says', () => {
    expect(loadSettings(required).readWaitMs).toBe(2000);
    expect(loadSettings({ ...required, READ_WAIT_MS: '750' }).readWaitMs).toBe(750);
    expect(loadSettings({ ...required, READ_WAIT_MS: ' 60000 ' }).readWaitMs).toBe(60_000);
  });

  it.each(['0', '-1', '2.5', '1e3', '2s', '60001', '9'.repeat(20), 'soon'])(
    'refuses READ_WAIT_MS=%p, naming it',
    (value) => {
      expect(() => loadSettings({ ...required, READ_WAIT_MS: value })).toThrow(
        new SettingsError(`READ_WAIT_MS '${value}' must be a whole number from 1 to 60000`),
      );
    },
  );

  it('names the first setting that is missing or malformed', () => {
    expect(() => loadSettings({})).toThrow('EVENT_STORE_URL is not set');
    expect(() => loadSettings({ ...required, HEARTBEAT_TTL: '5' })).toThrow("HEARTBEAT_TTL '5'");
    expect(() => loadSettings({ ...required, ENTITLEMENTS: 'closed' })).toThrow('ENTITLEMENTS');
  });
});

describe('observability settings', () => {
  it('default to no metrics port, text logs at info and a 10 s readiness lag', () => {
    const settings = loadSettings(required);

    expect(settings.metricsPort).toBeUndefined();
    expect(settings).toMatchObject({
      metricsHost: '0.0.0.0',
      metricsOrgLimit: 20,
      logFormat: 'text',
      logLevel: 'info',
      readyMaxLagMs: 10_000,
    });
  });

  it('read a metrics port (0 for any free one), JSON logs, a level and a lag', () => {
    const settings = loadSettings({
      ...required,
      METRICS_PORT: '0',
      METRICS_HOST: '127.0.0.1',
      METRICS_ORG_LIMIT: '5',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'DEBUG',
      READY_MAX_LAG: '1s',
    });

    expect(settings).toMatchObject({
      metricsPort: 0,
      metricsHost: '127.0.0.1',
      metricsOrgLimit: 5,
      logFormat: 'json',
      logLevel: 'debug',
      readyMaxLagMs: 1000,
    });
  });

  it.each([
    ['METRICS_PORT', '70000', /METRICS_PORT '70000' must be a whole number from 0 to 65535/],
    ['METRICS_PORT', '9464x', /METRICS_PORT/],
    ['METRICS_ORG_LIMIT', '0', /METRICS_ORG_LIMIT/],
    ['LOG_FORMAT', 'yaml', /LOG_FORMAT must be 'text' or 'json', not 'yaml'/],
    ['LOG_LEVEL', 'chatty', /LOG_LEVEL must be one of debug, info, warn, error/],
    ['READY_MAX_LAG', '10', /READY_MAX_LAG '10' is not a duration/],
  ])('refuse a malformed %s (%s), naming it', (name, value, message) => {
    expect(() => loadSettings({ ...required, [name]: value })).toThrow(SettingsError);
    expect(() => loadSettings({ ...required, [name]: value })).toThrow(message);
  });
});

describe('routing settings', () => {
  it('default to 10 s heartbeats, no damping, ejection after 3 failures for 30 s to 300 s, and 60 s between alerts', () => {
    expect(loadSettings(required)).toMatchObject({
      heartbeatIntervalMs: 10_000,
      damping: { healthyAfter: 1, unhealthyAfter: 1 },
      ejection: { failuresToEject: 3, baseEjectionMs: 30_000, maxEjectionMs: 300_000 },
      alertCooldownMs: 60_000,
    });
  });

  it('reads each of them', () => {
    const env = {
      ...required,
      HEARTBEAT_INTERVAL: '5s',
      HEALTHY_AFTER: '2',
      UNHEALTHY_AFTER: '3',
      EJECT_AFTER: '5',
      EJECTION_TIME: '10s',
      EJECTION_MAX: '2m',
      ALERT_COOLDOWN: '90s',
    };
    expect(loadSettings(env)).toMatchObject({
      heartbeatIntervalMs: 5_000,
      damping: { healthyAfter: 2, unhealthyAfter: 3 },
      ejection: { failuresToEject: 5, baseEjectionMs: 10_000, maxEjectionMs: 120_000 },
      alertCooldownMs: 90_000,
    });
  });

  it('refuses malformed values, naming the setting', () => {
    expect(() => loadSettings({ ...required, HEALTHY_AFTER: '0' })).toThrow('HEALTHY_AFTER');
    expect(() => loadSettings({ ...required, UNHEALTHY_AFTER: 'two' })).toThrow('UNHEALTHY_AFTER');
    expect(() => loadSettings({ ...required, EJECT_AFTER: '1.5' })).toThrow('EJECT_AFTER');
    expect(() => loadSettings({ ...required, ALERT_COOLDOWN: '60' })).toThrow("ALERT_COOLDOWN '60'");
    expect(() => loadSettings({ ...required, EJECTION_TIME: '10m', EJECTION_MAX: '1m' })).toThrow(
      'EJECTION_MAX must be at least EJECTION_TIME',
    );
  });
});

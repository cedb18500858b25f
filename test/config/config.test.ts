import { ConfigError, loadConfig } from '../../src/config/config.js';

describe('configuration from the environment', () => {
  it('has the documented defaults (embedded mode: demo data and key creation on)', () => {
    const config = loadConfig({}, '/srv/tongban');
    expect(config).toEqual({
      port: 3000,
      host: '0.0.0.0',
      publicUrl: 'http://localhost:3000',
      databaseUrl: undefined,
      dataDir: '/srv/tongban/data',
      keysDir: '/srv/tongban/keys',
      keysBackend: 'file',
      keysReloadSeconds: 10,
      keysAutoInit: true,
      demo: true,
      logLevel: 'info',
      logFormat: 'auto',
      dbPoolSize: 10,
      trustProxy: false,
      shutdownTimeoutSeconds: 10,
      loginIpLimitPerMinute: 60,
      loginLockThreshold: 5,
      loginLockMinutes: 15,
      oidcInteractionTtlSeconds: 600,
      oidcSessionTtlSeconds: 28800,
      oidcFetchAllowPrivate: true,
      verifyRateLimitPerMinute: 60000,
      pkiLicenceValidityDays: 365,
      auditWrites: true,
    });
  });

  it('turns demo data and key creation off by default with PostgreSQL', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/tongban' });
    expect(config).toMatchObject({ demo: false, keysAutoInit: false, databaseUrl: 'postgres://u:p@db:5432/tongban' });
    expect(loadConfig({ DATABASE_URL: 'postgresql://db/x', DEMO: 'yes' }).demo).toBe(true);
  });

  it('normalises PUBLIC_URL and follows PORT for its default', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://id.gov.example/' }).publicUrl).toBe('https://id.gov.example');
    expect(loadConfig({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
  });

  it('wants PUBLIC_URL to be an origin: the issuer and every endpoint hang off it', () => {
    expect(() => loadConfig({ PUBLIC_URL: 'https://id.gov.example/idp' })).toThrow(/PUBLIC_URL must be an http\(s\) origin without path/);
  });

  it('reads TRUST_PROXY as express does', () => {
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toBe('loopback,10.0.0.0/8');
  });

  it('names every bad variable and what it should be', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({
        PORT: '70000',
        PUBLIC_URL: 'ftp://x',
        DATABASE_URL: 'mysql://root@db/x',
        DEMO: 'maybe',
        LOG_LEVEL: 'chatty',
        KEYS_BACKEND: 'pkcs11',
        TRUST_PROXY: 'everyone',
        DB_POOL_SIZE: '0',
      });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems).toEqual([
      'PORT must be an integer from 0 to 65535 (got "70000")',
      'DATABASE_URL must be a postgres:// or postgresql:// URL (got "mysql://root@db/x")',
      'PUBLIC_URL must be an http(s) origin without path, credentials, query or fragment (got "ftp://x")',
      'KEYS_BACKEND cannot be pkcs11 yet: the PKCS#11 backend is not in this build; use "file" (got "pkcs11")',
      'DEMO must be 1/0, true/false, yes/no or on/off (got "maybe")',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "chatty")',
      'DB_POOL_SIZE must be an integer from 1 to 1000 (got "0")',
      'TRUST_PROXY must be true/false, a hop count, or a comma-separated list of addresses/CIDRs (got "everyone")',
    ]);
  });

  it('does not print a database password in its complaint', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://root:hunter2@db/x' })).toThrow(/mysql:\/\/root:\*\*\*@db\/x/);
  });
});

import { isAbsolute, resolve } from 'node:path';

/** The validated runtime configuration. Every field comes from one environment variable (see README). */
export interface AppConfig {
  port: number;
  host: string;
  publicUrl: string;
  /** PostgreSQL connection string; undefined means the embedded PGlite store under dataDir. */
  databaseUrl?: string;
  dataDir: string;
  keysDir: string;
  keysBackend: 'file';
  keysReloadSeconds: number;
  /** Create any missing key at start (default on in the embedded mode only). */
  keysAutoInit: boolean;
  demo: boolean;
  logLevel: LogLevel;
  /** `pretty` (pino-pretty) or `json` lines; `auto`: pretty when stdout is a terminal. */
  logFormat: 'auto' | 'json' | 'pretty';
  dbPoolSize: number;
  /** Fastify's trustProxy (proxy-addr): false, true, a hop count or a list of addresses/CIDRs. */
  trustProxy: boolean | number | string;
  shutdownTimeoutSeconds: number;
  /** Sign-in attempts per client IP per minute (0: no limit). */
  loginIpLimitPerMinute: number;
  /** Consecutive failed sign-ins for one ID number that lock it. */
  loginLockThreshold: number;
  loginLockMinutes: number;
  /** How long a sign-in page stays valid. */
  oidcInteractionTtlSeconds: number;
  /** The longest an SSO session lasts. */
  oidcSessionTtlSeconds: number;
  /** Let oidc-provider call loopback/private addresses (back-channel logout, jwks_uri): development and tests only. */
  oidcFetchAllowPrivate: boolean;
  /** Verification calls per client per minute and replica (0: no limit); a batch counts its items. */
  verifyRateLimitPerMinute: number;
  /** Default validity of the end-entity certificates the CA issues (enterprise licences), in days. */
  pkiLicenceValidityDays: number;
  /**
   * Whether the audit log is written (AUDIT_WRITES, default on). Bench-only: `off` lets the bench
   * measure the same paths without the audit in the same run. Never switch it off in production.
   */
  auditWrites: boolean;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export function isEmbedded(config: Pick<AppConfig, 'databaseUrl'>): boolean {
  return !config.databaseUrl;
}

type Env = Record<string, string | undefined>;

/** Reads and validates the configuration; throws ConfigError naming every bad variable. */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): AppConfig {
  const problems: string[] = [];
  const read = new EnvReader(env, problems);

  const port = read.integer('PORT', 3000, 0, 65535);
  const databaseUrl = read.optional('DATABASE_URL', (value) => {
    if (!/^postgres(ql)?:\/\//.test(value)) return 'must be a postgres:// or postgresql:// URL';
    try {
      new URL(value);
    } catch {
      return 'is not a valid URL';
    }
    return null;
  });
  const config: AppConfig = {
    port,
    host: read.string('HOST', '0.0.0.0'),
    publicUrl: read.url('PUBLIC_URL', `http://localhost:${port || 3000}`),
    databaseUrl,
    dataDir: absolute(read.string('DATA_DIR', './data'), cwd),
    keysDir: absolute(read.string('KEYS_DIR', './keys'), cwd),
    keysBackend: read.oneOf('KEYS_BACKEND', 'file', ['file'] as const, {
      pkcs11: 'cannot be pkcs11 yet: the PKCS#11 backend is not in this build; use "file"',
    }),
    keysReloadSeconds: read.integer('KEYS_RELOAD_SECONDS', 10, 0, 3600),
    keysAutoInit: read.boolean('KEYS_AUTO_INIT', !databaseUrl),
    demo: read.boolean('DEMO', !databaseUrl),
    logLevel: read.oneOf('LOG_LEVEL', 'info', LOG_LEVELS),
    logFormat: read.oneOf('LOG_FORMAT', 'auto', ['auto', 'json', 'pretty'] as const),
    dbPoolSize: read.integer('DB_POOL_SIZE', 10, 1, 1000),
    trustProxy: read.trustProxy('TRUST_PROXY'),
    shutdownTimeoutSeconds: read.integer('SHUTDOWN_TIMEOUT_SECONDS', 10, 0, 600),
    loginIpLimitPerMinute: read.integer('LOGIN_IP_LIMIT_PER_MINUTE', 60, 0, 1_000_000),
    loginLockThreshold: read.integer('LOGIN_LOCK_THRESHOLD', 5, 1, 100),
    loginLockMinutes: read.integer('LOGIN_LOCK_MINUTES', 15, 1, 1440),
    oidcInteractionTtlSeconds: read.integer('OIDC_INTERACTION_TTL_SECONDS', 600, 1, 86400),
    oidcSessionTtlSeconds: read.integer('OIDC_SESSION_TTL_SECONDS', 8 * 3600, 60, 30 * 86400),
    oidcFetchAllowPrivate: false,
    verifyRateLimitPerMinute: read.integer('VERIFY_RATE_LIMIT_PER_MINUTE', 60_000, 0, 100_000_000),
    pkiLicenceValidityDays: read.integer('PKI_LICENCE_VALIDITY_DAYS', 365, 1, 3650),
    auditWrites: read.boolean('AUDIT_WRITES', true),
  };
  // Demo portals live on this very host, so the demo needs loopback calls; production does not.
  config.oidcFetchAllowPrivate = read.boolean('OIDC_FETCH_ALLOW_PRIVATE', config.demo);
  if (problems.length) throw new ConfigError(problems);
  return config;
}

function absolute(path: string, cwd: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}

class EnvReader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  private fail<T>(name: string, value: string, why: string, fallback: T): T {
    this.problems.push(`${name} ${why} (got ${JSON.stringify(value)})`);
    return fallback;
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  optional(name: string, check: (value: string) => string | null): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    const why = check(value);
    return why ? this.fail(name, redactUrl(value), why, undefined) : value;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      return this.fail(name, value, `must be an integer from ${min} to ${max}`, fallback);
    }
    return n;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const normalised = value.toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(normalised)) return true;
    if (['0', 'false', 'no', 'off'].includes(normalised)) return false;
    return this.fail(name, value, 'must be 1/0, true/false, yes/no or on/off', fallback);
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[], explain: Record<string, string> = {}): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    return this.fail(name, value, explain[value] ?? `must be one of ${allowed.join(', ')}`, fallback);
  }

  url(name: string, fallback: string): string {
    const value = this.raw(name) ?? fallback;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return this.fail(name, value, 'must be an absolute http(s) URL', fallback);
    }
    if (!['http:', 'https:'].includes(url.protocol) || url.search || url.hash || url.username || url.pathname !== '/') {
      return this.fail(name, value, 'must be an http(s) origin without path, credentials, query or fragment', fallback);
    }
    return url.href.replace(/\/+$/, '');
  }

  trustProxy(name: string): boolean | number | string {
    const value = this.raw(name);
    if (value === undefined) return false;
    if (/^(false|0|no|off)$/i.test(value)) return false;
    if (/^(true|yes|on)$/i.test(value)) return true;
    if (/^\d+$/.test(value)) return Number(value);
    const parts = value.split(',').map((part) => part.trim());
    const address = /^(loopback|linklocal|uniquelocal|[0-9a-fA-F:.]+(\/\d{1,3})?)$/;
    if (parts.every((part) => address.test(part))) return parts.join(',');
    return this.fail(name, value, 'must be true/false, a hop count, or a comma-separated list of addresses/CIDRs', false);
  }
}

function redactUrl(value: string): string {
  return value.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

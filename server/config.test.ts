import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

/** Runs `loadConfig` and returns the ConfigError it throws (failing when it does not throw one). */
function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('has working defaults for an empty environment', () => {
    expect(loadConfig({})).toEqual({
      port: 8787,
      host: '127.0.0.1',
      dataDir: resolve('./data'),
      publicUrl: 'http://localhost:8787',
      allowedOrigins: ['http://localhost:8787'],
      logLevel: 'info',
      maxMessageBytes: 8 * 1024 * 1024,
      maxRequestBytes: 1024 * 1024,
      maxImportBytes: 10 * 1024 * 1024,
      compactAfterUpdates: 500,
      compactAfterBytes: 4 * 1024 * 1024,
      roomIdleMs: 30_000,
      keepaliveMs: 10_000,
      permissionRecheckMs: 15_000,
      maxQueuedBytesPerConnection: 16 * 1024 * 1024,
      maxQueuedBytesPerRoom: 64 * 1024 * 1024,
      maxQueuedBytes: 256 * 1024 * 1024,
      maxConnectionsPerAddress: 200,
      sessionTtlMs: 14 * 24 * 3600_000,
      loginMaxFailures: 5,
      loginLockMs: 15 * 60_000,
      maxRoomsPerSite: 500,
      maxRoomsPerMember: 200,
      maxVersionBytes: 32 * 1024 * 1024,
      trustProxy: false,
      seedSites: true,
      demo: false,
      metricsToken: null,
      databaseUrl: null,
      databaseSchema: 'public',
      redisUrl: null,
    });
    expect(loadConfig({ DEMO: 'true' }).demo).toBe(true);
  });

  it('reads numbers, booleans and paths, and converts units', () => {
    const config = loadConfig({
      PORT: '9000',
      HOST: '0.0.0.0',
      DATA_DIR: '/var/lib/workspace',
      LOG_LEVEL: 'warn',
      SESSION_TTL_HOURS: '2',
      LOGIN_MAX_FAILURES: '3',
      LOGIN_LOCK_MINUTES: '1',
      TRUST_PROXY: 'yes',
      SEED_SITES: '0',
      MAX_ROOMS_PER_SITE: '50',
      MAX_ROOMS_PER_MEMBER: '5',
    });
    expect(config).toMatchObject({
      port: 9000,
      host: '0.0.0.0',
      dataDir: '/var/lib/workspace',
      logLevel: 'warn',
      sessionTtlMs: 2 * 3600_000,
      loginMaxFailures: 3,
      loginLockMs: 60_000,
      trustProxy: true,
      seedSites: false,
      maxRoomsPerSite: 50,
      maxRoomsPerMember: 5,
    });
    // The public URL follows the port when it is not given.
    expect(config.publicUrl).toBe('http://localhost:9000');
  });

  it.each([
    ['true', true],
    ['1', true],
    ['yes', true],
    ['false', false],
    ['0', false],
    ['no', false],
  ])('reads TRUST_PROXY=%s as %s', (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toBe(expected);
  });

  it('treats empty strings as unset, as shells do for `VAR= cmd`', () => {
    const config = loadConfig({ PORT: '', PUBLIC_URL: '', ALLOWED_ORIGINS: '', LOG_LEVEL: '', TRUST_PROXY: '' });
    expect(config.port).toBe(8787);
    expect(config.publicUrl).toBe('http://localhost:8787');
    expect(config.logLevel).toBe('info');
    expect(config.trustProxy).toBe(false);
  });

  it('takes PUBLIC_URL without trailing slashes and allows its origin', () => {
    const config = loadConfig({ PUBLIC_URL: 'https://workspace.example.org/' });
    expect(config.publicUrl).toBe('https://workspace.example.org');
    expect(config.allowedOrigins).toEqual(['https://workspace.example.org']);
  });

  it('keeps a PUBLIC_URL path (served under a prefix) but allows only the origin', () => {
    const config = loadConfig({ PUBLIC_URL: 'https://intranet.example.gov.uk:8443/workspace//' });
    expect(config.publicUrl).toBe('https://intranet.example.gov.uk:8443/workspace');
    expect(config.allowedOrigins).toEqual(['https://intranet.example.gov.uk:8443']);
  });

  it('adds ALLOWED_ORIGINS (comma-separated, trimmed, reduced to origins, without duplicates)', () => {
    const config = loadConfig({
      PUBLIC_URL: 'https://workspace.example.org',
      ALLOWED_ORIGINS: ' http://localhost:5173 ,https://workspace.example.org/,https://other.example/some/path,,',
    });
    expect(config.allowedOrigins).toEqual([
      'https://workspace.example.org',
      'http://localhost:5173',
      'https://other.example',
    ]);
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['LOG_LEVEL', 'verbose'],
    ['PUBLIC_URL', 'workspace.example.org'],
    ['PUBLIC_URL', 'ftp://workspace.example.org'],
    ['ALLOWED_ORIGINS', 'file:///etc'],
    ['TRUST_PROXY', 'maybe'],
    ['SEED_SITES', 'TRUE!'],
    ['MAX_MESSAGE_BYTES', '10'],
    ['MAX_REQUEST_BYTES', 'lots'],
    ['KEEPALIVE_MS', '0'],
    ['LOGIN_MAX_FAILURES', '0'],
    ['SESSION_TTL_HOURS', '100000'],
    ['MAX_ROOMS_PER_SITE', '0'],
    ['MAX_ROOMS_PER_SITE', 'many'],
    ['MAX_ROOMS_PER_SITE', '2.5'],
    ['MAX_ROOMS_PER_MEMBER', '-3'],
    ['MAX_ROOMS_PER_MEMBER', '2000000'],
  ])('rejects %s=%j with a ConfigError naming the variable', (name, value) => {
    const error = configError({ [name]: value });
    expect(error.name).toBe('ConfigError');
    expect(error.message).toContain(name);
  });

  it('names ALLOWED_ORIGINS and the bad entry when one is not a URL', () => {
    const error = configError({ ALLOWED_ORIGINS: 'http://localhost:5173,not a url' });
    expect(error.message).toContain('ALLOWED_ORIGINS');
    expect(error.message).toContain('not a url');
  });

  it('reports every invalid variable at once', () => {
    const error = configError({ PORT: 'x', LOG_LEVEL: 'loud' });
    expect(error.message).toContain('PORT');
    expect(error.message).toContain('LOG_LEVEL');
  });

  it('reads METRICS_TOKEN, and refuses one too short to guard /metrics', () => {
    expect(loadConfig({ METRICS_TOKEN: 'a-long-enough-scrape-token' }).metricsToken).toBe('a-long-enough-scrape-token');
    expect(configError({ METRICS_TOKEN: 'short' }).message).toMatch(/METRICS_TOKEN: must be at least 16 characters/);
  });

  it('ignores variables it does not know', () => {
    expect(loadConfig({ HOME: '/root', PATH: '/usr/bin', NODE_ENV: 'production' }).port).toBe(8787);
  });
});

describe('scale-out settings', () => {
  it('takes PostgreSQL and Redis addresses and a schema, and refuses anything else', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://app@db:5432/workspace', DATABASE_SCHEMA: 'site_a', REDIS_URL: 'redis://cache:6379' });
    expect([config.databaseUrl, config.databaseSchema, config.redisUrl]).toEqual(['postgres://app@db:5432/workspace', 'site_a', 'redis://cache:6379']);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://db' })).toThrow(/DATABASE_URL: must be a postgres/);
    expect(() => loadConfig({ REDIS_URL: 'http://cache' })).toThrow(/REDIS_URL: must be a redis/);
    expect(() => loadConfig({ DATABASE_SCHEMA: 'Robert"); DROP' })).toThrow(/DATABASE_SCHEMA/);
  });
});

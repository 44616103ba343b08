import { describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../shared/routes.js';
import { originAllowed, readCredential } from './credentials.js';

describe('readCredential', () => {
  it('reads a bearer token, whatever the case of the scheme', () => {
    expect(readCredential({ authorization: 'Bearer abc.def' }, null)).toEqual({ secret: 'abc.def', source: 'bearer' });
    expect(readCredential({ authorization: 'bearer   xyz  ' }, null)).toEqual({ secret: 'xyz', source: 'bearer' });
  });

  it('reads the token query parameter (how the y-websocket provider sends params)', () => {
    expect(readCredential({}, 'from-query')).toEqual({ secret: 'from-query', source: 'query' });
  });

  it('reads the session cookie among others, and decodes it', () => {
    const cookie = `theme=dark; ${SESSION_COOKIE}=a%2Bb%3D; other=1`;
    expect(readCredential({ cookie }, null)).toEqual({ secret: 'a+b=', source: 'cookie' });
    expect(readCredential({ cookie: `${SESSION_COOKIE}=plain` }, null)).toEqual({ secret: 'plain', source: 'cookie' });
  });

  it('prefers bearer over query over cookie', () => {
    const cookie = `${SESSION_COOKIE}=c`;
    expect(readCredential({ authorization: 'Bearer b', cookie }, 'q')?.source).toBe('bearer');
    expect(readCredential({ cookie }, 'q')?.source).toBe('query');
    expect(readCredential({ cookie }, null)?.source).toBe('cookie');
  });

  it.each([
    ['nothing at all', {}, null],
    ['another auth scheme', { authorization: 'Basic dXNlcjpwYXNz' }, null],
    ['a bearer with no token', { authorization: 'Bearer ' }, null],
    ['a bearer with two tokens', { authorization: 'Bearer a b' }, null],
    ['only other cookies', { cookie: 'theme=dark; lang=en' }, null],
    ['a cookie whose name merely ends like ours', { cookie: `x${SESSION_COOKIE}=v` }, null],
    ['an empty session cookie', { cookie: `${SESSION_COOKIE}=` }, null],
    ['a session cookie with broken percent-encoding', { cookie: `${SESSION_COOKIE}=%E0%A4%A` }, null],
    ['an empty query token', {}, ''],
  ])('finds no credential in %s', (_what, headers, query) => {
    expect(readCredential(headers, query)).toBeNull();
  });

  it('falls back to the cookie when the Authorization header is not a bearer', () => {
    expect(readCredential({ authorization: 'Basic abc', cookie: `${SESSION_COOKIE}=c` }, null)).toEqual({
      secret: 'c',
      source: 'cookie',
    });
  });
});

describe('originAllowed', () => {
  const allowed = ['https://workspace.example.org', 'http://localhost:5173'];
  it.each([
    [undefined, true],
    ['https://workspace.example.org', true],
    ['http://localhost:5173', true],
    ['https://evil.example', false],
    ['http://workspace.example.org', false],
    ['https://workspace.example.org.evil.example', false],
    ['null', false],
    ['', false],
  ])('Origin %j → %s', (origin, expected) => {
    expect(originAllowed(origin, allowed)).toBe(expected);
  });
});

describe('originAllowed on loopback', () => {
  const allowed = ['http://localhost:8787'];
  it.each([
    ['http://localhost:8787', true],
    ['http://127.0.0.1:8787', true],
    ['http://[::1]:8787', true],
    ['http://127.0.0.1:8788', false],
    ['https://127.0.0.1:8787', false],
    ['http://127.0.0.2:8787', false],
    ['http://localhost.evil.example:8787', false],
    ['http://0.0.0.0:8787', false],
    ['http://127.0.0.1', false],
    ['not a url', false],
  ])('with PUBLIC_URL http://localhost:8787, Origin %j → %s', (origin, expected) => {
    expect(originAllowed(origin, allowed)).toBe(expected);
  });

  it('works the other way round, and with default ports', () => {
    expect(originAllowed('http://localhost:3000', ['http://127.0.0.1:3000'])).toBe(true);
    expect(originAllowed('http://[::1]', ['http://localhost'])).toBe(true);
    expect(originAllowed('http://127.0.0.1', ['http://localhost:80'])).toBe(true);
    expect(originAllowed('https://127.0.0.1', ['https://localhost'])).toBe(true);
    expect(originAllowed('http://127.0.0.1', ['https://localhost'])).toBe(false);
  });

  it('gives nothing extra to a public origin', () => {
    expect(originAllowed('http://127.0.0.1:443', ['https://workspace.example.org'])).toBe(false);
    expect(originAllowed('https://localhost', ['https://workspace.example.org'])).toBe(false);
  });
});

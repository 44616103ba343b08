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

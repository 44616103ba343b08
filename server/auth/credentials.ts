/**
 * Where a request's credential comes from: `Authorization: Bearer`, the `token` query parameter
 * (how the y-websocket provider passes `params`), or the session cookie. Cookie credentials are
 * the only ones a browser attaches by itself, so only they need an Origin check.
 */
import { SESSION_COOKIE } from '../../shared/routes.js';

export interface Credential {
  secret: string;
  source: 'bearer' | 'query' | 'cookie';
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}

/**
 * @example
 * readCredential({ authorization: 'Bearer abc' }, null) // { secret: 'abc', source: 'bearer' }
 */
export function readCredential(
  headers: { authorization?: string | undefined; cookie?: string | undefined },
  queryToken: string | null,
): Credential | null {
  const auth = headers.authorization;
  if (auth) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (match) return { secret: match[1]!, source: 'bearer' };
  }
  if (queryToken) return { secret: queryToken, source: 'query' };
  const cookie = cookieValue(headers.cookie, SESSION_COOKIE);
  if (cookie) return { secret: cookie, source: 'cookie' };
  return null;
}

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The origin with a loopback host spelled one way, or null when its host is not loopback. */
function loopbackKey(origin: string): string | null {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return null;
  }
  if (!LOOPBACK_HOSTS.has(url.hostname)) return null;
  // `URL.port` is '' for the scheme's default port, so http://localhost and :80 agree.
  return `${url.protocol}//loopback:${url.port}`;
}

/**
 * True when a cookie-authenticated request comes from a page we serve (or from no browser).
 * The loopback spellings of an allowed origin (localhost, 127.0.0.1, [::1]), with the same
 * scheme and port, are the same workspace on the same machine: someone who opens
 * http://127.0.0.1:8787 while PUBLIC_URL says http://localhost:8787 is not a cross-site page.
 *
 * @example
 * originAllowed('http://127.0.0.1:8787', ['http://localhost:8787']) // true
 * originAllowed('http://127.0.0.1:9999', ['http://localhost:8787']) // false
 */
export function originAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  if (allowed.includes(origin)) return true;
  const key = loopbackKey(origin);
  return key !== null && allowed.some((a) => loopbackKey(a) === key);
}

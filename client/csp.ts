/**
 * Settings that let the client run under the server's Content-Security-Policy (no `eval`, no
 * inline styles; see `contentSecurityPolicy` in server/app.ts). Imported first by `main.tsx`,
 * so it runs before any module parses anything.
 */
import { z } from 'zod';

// Zod compiles fast object parsers with `new Function` after probing whether eval is allowed;
// under `script-src 'self'` the probe itself is reported as a violation. Parse without it.
z.config({ jitless: true });

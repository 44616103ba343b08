/** Sign-in, sign-out, your sessions and password, the first-admin setup and API tokens. */
import { createRoute, z } from '@hono/zod-openapi';
import {
  ApiTokenSchema,
  ChangePasswordRequestSchema,
  CreatedApiTokenSchema,
  CreateTokenRequestSchema,
  EndedSessionsSchema,
  LoginRequestSchema,
  LoginResponseSchema,
  SessionListSchema,
  SetupRequestSchema,
  UserSchema,
} from '../../shared/api.js';
import { errors } from '../errors.js';
import type { TokenRecord } from '../storage/types.js';
import {
  type App,
  type AppDeps,
  clearSessionCookie,
  clientIp,
  errorResponses,
  jsonBody,
  jsonResponse,
  principal,
  requirePrincipal,
  setSessionCookie,
} from './context.js';

function tokenView(t: TokenRecord) {
  return { id: t.id, name: t.name, createdAt: t.createdAt, lastUsedAt: t.lastUsedAt, expiresAt: t.expiresAt };
}

function sessionView(t: TokenRecord, currentId: string) {
  return { ...tokenView(t), kind: t.kind, current: t.id === currentId };
}

const TokenIdParam = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{10,64}$/) });

export function registerAuthRoutes(app: App, deps: AppDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/setup',
      tags: ['auth'],
      summary: 'Whether the workspace still needs its first administrator',
      responses: { 200: jsonResponse(z.object({ needed: z.boolean() }), 'Setup state') },
    }),
    async (c) => c.json({ needed: (await deps.storage.countUsers()) === 0 }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/setup',
      tags: ['auth'],
      summary: 'Create the first administrator with the one-time link printed at first start',
      request: { body: jsonBody(SetupRequestSchema) },
      responses: { 201: jsonResponse(LoginResponseSchema, 'Administrator created and signed in'), ...errorResponses(400, 403, 409) },
    }),
    async (c) => {
      const session = await deps.auth.completeSetup(c.req.valid('json'));
      setSessionCookie(c, deps, session);
      return c.json(session, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/auth/login',
      tags: ['auth'],
      summary: 'Sign in with email and password',
      description:
        'Returns a session token (usable as `Authorization: Bearer`) and sets the HttpOnly session cookie. Repeated failures lock the account and the address for a while (429).',
      request: { body: jsonBody(LoginRequestSchema) },
      responses: { 200: jsonResponse(LoginResponseSchema, 'Signed in'), ...errorResponses(400, 401, 429) },
    }),
    async (c) => {
      const { email, password } = c.req.valid('json');
      const session = await deps.auth.login(email, password, clientIp(c, deps));
      setSessionCookie(c, deps, session);
      return c.json(session, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/auth/logout',
      tags: ['auth'],
      summary: 'End the current session',
      responses: { 204: { description: 'Signed out' } },
    }),
    async (c) => {
      const who = await principal(c, deps);
      const secret = c.get('credentialSecret');
      if (who && secret && who.tokenKind === 'session') {
        await deps.auth.logout(secret);
        deps.onAccessChanged?.(who.user.id);
      }
      clearSessionCookie(c);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/auth/me',
      tags: ['auth'],
      summary: 'The signed-in person',
      responses: { 200: jsonResponse(z.object({ user: UserSchema }), 'The caller'), ...errorResponses(401) },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      return c.json({ user }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/auth/sessions',
      tags: ['auth'],
      summary: 'Where you are signed in: your browser sessions and API tokens',
      description: 'Never includes secrets or their hashes. `current` marks the credential this request used.',
      responses: { 200: jsonResponse(SessionListSchema, 'Sessions, newest first'), ...errorResponses(401) },
    }),
    async (c) => {
      const { user, tokenId } = await requirePrincipal(c, deps);
      const sessions = await deps.auth.listSessions(user.id);
      return c.json({ sessions: sessions.map((t) => sessionView(t, tokenId)) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/auth/sessions/{id}',
      tags: ['auth'],
      summary: 'End one of your sessions or API tokens',
      description: 'Its open live connections close at once. Ending the current one signs you out.',
      request: { params: TokenIdParam },
      responses: { 204: { description: 'Ended' }, ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const { user, tokenId } = await requirePrincipal(c, deps);
      const { id } = c.req.valid('param');
      if (!(await deps.storage.deleteToken(user.id, id))) throw errors.notFound('That session');
      if (id === tokenId) clearSessionCookie(c);
      deps.onAccessChanged?.(user.id);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/auth/sessions/sign-out-others',
      tags: ['auth'],
      summary: 'End every session and API token of yours but the current one',
      description: 'Their open live connections close at once.',
      responses: { 200: jsonResponse(EndedSessionsSchema, 'How many ended'), ...errorResponses(401) },
    }),
    async (c) => {
      const { user, tokenId } = await requirePrincipal(c, deps);
      const ended = await deps.auth.endSessions(user.id, tokenId);
      deps.onAccessChanged?.(user.id);
      return c.json({ ended }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/auth/password',
      tags: ['auth'],
      summary: 'Change your password',
      description:
        'Needs the current password (wrong attempts count towards the sign-in lock, 429). Every other session and API token of yours ends and its live connections close; the one making the change stays signed in.',
      request: { body: jsonBody(ChangePasswordRequestSchema) },
      responses: { 200: jsonResponse(EndedSessionsSchema, 'Changed; how many other sessions ended'), ...errorResponses(400, 401, 429) },
    }),
    async (c) => {
      const caller = await requirePrincipal(c, deps);
      const { currentPassword, newPassword } = c.req.valid('json');
      const ended = await deps.auth.changeOwnPassword(caller, currentPassword, newPassword, clientIp(c, deps));
      deps.onAccessChanged?.(caller.user.id);
      return c.json({ ended }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/tokens',
      tags: ['tokens'],
      summary: 'Your API tokens (without their secrets)',
      responses: { 200: jsonResponse(z.object({ tokens: z.array(ApiTokenSchema) }), 'Tokens'), ...errorResponses(401) },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const tokens = await deps.storage.listTokens(user.id, 'api');
      return c.json({ tokens: tokens.map(tokenView) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/tokens',
      tags: ['tokens'],
      summary: 'Create an API token for scripts and non-browser clients',
      description: 'The secret is shown once, in this response.',
      request: { body: jsonBody(CreateTokenRequestSchema) },
      responses: { 201: jsonResponse(CreatedApiTokenSchema, 'Created'), ...errorResponses(400, 401) },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      const { name, expiresInDays } = c.req.valid('json');
      const { record, token } = await deps.auth.createApiToken(user.id, name, expiresInDays);
      return c.json({ ...tokenView(record), token }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/tokens/{id}',
      tags: ['tokens'],
      summary: 'Revoke one of your API tokens',
      request: { params: TokenIdParam },
      responses: { 204: { description: 'Revoked' }, ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const { user } = await requirePrincipal(c, deps);
      if (!(await deps.storage.deleteToken(user.id, c.req.valid('param').id))) throw errors.notFound('That token');
      deps.onAccessChanged?.(user.id);
      return c.body(null, 204);
    },
  );
}

/**
 * Who is calling, and what they may do: sign-in with throttling, sessions, API tokens, the
 * first-admin setup link and site invites. HTTP and sync both authenticate through here.
 */
import { ErrorCode } from '../../shared/errors.js';
import { effectiveRole, roleAtLeast, type SiteRole } from '../../shared/roles.js';
import type { Config } from '../config.js';
import { AppError, errors } from '../errors.js';
import type { Logger } from '../logger.js';
import type {
  InviteAcceptance,
  InviteRecord,
  PendingInviteRecord,
  SiteRecord,
  Storage,
  TokenKind,
  TokenRecord,
  UserRecord,
} from '../storage/types.js';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './passwords.js';
import { hashSecret, newSecret } from './tokens.js';

export interface AuthOptions {
  sessionTtlMs: number;
  loginMaxFailures: number;
  loginLockMs: number;
  publicUrl: string;
}

/** An authenticated caller: the person and the credential they used. */
export interface Principal {
  user: UserRecord;
  tokenId: string;
  tokenKind: TokenKind;
}

export interface IssuedSession {
  token: string;
  expiresAt: string;
  user: UserRecord;
}

const SETUP_SETTING = 'setup_token_hash';
/** Don't write `last_used_at` on every request: once a minute is enough to show activity. */
const TOUCH_INTERVAL_MS = 60_000;
/** An address gets more tries than one account, since many people share an office NAT. */
const IP_FAILURE_FACTOR = 4;

/** The sign-in throttle's keys for an attempt: the account, and the address it came from. */
function throttleKeys(email: string, ip: string | null): string[] {
  return [`email:${email}`, ...(ip ? [`ip:${ip}`] : [])];
}

export class AuthService {
  /** The service with the options the server's configuration gives it. */
  static fromConfig(
    storage: Storage,
    config: Pick<Config, 'sessionTtlMs' | 'loginMaxFailures' | 'loginLockMs' | 'publicUrl'>,
    logger: Logger,
  ): AuthService {
    const { sessionTtlMs, loginMaxFailures, loginLockMs, publicUrl } = config;
    return new AuthService(storage, { sessionTtlMs, loginMaxFailures, loginLockMs, publicUrl }, logger);
  }

  constructor(
    private readonly storage: Storage,
    private readonly options: AuthOptions,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  // ---- sign-in ---------------------------------------------------------------------------

  /**
   * Checks a password and opens a session. Throws 401 for a wrong email or password (the same
   * message for both) and 429 while the account or the address is locked out.
   */
  async login(email: string, password: string, ip: string | null): Promise<IssuedSession> {
    const user = await this.storage.getUserByEmail(email);
    if (!(await this.checkPassword(email, user, password, ip))) {
      this.logger.warn('sign-in failed', { email, ip });
      throw new AppError(401, ErrorCode.InvalidCredentials, 'That email and password do not match an account.');
    }
    return this.openSession(user!);
  }

  /**
   * Checks a password under the sign-in throttle: 429 while the account or address is locked,
   * a failure counted on both keys, the account's count cleared on success. Sign-in and invite
   * acceptance both use it, so an open invite is no way round the lockout. For an unknown
   * account it spends the same time and fails.
   */
  private async checkPassword(
    email: string,
    user: UserRecord | null,
    password: string,
    ip: string | null,
  ): Promise<boolean> {
    const keys = throttleKeys(email, ip);
    await this.assertNotLocked(keys);
    const hash = user ? await this.storage.getPasswordHash(user.id) : null;
    const ok = hash ? await verifyPassword(password, hash) : await verifyAgainstDummy(password);
    if (!user || !ok) {
      await this.recordFailure(keys);
      return false;
    }
    await this.storage.clearLoginFailures(keys[0]!);
    return true;
  }


  private async assertNotLocked(keys: string[]): Promise<void> {
    const nowMs = this.now().getTime();
    for (const key of keys) {
      const throttle = await this.storage.getLoginThrottle(key);
      if (throttle.lockedUntil && Date.parse(throttle.lockedUntil) > nowMs) {
        const seconds = Math.ceil((Date.parse(throttle.lockedUntil) - nowMs) / 1000);
        throw new AppError(
          429,
          ErrorCode.TooManyAttempts,
          `Too many failed sign-in attempts. Try again in ${Math.ceil(seconds / 60)} minute(s), or ask an administrator to reset your password.`,
          { headers: { 'Retry-After': String(seconds) } },
        );
      }
    }
  }

  private async recordFailure(keys: string[]): Promise<void> {
    const at = this.now().toISOString();
    for (const key of keys) {
      const factor = key.startsWith('ip:') ? IP_FAILURE_FACTOR : 1;
      await this.storage.recordLoginFailure(key, at, {
        maxFailures: this.options.loginMaxFailures * factor,
        lockMs: this.options.loginLockMs,
        windowMs: this.options.loginLockMs,
      });
    }
  }

  async openSession(user: UserRecord): Promise<IssuedSession> {
    const token = newSecret();
    const expiresAt = new Date(this.now().getTime() + this.options.sessionTtlMs).toISOString();
    await this.storage.createToken({ userId: user.id, kind: 'session', name: 'session', hash: hashSecret(token), expiresAt });
    return { token, expiresAt, user };
  }

  /** The caller behind a session or API token, or null when it is unknown or expired. */
  async authenticate(secret: string | null | undefined): Promise<Principal | null> {
    if (!secret || secret.length > 256) return null;
    const now = this.now();
    const found = await this.storage.findToken(hashSecret(secret), now.toISOString());
    if (!found) return null;
    const last = found.token.lastUsedAt ? Date.parse(found.token.lastUsedAt) : 0;
    if (now.getTime() - last > TOUCH_INTERVAL_MS) await this.storage.touchToken(found.token.id, now.toISOString());
    return { user: found.user, tokenId: found.token.id, tokenKind: found.token.kind };
  }

  async logout(secret: string): Promise<void> {
    await this.storage.deleteTokenByHash(hashSecret(secret));
  }

  // ---- API tokens ------------------------------------------------------------------------

  async createApiToken(
    userId: string,
    name: string,
    expiresInDays?: number,
  ): Promise<{ record: TokenRecord; token: string }> {
    const token = newSecret();
    const expiresAt =
      expiresInDays === undefined ? null : new Date(this.now().getTime() + expiresInDays * 86_400_000).toISOString();
    const record = await this.storage.createToken({ userId, kind: 'api', name, hash: hashSecret(token), expiresAt });
    return { record, token };
  }

  // ---- sessions --------------------------------------------------------------------------

  /** The person's browser sessions and API tokens that have not expired, newest first. */
  async listSessions(userId: string): Promise<TokenRecord[]> {
    const now = this.now().toISOString();
    const all = [...(await this.storage.listTokens(userId, 'session')), ...(await this.storage.listTokens(userId, 'api'))];
    return all
      .filter((t) => t.expiresAt === null || t.expiresAt > now)
      .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  }

  /**
   * Ends every browser session and API token of the person, except `exceptTokenId` when given,
   * and returns how many ended. Their open sync sockets close at the server's next re-check
   * (at once when the caller reports the change through `onAccessChanged`).
   */
  async endSessions(userId: string, exceptTokenId?: string): Promise<number> {
    const ended = await this.storage.deleteUserTokens(userId, { exceptId: exceptTokenId });
    if (ended > 0) this.logger.info('sessions ended', { userId, ended, keptOne: exceptTokenId !== undefined });
    return ended;
  }

  /**
   * Sets a new password, clears the account's sign-in lock, and ends every session and API
   * token of the person but `keepTokenId`: a password is changed because the old one may have
   * leaked, and whatever signed in with it must not outlive it. Returns how many ended.
   */
  async setPassword(user: Pick<UserRecord, 'id' | 'email'>, password: string, keepTokenId?: string): Promise<number> {
    await this.storage.setPasswordHash(user.id, await hashPassword(password));
    await this.storage.clearLoginFailures(`email:${user.email}`);
    return this.endSessions(user.id, keepTokenId);
  }

  /**
   * A signed-in person changes their own password. The current password is checked under the
   * sign-in throttle (a stolen session is no way to guess it); 401 when wrong. The credential
   * making the change stays signed in; every other one ends. Returns how many ended.
   */
  async changeOwnPassword(caller: Principal, current: string, next: string, ip: string | null): Promise<number> {
    if (!(await this.checkPassword(caller.user.email, caller.user, current, ip))) {
      this.logger.warn('password change with a wrong current password', { email: caller.user.email, ip });
      throw new AppError(401, ErrorCode.InvalidCredentials, 'Your current password is not right, so the password was not changed.');
    }
    return this.setPassword(caller.user, next, caller.tokenId);
  }

  // ---- people ----------------------------------------------------------------------------

  /** Creates an account; 409 when the email is taken. */
  async createUser(input: {
    email: string;
    password: string;
    name: string;
    organisation: string;
    isAdmin: boolean;
  }): Promise<UserRecord> {
    if (await this.storage.getUserByEmail(input.email)) {
      throw errors.conflict(`An account for ${input.email} already exists.`);
    }
    try {
      return await this.storage.createUser({
        email: input.email,
        name: input.name,
        organisation: input.organisation,
        isAdmin: input.isAdmin,
        passwordHash: await hashPassword(input.password),
      });
    } catch (error) {
      // Taken while the password was being hashed (a double submit, or the CLI): the same 409
      // as above rather than the storage's constraint error as a 500.
      if (await this.storage.getUserByEmail(input.email)) {
        throw errors.conflict(`An account for ${input.email} already exists.`);
      }
      throw error;
    }
  }

  // ---- first start -----------------------------------------------------------------------

  /**
   * While nobody has an account, returns a fresh one-time secret for the first-admin setup link
   * (replacing any earlier one); once someone exists, returns null.
   */
  async issueSetupToken(): Promise<string | null> {
    if ((await this.storage.countUsers()) > 0) {
      await this.storage.setSetting(SETUP_SETTING, null);
      return null;
    }
    const token = newSecret();
    await this.storage.setSetting(SETUP_SETTING, hashSecret(token));
    return token;
  }

  setupUrl(token: string): string {
    return `${this.options.publicUrl}/setup#token=${token}`;
  }

  /** Uses the setup secret to create the first admin and sign them in. */
  async completeSetup(input: {
    token: string;
    email: string;
    password: string;
    name: string;
    organisation: string;
  }): Promise<IssuedSession> {
    // Taken atomically, so two people racing with the same link cannot both become admin; and
    // dead once anyone has an account (say, one made with the CLI after the link was printed).
    const taken = await this.storage.takeSetting(SETUP_SETTING, hashSecret(input.token));
    if (!taken || (await this.storage.countUsers()) > 0) {
      throw new AppError(
        403,
        ErrorCode.Forbidden,
        'This setup link is not valid or was already used. Restart the server on an empty data folder, or run `npm run cli -- setup-link`.',
      );
    }
    const user = await this.createUser({ ...input, isAdmin: true });
    this.logger.info('first administrator created', { email: user.email });
    return this.openSession(user);
  }

  // ---- sites -----------------------------------------------------------------------------

  /** The caller's effective role on a site (admins act as facilitators everywhere). */
  async roleOn(site: Pick<SiteRecord, 'id'>, user: Pick<UserRecord, 'id' | 'isAdmin'>): Promise<SiteRole | null> {
    return effectiveRole(await this.storage.getRole(site.id, user.id), user.isAdmin);
  }

  async requireRole(site: SiteRecord, user: Pick<UserRecord, 'id' | 'isAdmin'>, needed: SiteRole): Promise<SiteRole> {
    const role = await this.roleOn(site, user);
    if (!roleAtLeast(role, needed)) {
      throw role === null
        ? errors.forbidden(`You are not a member of ${site.name}.`)
        : errors.forbidden(`That needs the ${needed} role on ${site.name}; you are a ${role}.`);
    }
    return role!;
  }

  // ---- invites ---------------------------------------------------------------------------

  async createInvite(input: {
    site: SiteRecord;
    role: SiteRole;
    email: string | null;
    expiresInDays: number;
    createdBy: string;
  }): Promise<{ record: InviteRecord; token: string; url: string }> {
    const token = newSecret();
    const expiresAt = new Date(this.now().getTime() + input.expiresInDays * 86_400_000).toISOString();
    const record = await this.storage.createInvite({
      siteId: input.site.id,
      role: input.role,
      email: input.email,
      hash: hashSecret(token),
      createdBy: input.createdBy,
      expiresAt,
    });
    return { record, token, url: `${this.options.publicUrl}/invite#token=${token}` };
  }

  /** A usable invite for `token`; 404 unknown, 410 withdrawn, used or expired. */
  async openInvite(token: string): Promise<InviteRecord> {
    const invite = await this.storage.getInviteByHash(hashSecret(token));
    if (!invite) throw errors.notFound('That invite');
    this.assertUsable(invite);
    return invite;
  }

  /** Throws 410 with the reason the invitee needs when an invite can no longer be used. */
  private assertUsable(invite: InviteRecord): void {
    if (invite.revokedAt) throw errors.gone('This invite was withdrawn. Ask your facilitator for a new one.');
    if (invite.usedAt) throw errors.gone('This invite has already been used. Sign in, or ask your facilitator for a new invite.');
    if (Date.parse(invite.expiresAt) <= this.now().getTime()) {
      throw errors.gone('This invite has expired. Ask your facilitator for a new one.');
    }
  }

  /** The site's invites that can still be accepted, newest first. */
  async listPendingInvites(site: SiteRecord): Promise<PendingInviteRecord[]> {
    return this.storage.listPendingInvites(site.id, this.now().toISOString());
  }

  /**
   * Withdraws an invite of the site so its link stops working; withdrawing it again is a no-op.
   * 404 when the site has no invite with that id (another site's reads as missing), 409 when
   * it has been accepted already: then the person is a member, and removing them is the way.
   */
  async revokeInvite(site: SiteRecord, id: string): Promise<InviteRecord> {
    const invite = await this.storage.revokeInvite(site.id, id, this.now().toISOString());
    if (!invite) throw errors.notFound('That invite');
    if (invite.usedAt) {
      throw errors.conflict('This invite has already been accepted, so it cannot be withdrawn. Remove the member instead.');
    }
    return invite;
  }

  /**
   * Accepts an invite: a new person creates their account; someone who already has one proves
   * it with their password. Either way they join the site and are signed in.
   *
   * The account, the claim and the membership are written in one storage transaction, so of
   * several people racing for one invite exactly one joins and the others (410) leave no
   * account behind. A double submit of the new-account form finds the account its twin just
   * made; with the same password it is signed in too, rather than failing on the taken email.
   */
  async acceptInvite(
    token: string,
    input: { email: string; name?: string; organisation?: string; password: string },
    ip: string | null = null,
  ): Promise<IssuedSession> {
    const invite = await this.openInvite(token);
    if (invite.email && invite.email !== input.email) {
      throw errors.forbidden(`This invite is for ${invite.email}. Use that address, or ask for an invite of your own.`);
    }
    let user = await this.storage.getUserByEmail(input.email);
    let result: InviteAcceptance | null = null;
    if (!user) {
      if (!input.name || !input.organisation) {
        throw new AppError(
          400,
          ErrorCode.ValidationFailed,
          `There is no account for ${input.email} yet: give your name and organisation to create one.`,
        );
      }
      const passwordHash = await hashPassword(input.password);
      result = await this.storage.acceptInvite({
        inviteId: invite.id,
        account: {
          newUser: { email: input.email, name: input.name, organisation: input.organisation, passwordHash, isAdmin: false },
        },
        at: this.now().toISOString(),
      });
      // Made meanwhile: from here on it is an existing account, and its password decides.
      if (!result.ok && result.reason === 'email_taken') user = await this.storage.getUserByEmail(input.email);
    }
    if (user) {
      if (!(await this.checkPassword(input.email, user, input.password, ip))) {
        this.logger.warn('invite acceptance with a wrong password', { email: input.email, ip });
        throw new AppError(
          401,
          ErrorCode.InvalidCredentials,
          `An account for ${input.email} already exists: enter its password to accept the invite.`,
        );
      }
      result = await this.storage.acceptInvite({ inviteId: invite.id, account: { userId: user.id }, at: this.now().toISOString() });
    }
    if (!result?.ok) {
      // Used or withdrawn while the password was being hashed or checked: tell them which.
      const current = await this.storage.getInviteByHash(hashSecret(token));
      // Used by this very person a moment ago (a double submit): they proved the password, so
      // this request signs them in as the first one did.
      if (user && current?.usedBy === user.id && !current.revokedAt) return this.openSession(user);
      if (current) this.assertUsable(current);
      throw errors.gone('This invite has already been used.');
    }
    return this.openSession(result.user);
  }
}

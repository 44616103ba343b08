/**
 * WebSocket close codes used by the sync endpoint, shared so the client can tell a person
 * why the connection ended ("you are not signed in") instead of retrying forever.
 *
 * 4xxx codes mirror the HTTP status they stand for, as Hocuspocus does (4401 = 401).
 *
 * @example
 * ws.on('close', (code) => { if (code === CloseCode.Unauthorized) showSignIn() })
 */
export const CloseCode = {
  /**
   * The server is going away; reconnect later. Servers of this version say ServiceRestart
   * (1012) instead; clients still treat 1001 the same (proxies and older servers send it).
   */
  GoingAway: 1001,
  /** The frame was not a valid y-websocket message (bad type, truncated, undecodable update). */
  ProtocolError: 1002,
  /** A text frame arrived; the protocol is binary only. */
  UnsupportedData: 1003,
  /**
   * An update broke the room's rules (it wrote a root the sender may not write, or an
   * attribution naming someone else). Nothing of it was stored; retrying would send it again.
   */
  PolicyViolation: 1008,
  /** The frame was larger than the server's MAX_MESSAGE_BYTES. */
  MessageTooBig: 1009,
  /** The server failed while handling this connection (storage error, bug). */
  InternalError: 1011,
  /**
   * The server is shutting down for a restart or redeploy (SIGTERM), after storing every edit
   * it had received. Not final: the client reconnects at once, to another instance behind the
   * load balancer or to this one when it is back, and resyncs.
   */
  ServiceRestart: 1012,
  /**
   * Try again later: the client's address has too many connections open. Not final: the client
   * reconnects. (A client that stopped reading is cut off instead, and sees 1006.)
   */
  TryAgainLater: 1013,
  /** No valid session cookie or token. */
  Unauthorized: 4401,
  /** Signed in, but not a member of the room's site, or the Origin is not allowed. */
  Forbidden: 4403,
  /** No room with that id (or it is archived). */
  NotFound: 4404,
  /** Room id is not well formed. */
  BadRequest: 4400,
  /** The room's site membership changed or the session ended while connected. */
  PermissionChanged: 4409,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Close codes after which a client should stop reconnecting and tell the person why. */
export const TERMINAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  CloseCode.Unauthorized,
  CloseCode.Forbidden,
  CloseCode.NotFound,
  CloseCode.BadRequest,
  CloseCode.MessageTooBig,
  CloseCode.PolicyViolation,
]);

/**
 * Reason carried by the y-protocols "permission denied" message (type 2) when the server will
 * drop this connection's edits: the person is a viewer, their role was lowered, or the room was
 * archived. The socket stays open (they still read live); the client should stop offering edits.
 */
export const READ_ONLY_REASON = 'read-only';

/**
 * Reason of the "permission denied" message when a facilitator has locked the room: everyone
 * else reads it live, and the server drops their edits until it is unlocked.
 */
export const LOCKED_REASON = 'locked';

/** Why the server drops a connection's edits. */
export type ReadOnlyReason = typeof READ_ONLY_REASON | typeof LOCKED_REASON;

/**
 * Reason of the Forbidden (4403) close when a cookie-authenticated socket comes from a page
 * at an address the workspace does not serve (not PUBLIC_URL nor ALLOWED_ORIGINS). The client
 * tells the person to open the workspace at its public address, instead of "no access".
 */
export const ORIGIN_NOT_ALLOWED_REASON = 'origin not allowed';

/**
 * Reason of the Forbidden (4403) close when a guest's workshop has ended: guests lose access
 * with it. The client thanks them rather than saying access was taken away.
 */
export const WORKSHOP_ENDED_REASON = 'workshop ended';

/** Reason of the Forbidden (4403) close when a guest opens a room their workshop does not open. */
export const NOT_IN_WORKSHOP_REASON = 'not a room of your workshop';

import { describe, expect, it } from 'vitest';
import { CloseCode, NOT_IN_WORKSHOP_REASON, ORIGIN_NOT_ALLOWED_REASON, WORKSHOP_ENDED_REASON } from '../../shared/closeCodes.js';
import { closeMessage, reconnectsAfter, refusesEdits, type RoomStatus } from './RoomConnection.js';

describe('closeMessage', () => {
  it('for a page at the wrong address, says where it was opened and where to open it', () => {
    expect(closeMessage(CloseCode.Forbidden, ORIGIN_NOT_ALLOWED_REASON, { pageOrigin: 'http://10.0.0.5:8787', publicUrl: 'https://workspace.example.org' })).toBe(
      'This page was opened at http://10.0.0.5:8787, but the workspace is at https://workspace.example.org; open it there.',
    );
  });

  it('before the public address is known, still says the address is the problem, not access', () => {
    const message = closeMessage(CloseCode.Forbidden, ORIGIN_NOT_ALLOWED_REASON, { pageOrigin: 'http://10.0.0.5:8787', publicUrl: null });
    expect(message).toMatch(/^This page was opened at http:\/\/10\.0\.0\.5:8787, which the workspace does not accept connections from; open it at the address/);
    expect(message).not.toMatch(/access/);
  });

  it('thanks a guest whose workshop has ended, and tells a guest what they may open', () => {
    expect(closeMessage(CloseCode.Forbidden, WORKSHOP_ENDED_REASON)).toBe('The workshop has ended, and your access as its guest with it. Thank you for taking part.');
    expect(closeMessage(CloseCode.Forbidden, NOT_IN_WORKSHOP_REASON)).toMatch(/^As a guest you can open only your workshop/);
  });

  it('keeps "no longer have access" for a 4403 with any other reason', () => {
    for (const reason of ['not a member of this site', '', 'origin not allowed!']) {
      expect(closeMessage(CloseCode.Forbidden, reason, { pageOrigin: 'http://x', publicUrl: 'http://y' })).toBe('You no longer have access to this room.');
    }
  });
});

describe('refusesEdits', () => {
  const base: RoomStatus = { connection: 'live', synced: true, localCopy: 'ready', pendingEdits: 0, anySaved: false, closed: null, serverReadOnly: false };
  it('is false while connected or retrying, true once read-only or closed for good', () => {
    expect(refusesEdits(base)).toBe(false);
    expect(refusesEdits({ ...base, connection: 'offline' })).toBe(false);
    expect(refusesEdits({ ...base, serverReadOnly: true })).toBe(true);
    expect(refusesEdits({ ...base, connection: 'closed', closed: { code: CloseCode.Forbidden, reason: ORIGIN_NOT_ALLOWED_REASON, message: '' } })).toBe(true);
  });
});

describe('reconnectsAfter', () => {
  it('reconnects after a restart or redeploy (1012), going away (1001) and the other passing failures', () => {
    for (const code of [CloseCode.ServiceRestart, CloseCode.GoingAway, CloseCode.InternalError, CloseCode.TryAgainLater, CloseCode.PermissionChanged, 1006]) {
      expect(reconnectsAfter(code)).toBe(true);
    }
  });

  it('stops after the codes that need the person to act', () => {
    for (const code of [CloseCode.Unauthorized, CloseCode.Forbidden, CloseCode.NotFound, CloseCode.BadRequest, CloseCode.MessageTooBig, CloseCode.PolicyViolation]) {
      expect(reconnectsAfter(code)).toBe(false);
    }
  });
});

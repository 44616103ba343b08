import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readWorkshopLive, WORKSHOP_LIVE_ROOT, writeWorkshopLive } from './live.js';
import { IDLE_TIMER, pauseTimer, startTimer } from './timer.js';

describe("a workshop's live state", () => {
  it('reads as the first step with the timer idle before anything is written', () => {
    expect(readWorkshopLive(new Y.Doc())).toEqual({ step: 0, timer: IDLE_TIMER, history: [], endedAt: null, recordRoomId: null, lockedRoomId: null, hands: [], follow: null, summon: null, breakout: null });
  });

  it('writes step and timer as plain values in one update, and another doc reads them back', () => {
    const server = new Y.Doc();
    const updates: Uint8Array[] = [];
    server.on('update', (u: Uint8Array) => updates.push(u));
    const timer = startTimer(IDLE_TIMER, 1_000, 15 * 60_000);
    writeWorkshopLive(server, { step: 2, timer });
    expect(updates).toHaveLength(1);
    expect(server.getMap(WORKSHOP_LIVE_ROOT).get('timer')).toEqual({ status: 'running', endsAt: 901_000, durationMs: 900_000 });

    const client = new Y.Doc();
    Y.applyUpdate(client, updates[0]!);
    expect(readWorkshopLive(client)).toEqual({ step: 2, timer, history: [], endedAt: null, recordRoomId: null, lockedRoomId: null, hands: [], follow: null, summon: null, breakout: null });
  });

  it('changes only what the patch names', () => {
    const doc = new Y.Doc();
    const running = startTimer(IDLE_TIMER, 0, 60_000);
    writeWorkshopLive(doc, { step: 1, timer: running });
    writeWorkshopLive(doc, { timer: pauseTimer(running, 20_000) });
    expect(readWorkshopLive(doc)).toMatchObject({ step: 1, timer: { status: 'paused', remainingMs: 40_000, durationMs: 60_000 } });
    writeWorkshopLive(doc, { step: 3 });
    expect(readWorkshopLive(doc).timer.status).toBe('paused');
  });

  it('keeps the moves between steps and the end, replaced whole', () => {
    const doc = new Y.Doc();
    writeWorkshopLive(doc, { history: [{ step: 0, at: 1_000 }] });
    writeWorkshopLive(doc, { history: [{ step: 0, at: 1_000 }, { step: 1, at: 61_000 }], endedAt: 120_000 });
    expect(readWorkshopLive(doc)).toMatchObject({ history: [{ step: 0, at: 1_000 }, { step: 1, at: 61_000 }], endedAt: 120_000 });
  });

  it('keeps no reference to the object it was given', () => {
    const doc = new Y.Doc();
    const timer = { status: 'running' as const, endsAt: 5_000, durationMs: 5_000 };
    writeWorkshopLive(doc, { timer });
    timer.endsAt = 99;
    expect(readWorkshopLive(doc).timer).toEqual({ status: 'running', endsAt: 5_000, durationMs: 5_000 });
  });

  it('reads values the server never writes as the defaults, and refuses to write them', () => {
    const doc = new Y.Doc();
    doc.getMap(WORKSHOP_LIVE_ROOT).set('step', -4);
    doc.getMap(WORKSHOP_LIVE_ROOT).set('timer', { status: 'running', endsAt: 'soon' });
    doc.getMap(WORKSHOP_LIVE_ROOT).set('history', [{ step: 'first', at: 0 }]);
    doc.getMap(WORKSHOP_LIVE_ROOT).set('endedAt', 'yesterday');
    expect(readWorkshopLive(doc)).toEqual({ step: 0, timer: IDLE_TIMER, history: [], endedAt: null, recordRoomId: null, lockedRoomId: null, hands: [], follow: null, summon: null, breakout: null });
    expect(() => writeWorkshopLive(doc, { step: 1.5 })).toThrow();
    expect(() => writeWorkshopLive(doc, { history: [{ step: 0, at: -1 }] })).toThrow();
    expect(() => writeWorkshopLive(doc, { timer: { status: 'paused', remainingMs: -1, durationMs: 0 } })).toThrow();
  });
});

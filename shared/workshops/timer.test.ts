import { describe, expect, it } from 'vitest';
import { addTime, clockOffset, formatRemaining, IDLE_TIMER, pauseTimer, remainingMs, startTimer, timeIsUp, TIMER_LIMITS } from './timer.js';

describe('the workshop timer', () => {
  it('counts down in server time, pauses, resumes and ends at zero', () => {
    const running = startTimer(IDLE_TIMER, 10_000, 5 * 60_000);
    expect(running).toEqual({ status: 'running', endsAt: 310_000, durationMs: 300_000 });
    expect(remainingMs(running, 70_000)).toBe(240_000);
    const paused = pauseTimer(running, 70_000);
    expect(paused).toEqual({ status: 'paused', remainingMs: 240_000, durationMs: 300_000 });
    // Paused, time does not pass.
    expect(remainingMs(paused, 999_999)).toBe(240_000);
    const resumed = startTimer(paused, 100_000);
    expect(resumed).toEqual({ status: 'running', endsAt: 340_000, durationMs: 300_000 });
    expect(timeIsUp(resumed, 339_999)).toBe(false);
    expect(timeIsUp(resumed, 340_000)).toBe(true);
    expect(remainingMs(resumed, 400_000)).toBe(0);
  });

  it('adds time, restarting a timer that had ended, and never goes below zero or past the limit', () => {
    const ended = startTimer(IDLE_TIMER, 0, 60_000);
    expect(addTime(ended, 90_000, 120_000)).toEqual({ status: 'running', endsAt: 210_000, durationMs: 180_000 });
    expect(remainingMs(addTime(ended, 30_000, -45_000), 30_000)).toBe(0);
    const paused = pauseTimer(startTimer(IDLE_TIMER, 0, 60_000), 10_000);
    expect(addTime(paused, 0, 60_000)).toMatchObject({ status: 'paused', remainingMs: 110_000 });
    // One press adds at most an hour; a timer holds at most eight.
    expect(addTime(IDLE_TIMER, 0, 10 * TIMER_LIMITS.stepMaxMs)).toMatchObject({ remainingMs: TIMER_LIMITS.stepMaxMs });
    expect(startTimer(IDLE_TIMER, 0, 100 * TIMER_LIMITS.maxMs)).toMatchObject({ endsAt: TIMER_LIMITS.maxMs });
    expect(addTime(IDLE_TIMER, 0, -5_000)).toBe(IDLE_TIMER);
  });

  it('formats what is left, rounded up to the second', () => {
    expect(formatRemaining(0)).toBe('0:00');
    expect(formatRemaining(1)).toBe('0:01');
    expect(formatRemaining(65_000)).toBe('1:05');
    expect(formatRemaining(12 * 60_000 + 500)).toBe('12:01');
    expect(formatRemaining(3_723_000)).toBe('1:02:03');
    expect(formatRemaining(-10)).toBe('0:00');
  });

  it('estimates the server clock from the exchange with the shortest round trip', () => {
    // The server is 5 s ahead; the slow exchange would say 5.4 s.
    expect(
      clockOffset([
        { sentAt: 0, serverNow: 5_900, receivedAt: 1_000 },
        { sentAt: 2_000, serverNow: 7_050, receivedAt: 2_100 },
      ]),
    ).toBe(5_000);
    // Behind, too; and a sample answered before it was sent (a clock jump) is ignored.
    expect(clockOffset([{ sentAt: 10_000, serverNow: 7_010, receivedAt: 10_020 }, { sentAt: 5, serverNow: 0, receivedAt: 1 }])).toBe(-3_000);
    expect(clockOffset([])).toBe(0);
  });
});

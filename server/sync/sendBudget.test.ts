import { describe, expect, it } from 'vitest';
import { SendBudget } from './sendBudget.js';

const MB = 1024 * 1024;

describe('SendBudget', () => {
  const budget = () => new SendBudget({ perConnection: 4 * MB, perRoom: 8 * MB, perProcess: 12 * MB });

  it('always lets one message go, however large, and drops a connection once what waits passes its cap', () => {
    const b = budget();
    expect(b.wouldExceed('r', 0, 20 * MB)).toBeNull();
    expect(b.wouldExceed('r', 3 * MB, 2 * MB)).toBeNull();
    expect(b.wouldExceed('r', 4 * MB, 1)).toBe('connection');
  });

  it('over the room or server cap, drops connections that are behind but not prompt readers', () => {
    const b = budget();
    b.add('r', 8 * MB);
    expect(b.wouldExceed('r', 1024, MB)).toBeNull();
    expect(b.wouldExceed('r', MB, MB)).toBe('room');
    b.add('other', 4 * MB);
    expect(b.wouldExceed('quiet', MB, MB)).toBe('server');
    b.release('r', 8 * MB);
    b.release('other', 4 * MB);
    expect(b.queued).toBe(0);
    expect(b.roomQueued('r')).toBe(0);
  });
});

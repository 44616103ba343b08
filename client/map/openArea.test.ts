import { describe, expect, it } from 'vitest';
import { openAreaOf } from './openArea.js';

const canvas = { left: 0, top: 48, width: 1440, height: 852 };

describe('openAreaOf', () => {
  it('takes panels beside the canvas off its right, and the tools off its top', () => {
    const rail = { left: 1262, top: 58, width: 168, height: 260, along: 'side' } as const;
    const dock = { left: 868, top: 58, width: 384, height: 200, along: 'side' } as const;
    const tools = { left: 10, top: 58, width: 300, height: 50, along: 'top' } as const;
    expect(openAreaOf(canvas, [rail, dock, tools])).toEqual({ x: 0, y: 60, width: 868, height: 792 });
    // Whatever order they come in.
    expect(openAreaOf(canvas, [tools, dock, rail])).toEqual({ x: 0, y: 60, width: 868, height: 792 });
  });

  it('takes a phone’s bottom sheet off the bottom', () => {
    const phone = { left: 0, top: 70, width: 390, height: 726 };
    const sheet = { left: 0, top: 420, width: 390, height: 376, along: 'side' } as const;
    expect(openAreaOf(phone, [sheet])).toEqual({ x: 0, y: 0, width: 390, height: 350 });
  });

  it('ignores what is hidden or outside the canvas', () => {
    const hidden = { left: 0, top: 0, width: 0, height: 0, along: 'side' } as const;
    const below = { left: 0, top: 900, width: 1440, height: 48, along: 'side' } as const;
    expect(openAreaOf(canvas, [hidden, below])).toEqual({ x: 0, y: 0, width: 1440, height: 852 });
  });

  it('uses the whole canvas when the covers would leave almost nothing', () => {
    const small = { left: 0, top: 0, width: 300, height: 200 };
    const tools = { left: 0, top: 0, width: 280, height: 100, along: 'top' } as const;
    // Under the tools, 100 px would be left: too little to place and fit things in.
    expect(openAreaOf(small, [tools])).toEqual({ x: 0, y: 0, width: 300, height: 200 });
  });
});

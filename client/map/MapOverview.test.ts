import { describe, expect, it } from 'vitest';
import { overviewFit } from './MapOverview.js';

describe('map overview', () => {
  const map = { x: 0, y: 0, width: 1000, height: 500 };

  it('fits the whole map, centred, when the view is inside it', () => {
    const fit = overviewFit(map, { x: 100, y: 100, width: 200, height: 100 });
    // 188 px of width for 1,000 map units, the binding side.
    expect(fit.scale).toBeCloseTo(188 / 1000);
    expect(fit.x + 0 * fit.scale).toBeCloseTo(6);
    expect(fit.x + 1000 * fit.scale).toBeCloseTo(194);
    // Centred vertically in 150 px.
    expect(fit.y + 250 * fit.scale).toBeCloseTo(75);
  });

  it('takes in the view where it reaches past the map, so its frame is never cut off', () => {
    const view = { x: -500, y: -1000, width: 1000, height: 2500 };
    const fit = overviewFit(map, view);
    const top = fit.y + view.y * fit.scale;
    const bottom = fit.y + (view.y + view.height) * fit.scale;
    expect(top).toBeGreaterThanOrEqual(5.99);
    expect(bottom).toBeLessThanOrEqual(144.01);
    expect(fit.x + view.x * fit.scale).toBeGreaterThanOrEqual(0);
  });
});

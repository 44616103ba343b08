import { describe, expect, it } from 'vitest';
import { dataUrlToBlob } from './download.js';

describe('dataUrlToBlob', () => {
  it('decodes a base64 data URL (a PNG) to its bytes and type', async () => {
    const blob = dataUrlToBlob('data:image/png;base64,iVBORw0KGgo=');
    expect(blob.type).toBe('image/png');
    expect([...new Uint8Array(await blob.arrayBuffer())]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });

  it('decodes a percent-encoded data URL (an SVG) to its text', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><text>Café, 100%</text></svg>';
    const blob = dataUrlToBlob(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`);
    expect(blob.type).toBe('image/svg+xml;charset=utf-8');
    expect(await blob.text()).toBe(svg);
  });

  it('refuses what is not a data: URL', () => {
    expect(() => dataUrlToBlob('https://example.org/x.png')).toThrow(/not a data: URL/);
  });
});

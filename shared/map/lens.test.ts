import { describe, expect, it } from 'vitest';
import { NO_LENS, applyLens, lensActive, lensChoices } from './lens.js';
import type { MapElement } from './model.js';

const by = (organisation: string) => ({ userId: 'u', name: 'n', organisation, at: '2026-11-22T10:00:00.000Z' });
const element = (id: string, o: Partial<MapElement>): MapElement => ({
  id,
  kind: 'variable',
  label: id,
  description: '',
  tags: [],
  agency: '',
  x: 0,
  y: 0,
  groupId: null,
  created: by('Torbay Council'),
  updated: by('Torbay Council'),
  ...o,
});
const map = {
  elements: [
    element('footfall', { label: 'Footfall', tags: ['Economy'], agency: 'Torbay Council' }),
    element('pcso', { kind: 'actor', label: 'PCSOs', created: by('Devon and Cornwall Police'), agency: 'Devon and Cornwall Police' }),
    element('cafe', { kind: 'intervention', label: 'Dementia café', description: 'Weekly café at the library', tags: ['economy', 'social'] }),
  ],
};

describe('lenses', () => {
  it('keeps everything with no lens', () => {
    expect(lensActive(NO_LENS)).toBe(false);
    expect([...applyLens(map, NO_LENS)]).toEqual(['footfall', 'pcso', 'cafe']);
  });

  it('filters by kind, agency, who added it and tag, together', () => {
    expect([...applyLens(map, { ...NO_LENS, kinds: ['actor', 'intervention'] })]).toEqual(['pcso', 'cafe']);
    expect([...applyLens(map, { ...NO_LENS, addedBy: 'Devon and Cornwall Police' })]).toEqual(['pcso']);
    expect([...applyLens(map, { ...NO_LENS, agency: 'Torbay Council' })]).toEqual(['footfall']);
    expect([...applyLens(map, { ...NO_LENS, tag: 'ECONOMY' })]).toEqual(['footfall', 'cafe']);
    expect([...applyLens(map, { ...NO_LENS, tag: 'economy', kinds: ['variable'] })]).toEqual(['footfall']);
  });

  it('searches label, description and tags, every word, ignoring case and accents', () => {
    expect([...applyLens(map, { ...NO_LENS, search: 'cafe LIBRARY' })]).toEqual(['cafe']);
    expect([...applyLens(map, { ...NO_LENS, search: 'social' })]).toEqual(['cafe']);
    expect([...applyLens(map, { ...NO_LENS, search: 'nothing like it' })]).toEqual([]);
    expect(lensActive({ ...NO_LENS, search: '  ' })).toBe(false);
  });

  it('offers the kinds, agencies, organisations and tags that are on the map', () => {
    expect(lensChoices(map)).toEqual({
      kinds: ['variable', 'actor', 'intervention'],
      agencies: ['Devon and Cornwall Police', 'Torbay Council'],
      addedBy: ['Devon and Cornwall Police', 'Torbay Council'],
      tags: ['Economy', 'social'],
    });
  });
});

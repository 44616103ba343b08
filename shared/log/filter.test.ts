import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Actor } from '../map/doc.js';
import { addEntry, readEntries } from './doc.js';
import { behaviourCounts, filterEntries, logOrganisations } from './filter.js';
import { logSearchEntries } from './search.js';

const dee: Actor = { userId: 'u-d', name: 'Dee Facilitator', organisation: 'Torbay Council' };
const pat: Actor = { userId: 'u-p', name: 'Pat Partner', organisation: 'Devon and Cornwall Police' };
const room = 'map-room-1';

function sampleLog(): Y.Doc {
  const doc = new Y.Doc();
  addEntry(doc, { id: 'walk', date: '2026-01-15', title: 'Walked the high street', behaviours: ['co-producing', 'curiosity'], links: [{ roomId: room, targetKind: 'element', targetId: 'e-bench', label: 'Places to rest' }], text: { learned: 'Benches matter to people living with dementia.' } }, dee);
  addEntry(doc, { id: 'training', date: '2026-02-20', title: 'Shop staff training', authors: [{ userId: 'u-p', name: 'Pat Partner', organisation: ' devon and cornwall police' }, { userId: null, name: 'Ali', organisation: 'Alzheimer’s Society' }], behaviours: ['across-boundaries'], links: [{ roomId: room, targetKind: 'loop', targetId: 'c1|c2', label: 'Staff awareness spreads' }], text: { happened: 'Twelve shops joined.' } }, pat);
  addEntry(doc, { id: 'failed', date: '2026-03-02', title: 'Parking pilot stopped', behaviours: ['learning-from-failure', 'curiosity'], text: { evidence: 'Footfall counts from the BID' } }, dee);
  return doc;
}

describe('filtering the log', () => {
  const entries = readEntries(sampleLog());
  const ids = (filter: Parameters<typeof filterEntries>[1]) => filterEntries(entries, filter).map((e) => e.id);

  it('with no filter gives every entry newest first', () => {
    expect(ids({})).toEqual(['failed', 'training', 'walk']);
    expect(filterEntries([...entries].reverse(), {}).map((e) => e.id)).toEqual(['failed', 'training', 'walk']);
  });

  it('by behaviour: entries showing any of them', () => {
    expect(ids({ behaviours: ['curiosity'] })).toEqual(['failed', 'walk']);
    expect(ids({ behaviours: ['across-boundaries', 'learning-from-failure'] })).toEqual(['failed', 'training']);
    expect(ids({ behaviours: [] })).toHaveLength(3);
  });

  it('by agency, any case and spacing', () => {
    expect(ids({ organisation: 'Devon and Cornwall Police' })).toEqual(['training']);
    expect(ids({ organisation: 'torbay  council' })).toEqual(['failed', 'walk']);
    expect(ids({ organisation: 'Nobody' })).toEqual([]);
  });

  it('by date range, both ends inclusive', () => {
    expect(ids({ from: '2026-02-20' })).toEqual(['failed', 'training']);
    expect(ids({ to: '2026-02-20' })).toEqual(['training', 'walk']);
    expect(ids({ from: '2026-01-16', to: '2026-03-01' })).toEqual(['training']);
  });

  it('by linked element or loop', () => {
    expect(ids({ linkedTo: { roomId: room, targetId: 'e-bench' } })).toEqual(['walk']);
    expect(ids({ linkedTo: { roomId: room, targetId: 'c1|c2' } })).toEqual(['training']);
    expect(ids({ linkedTo: { roomId: 'other-room', targetId: 'e-bench' } })).toEqual([]);
  });

  it('by text: every word, anywhere, any case', () => {
    expect(ids({ text: 'DEMENTIA benches' })).toEqual(['walk']);
    expect(ids({ text: 'shops twelve' })).toEqual(['training']);
    expect(ids({ text: 'alzheimer' })).toEqual(['training']);
    expect(ids({ text: 'rest' })).toEqual(['walk']);
    expect(ids({ text: 'benches twelve' })).toEqual([]);
  });

  it('combines every part', () => {
    expect(ids({ behaviours: ['curiosity'], organisation: 'Torbay Council', from: '2026-02-01', text: 'parking' })).toEqual(['failed']);
  });

  it('lists organisations once, and counts behaviours', () => {
    // The first spelling met, newest entry first, is kept.
    expect(logOrganisations(entries)).toEqual(['Alzheimer’s Society', 'devon and cornwall police', 'Torbay Council']);
    expect(Object.fromEntries(behaviourCounts(entries))).toEqual({ 'learning-from-failure': 1, curiosity: 2, 'across-boundaries': 1, 'co-producing': 1 });
  });
});

describe('logSearchEntries', () => {
  it('gives one entry per log entry with its date and title, and everything searchable in the body', () => {
    const found = logSearchEntries(sampleLog());
    expect(found.map((e) => [e.target, e.targetId, e.title])).toEqual([
      ['entry', 'failed', '2026-03-02 Parking pilot stopped'],
      ['entry', 'training', '2026-02-20 Shop staff training'],
      ['entry', 'walk', '2026-01-15 Walked the high street'],
    ]);
    const walk = found[2]!.body;
    for (const part of ['Benches matter to people living with dementia.', 'Co-producing with communities', 'Curiosity and enquiry', 'Dee Facilitator, Torbay Council', 'Places to rest']) {
      expect(walk).toContain(part);
    }
    expect(found[1]!.body).toContain('Ali, Alzheimer’s Society');
    expect(found[1]!.body).toContain('Staff awareness spreads');
    expect(found[0]!.body).toContain('Learning from failure');
  });

  it('is empty for an empty log', () => {
    expect(logSearchEntries(new Y.Doc())).toEqual([]);
  });
});

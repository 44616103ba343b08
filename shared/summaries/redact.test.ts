import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { LogEntry } from '../log/doc.js';
import { loopKey } from '../map/loops.js';
import type { MapData } from '../map/model.js';
import { addSummaryItem, readSummaryDraft, setSummaryField } from './doc.js';
import { PublishedSummarySchema } from './published.js';
import { redactSummary, type RedactionSources } from './redact.js';

const by = { userId: 'u1', name: 'Cal', organisation: 'Torbay Council', at: '2026-01-01T00:00:00.000Z' };
const element = (id: string, label: string, x = 0) => ({ id, kind: 'variable' as const, label, description: `secret notes on ${label}`, tags: ['internal'], agency: 'Torbay Council', x, y: 0, groupId: null, created: by, updated: by });
const connection = (id: string, from: string, to: string, polarity: '+' | '-' = '+') => ({ id, from, to, polarity, delay: false, confidence: null, label: '', evidence: 'a private source', views: [], created: by, updated: by });

const MAP: MapData = {
  elements: [element('a', 'Confidence to go out'), element('b', 'Footfall', 200), element('s', 'Secret budget gap', 400), element('c', 'Carer stress', 600)],
  connections: [connection('ab', 'a', 'b'), connection('ba', 'b', 'a'), connection('sb', 's', 'b', '-'), connection('bc', 'b', 'c')],
  groups: [],
  loopNotes: [{ key: loopKey(['a', 'b'], ['ab', 'ba']), name: 'The confidence loop', note: 'private note', updated: by }],
};

const ENTRY: LogEntry = {
  id: 'e1',
  date: '2026-02-11',
  title: 'Listening walk',
  authors: [{ userId: 'u1', name: 'Pat Partner', organisation: 'Devon and Cornwall Police' }, { userId: null, name: 'Sam', organisation: 'Carers Trust' }],
  tried: 'walked',
  happened: 'people talked',
  learned: 'The street matters more than the shops.',
  evidence: '',
  behaviours: [],
  links: [],
  created: by,
  updated: by,
};

function sources(): RedactionSources {
  return {
    site: { slug: 'torbay', name: 'Torbay' },
    slug: 'high-streets',
    version: 1,
    publishedAt: '2026-03-01T00:00:00.000Z',
    maps: new Map([['map1', MAP]]),
    logEntries: new Map([['log1/e1', ENTRY]]),
    documents: new Map([['doc1', { title: 'Framing the issue' }]]),
    themeLabels: new Map([['place', 'Place-based working']]),
    behaviourLabels: new Map([['giving-voice', 'Giving people a voice']]),
  };
}

describe('redacting a draft for the public', () => {
  it('publishes only what is marked publishable, and names people only with consent', () => {
    const doc = new Y.Doc();
    setSummaryField(doc, 'title', 'High streets');
    addSummaryItem(doc, 'lesson', { text: 'Public lesson', themes: ['place', 'gone-theme'], behaviours: ['giving-voice'] });
    addSummaryItem(doc, 'lesson', { text: 'Draft lesson', publishable: false });
    addSummaryItem(doc, 'quotation', { text: 'Nowhere to sit.', name: 'Margaret', organisation: 'Carers Trust', consent: false, publishable: true });
    addSummaryItem(doc, 'quotation', { text: 'We did it together.', name: 'Dee', organisation: 'Torbay Council', consent: true, publishable: true });
    addSummaryItem(doc, 'quotation', { text: 'Said in confidence.', name: 'Kim', publishable: false });
    addSummaryItem(doc, 'contributor', { name: 'Pat Partner', organisation: 'Devon and Cornwall Police', consent: false, publishable: true });
    addSummaryItem(doc, 'contributor', { name: 'Dee', organisation: 'Torbay Council', consent: true, publishable: true });
    const nameless = addSummaryItem(doc, 'contributor', { name: 'Nobody Named', consent: false, publishable: true });
    const { summary, notes } = redactSummary(readSummaryDraft(doc), sources());
    expect(notes).toEqual([{ itemId: nameless, message: expect.stringContaining('add it') }]);
    expect(summary.lessons.map((l) => l.text)).toEqual(['Public lesson']);
    expect(summary.terms).toEqual({ themes: { place: 'Place-based working', 'gone-theme': 'gone-theme' }, behaviours: { 'giving-voice': 'Giving people a voice' } });
    expect(summary.quotations).toEqual([
      { text: 'Nowhere to sit.', attribution: 'Carers Trust' },
      { text: 'We did it together.', attribution: 'Dee' },
    ]);
    expect(summary.contributors).toEqual([
      { name: '', organisation: 'Devon and Cornwall Police' },
      { name: 'Dee', organisation: 'Torbay Council' },
    ]);
    const text = JSON.stringify(summary);
    for (const secret of ['Draft lesson', 'Margaret', 'Pat Partner', 'Said in confidence', 'Kim', 'Nobody']) expect(text).not.toContain(secret);
    expect(() => PublishedSummarySchema.parse(summary)).not.toThrow();
  });

  it('draws a diagram from only the published elements and the connections between them, with no private detail', () => {
    const doc = new Y.Doc();
    addSummaryItem(doc, 'diagram', { title: 'Whole map', mapRoomId: 'map1', hiddenElementIds: ['s'] });
    addSummaryItem(doc, 'diagram', { title: 'The loop', mapRoomId: 'map1', loopKey: loopKey(['a', 'b'], ['ab', 'ba']) });
    const { summary } = redactSummary(readSummaryDraft(doc), sources());
    const [whole, loop] = summary.diagrams;
    expect(whole!.elements.map((e) => e.label)).toEqual(['Confidence to go out', 'Footfall', 'Carer stress']);
    expect(whole!.connections.map((c) => c.id).sort()).toEqual(['ab', 'ba', 'bc']);
    expect(whole!.loops).toEqual([{ name: 'The confidence loop', type: 'reinforcing', elementIds: ['a', 'b'] }]);
    expect(loop!.elements.map((e) => e.id)).toEqual(['a', 'b']);
    expect(loop!.connections.map((c) => c.id).sort()).toEqual(['ab', 'ba']);
    expect([whole!.n, loop!.n]).toEqual([1, 2]);
    const text = JSON.stringify(summary);
    for (const secret of ['Secret budget gap', 'secret notes', 'internal', 'a private source', 'private note', 'map1', 'u1']) expect(text).not.toContain(secret);
  });

  it('hides a loop whose element is private, and refuses maps that are not the site’s', () => {
    const doc = new Y.Doc();
    addSummaryItem(doc, 'diagram', { mapRoomId: 'map1', hiddenElementIds: ['a'] });
    const other = addSummaryItem(doc, 'diagram', { mapRoomId: 'another-sites-map' });
    const { summary, notes } = redactSummary(readSummaryDraft(doc), sources());
    expect(summary.diagrams).toHaveLength(1);
    expect(summary.diagrams[0]!.loops).toEqual([]);
    expect(notes).toEqual([{ itemId: other, message: expect.stringContaining('not one of the site’s maps') }]);
  });

  it('publishes a log entry’s words and organisations but not its people or its room', () => {
    const doc = new Y.Doc();
    addSummaryItem(doc, 'evidence', { evidenceKind: 'log', roomId: 'log1', entryId: 'e1', publishable: true });
    addSummaryItem(doc, 'evidence', { evidenceKind: 'log', roomId: 'log1', entryId: 'missing', publishable: true });
    addSummaryItem(doc, 'evidence', { evidenceKind: 'document', roomId: 'doc1', text: 'Our framing paper.', publishable: true });
    addSummaryItem(doc, 'evidence', { evidenceKind: 'link', url: 'javascript:alert(1)', publishable: true });
    addSummaryItem(doc, 'evidence', { evidenceKind: 'link', url: 'https://www.alzheimers.org.uk/', title: 'Alzheimer’s Society', publishable: true });
    const { summary, notes } = redactSummary(readSummaryDraft(doc), sources());
    expect(summary.evidence).toEqual([
      { kind: 'log', title: 'Listening walk', text: 'The street matters more than the shops.', url: '', date: '2026-02-11', organisations: ['Devon and Cornwall Police', 'Carers Trust'] },
      { kind: 'document', title: 'Framing the issue', text: 'Our framing paper.', url: '', date: '', organisations: [] },
      { kind: 'link', title: 'Alzheimer’s Society', text: '', url: 'https://www.alzheimers.org.uk/', date: '', organisations: [] },
    ]);
    expect(notes.map((n) => n.message)).toEqual([expect.stringContaining('no longer in the log'), expect.stringContaining('http')]);
    const text = JSON.stringify(summary);
    for (const secret of ['Pat Partner', 'log1', 'doc1', 'javascript:']) expect(text).not.toContain(secret);
  });
});

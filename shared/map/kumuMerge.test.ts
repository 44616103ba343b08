import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { council, nhs } from './docFixtures.js';
import { addMapData, applyMapMerge, readMap, removeElements } from './doc.js';
import { sequentialIds, council as by } from './fixtures/sampleMap.js';
import { importKumuCsv } from './kumuCsv.js';
import { planKumuMerge } from './kumuMerge.js';
import { KUMU_ID_FIELD, KUMU_TYPE_FIELD } from './kumuVocabulary.js';
import type { MapData } from './model.js';

const t0 = new Date('2026-12-07T10:00:00Z');
const csv = (...lines: string[]): string => `${lines.join('\r\n')}\r\n`;

function read(sheets: { elements?: string; connections?: string; loops?: string }, prefix: string): MapData {
  const result = importKumuCsv(sheets, { newId: sequentialIds(prefix), by });
  if (!result.ok) throw new Error(JSON.stringify(result.errors, null, 2));
  return result.map;
}

/** A room's map, first imported from Kumu and then worked on. */
function existingDoc(): Y.Doc {
  const doc = new Y.Doc();
  const map = read(
    {
      elements: csv('Label,Type,Description,Tags,Population', 'Footfall,Factor,Visits a week,economy,', 'Acme,Company,,,120', 'Shops,Factor,,,'),
      connections: csv('From,To,Type,Label', 'Footfall,Shops,same,', 'Acme,Footfall,Investor,', 'Acme,Footfall,Employee,'),
      loops: csv('Label,Elements', 'Old loop,Footfall|Shops'),
    },
    'old',
  );
  addMapData(doc, map, council, t0);
  return doc;
}

const incoming = () =>
  read(
    {
      elements: csv('Label,Type,Description,Tags,Population', ' footfall ,Factor,,high-street,', 'ACME,Company,A firm.,,130', 'Cafés,Factor,,,', 'Shops,Outcome,Not the factor,,'),
      connections: csv('From,To,Type,Direction,Label', 'Footfall,Cafés,same,,', 'Acme,Footfall,Employee,mutual,staff', 'ACME,Footfall,Investor,,', 'Cafés,Footfall,opposite,,'),
      loops: csv('Label,Description,Elements', 'High street loop,,Footfall|Cafés'),
    },
    'new',
  );

describe('planKumuMerge', () => {
  it('matches elements by label (ignoring case and edge spaces) and kind, and says what would change', () => {
    const existing = readMap(existingDoc());
    const plan = planKumuMerge(existing, incoming());
    const label = (id: string) => existing.elements.find((e) => e.id === id)?.label;
    expect(plan.counts).toEqual({ matchedElements: 2, updatedElements: 2, newElements: 2, matchedConnections: 2, updatedConnections: 1, newConnections: 2 });
    // Descriptions fill or replace, tags are added, custom fields set: nothing is taken away.
    expect(plan.elementUpdates.map((u) => [label(u.id), u.patch])).toEqual([
      ['Footfall', { tags: ['economy', 'high-street'] }],
      ['Acme', { description: 'A firm.', fields: { Population: '130' } }],
    ]);
    // "Shops" as an Outcome is not the Factor "Shops": it is new, as Kumu would make it.
    expect(plan.additions.elements.map((e) => [e.label, e.kind])).toEqual([
      ['Cafés', 'variable'],
      ['Shops', 'outcome'],
    ]);
  });

  it('matches connections by their ends and their non-polarity type, pairing parallel links', () => {
    const existing = readMap(existingDoc());
    const plan = planKumuMerge(existing, incoming());
    const byId = new Map(existing.connections.map((c) => [c.id, c]));
    expect(plan.connectionUpdates.map((u) => [byId.get(u.id)?.fields?.[KUMU_TYPE_FIELD], u.patch])).toEqual([['Employee', { label: 'staff', direction: 'mutual' }]]);
    const footfall = existing.elements.find((e) => e.label === 'Footfall')!.id;
    // New links end at the existing elements they name.
    expect(plan.additions.connections.map((c) => [c.from === footfall || c.to === footfall, c.polarity])).toEqual([
      [true, '+'],
      [true, '-'],
    ]);
    expect(plan.additions.loopNotes.map((n) => [n.name, n.key.split('>').includes(footfall)])).toEqual([['High street loop', true]]);
  });

  it('matches by Kumu ID first, whatever the label', () => {
    const existing = read({ elements: csv('ID,Label', 'elem-1,Old name') }, 'old');
    const plan = planKumuMerge(existing, read({ elements: csv('ID,Label,Description', 'elem-1,New name,Renamed in Kumu') }, 'new'));
    expect(plan.counts.matchedElements).toBe(1);
    expect(plan.elementUpdates).toEqual([{ id: 'old1', patch: { description: 'Renamed in Kumu' } }]);
    expect(existing.elements[0]?.fields).toEqual({ [KUMU_ID_FIELD]: 'elem-1' });
  });

  it('plans nothing to change when the same file is imported again', () => {
    const doc = existingDoc();
    const again = read(
      {
        elements: csv('Label,Type,Description,Tags,Population', 'Footfall,Factor,Visits a week,economy,', 'Acme,Company,,,120', 'Shops,Factor,,,'),
        connections: csv('From,To,Type,Label', 'Footfall,Shops,same,', 'Acme,Footfall,Investor,', 'Acme,Footfall,Employee,'),
      },
      'again',
    );
    const plan = planKumuMerge(readMap(doc), again);
    expect(plan.counts).toEqual({ matchedElements: 3, updatedElements: 0, newElements: 0, matchedConnections: 3, updatedConnections: 0, newConnections: 0 });
    expect(plan.additions).toEqual({ elements: [], connections: [], groups: [], loopNotes: [] });
  });
});

describe('applyMapMerge', () => {
  it('updates the existing entries and adds the new ones, in one undoable step', () => {
    const doc = existingDoc();
    const before = readMap(doc);
    const undo = new Y.UndoManager([doc.getMap('mapElements'), doc.getMap('mapConnections'), doc.getMap('mapLoopNotes')]);
    applyMapMerge(doc, planKumuMerge(before, incoming()), nhs, t0);
    const after = readMap(doc);
    expect(after.elements.map((e) => [e.label, e.tags, e.fields?.Population]).sort()).toEqual([
      ['Acme', [], '130'],
      ['Cafés', [], undefined],
      ['Footfall', ['economy', 'high-street'], undefined],
      ['Shops', [], undefined],
      ['Shops', [], undefined],
    ]);
    expect(after.connections).toHaveLength(5);
    expect(after.connections.find((c) => c.label === 'staff')).toMatchObject({ direction: 'mutual', updated: { name: nhs.name } });
    expect(after.loopNotes.map((n) => n.name).sort()).toEqual(['High street loop', 'Old loop']);
    // The elements' places are the map's, as people arranged them.
    const footfall = (m: MapData) => m.elements.find((e) => e.label === 'Footfall')!;
    expect([footfall(after).x, footfall(after).y]).toEqual([footfall(before).x, footfall(before).y]);
    undo.undo();
    expect(readMap(doc)).toEqual(before);
  });

  it('writes nothing when an element it updates was deleted meanwhile', () => {
    const doc = existingDoc();
    const plan = planKumuMerge(readMap(doc), incoming());
    const acme = readMap(doc).elements.find((e) => e.label === 'Acme')!.id;
    removeElements(doc, [acme]);
    const before = readMap(doc);
    expect(() => applyMapMerge(doc, plan, nhs, t0)).toThrow(/was deleted meanwhile/);
    expect(readMap(doc)).toEqual(before);
  });

  it('writes nothing when a patch does not fit', () => {
    const doc = existingDoc();
    const plan = planKumuMerge(readMap(doc), incoming());
    const bad = { ...plan, elementUpdates: [...plan.elementUpdates, { id: plan.elementUpdates[0]!.id, patch: { description: 'x'.repeat(6000) } }] };
    const before = readMap(doc);
    expect(() => applyMapMerge(doc, bad, nhs, t0)).toThrow('A description can be at most 5000 characters.');
    expect(readMap(doc)).toEqual(before);
  });
});

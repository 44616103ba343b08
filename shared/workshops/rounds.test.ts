import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readVoteScores, recordRoundVotes } from '../map/votes.js';
import { noteLabel, notesAsMapData } from './notesToMap.js';
import { CreateRoundRequestSchema, readRounds, tallyVotes, voteProblem, voteTargets, writeRound, type RoundPerson, type RoundState } from './rounds.js';

const people = new Map<string, RoundPerson>([
  ['u-mo', { userId: 'u-mo', name: 'Mo', organisation: 'Devon and Cornwall Police' }],
  ['u-pat', { userId: 'u-pat', name: 'Pat', organisation: 'Torbay Hospital' }],
]);

describe('vote limits', () => {
  const onMap = new Set(['a', 'b']);
  it('allows up to the dots each person has, stacked or spread, on things on the map', () => {
    expect(voteProblem([], 3, (id) => onMap.has(id))).toBeNull();
    expect(voteProblem(['a', 'a', 'b'], 3, (id) => onMap.has(id))).toBeNull();
    expect(voteProblem(['a', 'a', 'b', 'b'], 3, (id) => onMap.has(id))).toBe('Each person has 3 votes; 4 were given.');
    expect(voteProblem(['a', 'b'], 1, (id) => onMap.has(id))).toBe('Each person has 1 vote; 2 were given.');
    expect(voteProblem(['a', 'gone'], 3, (id) => onMap.has(id))).toMatch(/no longer on the map/);
  });

  it('needs a map for a vote, and keeps dots per person within bounds', () => {
    expect(CreateRoundRequestSchema.safeParse({ kind: 'vote' }).success).toBe(false);
    expect(CreateRoundRequestSchema.safeParse({ kind: 'private-notes' }).success).toBe(true);
    expect(CreateRoundRequestSchema.safeParse({ kind: 'vote', roomId: 'room-abcdefghij', votesPerPerson: 0 }).success).toBe(false);
    expect(CreateRoundRequestSchema.safeParse({ kind: 'vote', roomId: 'room-abcdefghij', votesPerPerson: 20 }).success).toBe(true);
    expect(CreateRoundRequestSchema.safeParse({ kind: 'check-in', prompt: 'two\nlines' }).success).toBe(false);
  });
});

describe('tallies', () => {
  const votes = [
    { userId: 'u-mo', targetId: 'b' },
    { userId: 'u-mo', targetId: 'a' },
    { userId: 'u-mo', targetId: 'a' },
    { userId: 'u-pat', targetId: 'a' },
    { userId: 'u-pat', targetId: 'c' },
  ];

  it('counts every dot, most first (ties by id), naming each voter once per item', () => {
    expect(tallyVotes(votes, people, false)).toEqual([
      { targetId: 'a', votes: 3, voters: [people.get('u-mo'), people.get('u-pat')] },
      { targetId: 'b', votes: 1, voters: [people.get('u-mo')] },
      { targetId: 'c', votes: 1, voters: [people.get('u-pat')] },
    ]);
  });

  it('names nobody in an anonymous vote, and counts the same', () => {
    expect(tallyVotes(votes, people, true).map((t) => [t.targetId, t.votes, t.voters.length])).toEqual([
      ['a', 3, 0],
      ['b', 1, 0],
      ['c', 1, 0],
    ]);
    expect(tallyVotes([], people, true)).toEqual([]);
  });

  it('keeps scores per round on the map: a round recorded again replaces its votes, other rounds add', () => {
    const doc = new Y.Doc();
    recordRoundVotes(doc, 'r1', [{ targetId: 'a', votes: 3 }]);
    recordRoundVotes(doc, 'r1', [{ targetId: 'a', votes: 3 }]);
    recordRoundVotes(doc, 'r2', [
      { targetId: 'a', votes: 1 },
      { targetId: 'b', votes: 2 },
    ]);
    expect(Object.fromEntries(readVoteScores(doc))).toEqual({ a: { votes: 4, rounds: { r1: 3, r2: 1 } }, b: { votes: 2, rounds: { r2: 2 } } });
    // What is not a score (a forged or broken value) is not read as one.
    doc.getMap('mapVotes').set('c', { votes: 'lots' });
    expect(readVoteScores(doc).has('c')).toBe(false);
  });
});

describe('round state in the workshop doc', () => {
  const open: RoundState = {
    id: 'round-1',
    kind: 'vote',
    roomId: 'map-1',
    prompt: 'Which matter most?',
    votesPerPerson: 3,
    anonymous: true,
    status: 'open',
    submitted: 2,
    openedAt: '2026-03-02T10:00:00.000Z',
    closedAt: null,
    results: null,
  };

  it('never lets a late count reopen a closed round', () => {
    const doc = new Y.Doc();
    expect(writeRound(doc, open)).toBe(true);
    const closed: RoundState = { ...open, status: 'closed', closedAt: '2026-03-02T10:05:00.000Z', results: { participants: 2, tallies: [], notes: [] } };
    expect(writeRound(doc, closed)).toBe(true);
    expect(writeRound(doc, { ...open, submitted: 3 })).toBe(false);
    expect(readRounds(doc)).toEqual([closed]);
  });

  it('lists rounds oldest first and skips what the server would not have written', () => {
    const doc = new Y.Doc();
    writeRound(doc, { ...open, id: 'later', openedAt: '2026-03-02T11:00:00.000Z' });
    writeRound(doc, open);
    doc.getMap('workshopRounds').set('junk', { status: 'closed' });
    expect(readRounds(doc).map((r) => r.id)).toEqual(['round-1', 'later']);
  });
});

describe('notes as map elements', () => {
  const by = { userId: 'u-fran', name: 'Fran', organisation: 'Torbay Council', at: '2026-03-02T10:00:00.000Z' };
  const note = (id: string, text: string, organisation: string) => ({ id, text, author: { userId: 'u', name: 'N', organisation }, createdAt: by.at });

  it('makes each note an element with its author’s organisation as agency, in a framed grid', () => {
    let n = 0;
    const notes = Array.from({ length: 5 }, (_, i) => note(`n${i}`, `Note ${i}`, i % 2 ? 'Police' : 'Council'));
    const data = notesAsMapData(notes, { kind: 'variable', group: 'Barriers' }, () => `id${n++}`, by);
    expect(data.groups).toHaveLength(1);
    const frame = data.groups[0]!;
    expect(frame.label).toBe('Barriers');
    expect(data.elements.map((e) => [e.label, e.agency, e.groupId])).toEqual(notes.map((x) => [x.text, x.author.organisation, frame.id]));
    // Every element inside its frame, none overlapping another.
    for (const e of data.elements) {
      expect(e.x).toBeGreaterThanOrEqual(frame.x);
      expect(e.y).toBeGreaterThan(frame.y);
      expect(e.x + 200).toBeLessThanOrEqual(frame.x + frame.width);
      expect(e.y + 90).toBeLessThanOrEqual(frame.y + frame.height);
    }
    const spots = new Set(data.elements.map((e) => `${e.x},${e.y}`));
    expect(spots.size).toBe(5);
    expect(notesAsMapData(notes.slice(0, 1), { kind: 'note' }, () => `x${n++}`, by).groups).toEqual([]);
  });

  it('keeps a long note whole in the description and a short, one-line label', () => {
    const long = `People stay in because ${'the pavements are uneven and '.repeat(8)}there is nowhere to sit.`;
    const label = noteLabel(long);
    expect(label.length).toBeLessThanOrEqual(120);
    expect(label.endsWith('…')).toBe(true);
    expect(noteLabel('Two\n  lines')).toBe('Two lines');
    const [element] = notesAsMapData([note('n', long, 'Council')], { kind: 'variable' }, () => 'e', by).elements;
    expect(element!.label).toBe(label);
    expect(element!.description).toBe(long);
  });
});

describe('what a vote can be on', () => {
  const by = { userId: 'u', name: 'N', organisation: 'O', at: '2026-01-01T00:00:00.000Z' };
  const element = (id: string, label: string) => ({ id, kind: 'variable' as const, label, description: '', tags: [], agency: '', x: 0, y: 0, groupId: null, created: by, updated: by });
  const map = {
    elements: [element('b', 'Benches'), element('f', 'Footfall')],
    connections: [{ id: 'bf', from: 'b', to: 'f', polarity: '+' as const, delay: false, confidence: null, label: '', evidence: '', views: [], created: by, updated: by }],
    loopNotes: [
      { key: 'k1', name: 'Busy streets', note: '', updated: by },
      { key: 'k2', name: '', note: 'unnamed', updated: by },
      { key: 'k3', name: 'Gone', note: '', updated: by },
    ],
  };

  it('names elements, connections as "From → To" and named loops, in that order; only loops kept', () => {
    expect([...voteTargets(map, (key) => key !== 'k3')]).toEqual([
      ['b', { label: 'Benches', element: true }],
      ['f', { label: 'Footfall', element: true }],
      ['bf', { label: 'Benches → Footfall', element: false }],
      ['k1', { label: 'Loop: Busy streets', element: false }],
    ]);
    expect(voteTargets(map).get('k3')).toEqual({ label: 'Loop: Gone', element: false });
  });
});

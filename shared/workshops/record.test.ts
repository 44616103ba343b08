import { describe, expect, it } from 'vitest';
import { jsonToMarkdown } from '../doc/markdown.js';
import { actualTimes, formatActual, workshopRecord, type RecordInput } from './record.js';

const MIN = 60_000;

describe('actual timings', () => {
  it('adds up the time each step was current, a step visited twice counting both times', () => {
    const history = [
      { step: 0, at: 0 },
      { step: 1, at: 10 * MIN },
      { step: 0, at: 25 * MIN },
      { step: 2, at: 27 * MIN },
    ];
    expect(actualTimes(4, history, 40 * MIN)).toEqual([12 * MIN, 15 * MIN, 13 * MIN, 0]);
    expect(actualTimes(2, [], 5 * MIN)).toEqual([0, 0]);
  });

  it('says a step never reached is "—" and a moment "under 1 min"', () => {
    expect(formatActual(0)).toBe('—');
    expect(formatActual(20_000)).toBe('under 1 min');
    expect(formatActual(12.4 * MIN)).toBe('12 min');
  });
});

describe('the record', () => {
  const base: RecordInput = {
    title: 'Spring mapping',
    startsAt: '2026-03-02T10:00:00.000Z',
    steps: [
      { title: 'Check-in', kind: 'round', minutes: 10 },
      { title: 'Vote', kind: 'vote', minutes: 20 },
    ],
    history: [
      { step: 0, at: Date.parse('2026-03-02T10:02:00Z') },
      { step: 1, at: Date.parse('2026-03-02T10:14:00Z') },
    ],
    endedAt: Date.parse('2026-03-02T10:30:00Z'),
    attendance: [
      { name: 'Pat', organisation: 'Police' },
      { name: 'Fran', organisation: 'Council' },
      { name: 'Mo', organisation: 'Police' },
    ],
    rounds: [
      {
        id: 'r1',
        kind: 'vote',
        roomId: 'map-1',
        prompt: 'Which matter most?',
        votesPerPerson: 3,
        anonymous: true,
        status: 'closed',
        submitted: 2,
        openedAt: '2026-03-02T10:15:00.000Z',
        closedAt: '2026-03-02T10:20:00.000Z',
        results: {
          participants: 2,
          tallies: [
            { targetId: 'footfall', votes: 4, voters: [] },
            { targetId: 'link', votes: 2, voters: [] },
            { targetId: 'gone', votes: 1, voters: [] },
          ],
          notes: [],
        },
      },
      { id: 'r2', kind: 'private-notes', roomId: null, prompt: 'Unrevealed', votesPerPerson: null, anonymous: false, status: 'open', submitted: 3, openedAt: '2026-03-02T10:21:00.000Z', closedAt: null, results: null },
    ],
    labelOf: (_room, id) => (id === 'footfall' ? { label: 'Footfall', element: true } : id === 'link' ? { label: 'Benches → Footfall', element: false } : undefined),
    decisions: [],
    actions: ['Book the hall'],
  };

  it('lists attendance by organisation, the agenda as it ran, closed rounds only, and the actions as tasks', () => {
    const md = jsonToMarkdown(workshopRecord(base));
    expect(md).toContain('ran from 10:02 to 10:30 (UTC)');
    expect(md).toMatch(/\|\s*Council\s*\|\s*1\s*\|\s*Fran\s*\|[\s\S]*\|\s*Police\s*\|\s*2\s*\|\s*Mo, Pat\s*\|/);
    expect(md).toMatch(/\|\s*1\. Check-in\s*\|\s*Round\s*\|\s*10 min\s*\|\s*12 min\s*\|/);
    expect(md).toMatch(/\|\s*2\. Vote\s*\|\s*Vote\s*\|\s*20 min\s*\|\s*16 min\s*\|/);
    expect(md).toContain('### Dot vote: Which matter most?');
    expect(md).toMatch(/\[Footfall\]\(\/rooms\/map-1\?select=footfall[^)]*\): 4 votes/);
    expect(md).toContain('- Benches → Footfall: 2 votes');
    expect(md).toContain('(no longer on the map): 1 vote');
    expect(md).not.toContain('Unrevealed');
    expect(md).toMatch(/## Decisions\s+None recorded\./);
    expect(md).toContain('- [ ] Book the hall');
  });

  it('says so when nobody came and no step was started', () => {
    const md = jsonToMarkdown(workshopRecord({ ...base, history: [], attendance: [], rounds: [] }));
    expect(md).toContain('## Attendance (0)');
    expect(md).toContain('Nobody joined the workshop room.');
    expect(md).not.toContain('ran from');
    expect(md).not.toContain('## Votes');
  });
});

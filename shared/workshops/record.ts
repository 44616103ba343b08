/**
 * The record of a workshop, written as a document when it ends: who came (by organisation),
 * the agenda with the time each step actually took, the votes, the revealed notes and answers,
 * and the decisions and actions the facilitator noted. Plain document JSON built from what the
 * server holds, so the record is the same whoever ends the workshop and however it is read.
 */
import type { JSONContent } from '@tiptap/core';
import { bulletList, doc, heading, mapRef, paragraph, table, taskList } from '../doc/build.js';
import { WORKSHOP_STEP_KIND_NAMES, type WorkshopStep } from './api.js';
import type { StepStart } from './live.js';
import { ROUND_KIND_NAMES, type RoundState } from './rounds.js';

export interface RecordInput {
  title: string;
  startsAt: string;
  steps: readonly Pick<WorkshopStep, 'title' | 'kind' | 'minutes'>[];
  /** When each step was moved to, in order (server ms). */
  history: readonly StepStart[];
  /** When it ended (server ms). */
  endedAt: number;
  /** Everyone who was there. */
  attendance: readonly { name: string; organisation: string }[];
  /** The workshop's closed rounds, oldest first. */
  rounds: readonly RoundState[];
  /**
   * What a voted item is called, by map room and id, and whether it is an element (linked in the
   * record) or a connection ("A → B"); a missing one reads "(no longer on the map)".
   */
  labelOf: (roomId: string, id: string) => { label: string; element: boolean } | undefined;
  decisions: readonly string[];
  actions: readonly string[];
}

/**
 * How long each step was current, in ms, from the moves between steps (a step visited twice
 * counts both times); steps never reached have 0.
 *
 * @example
 * actualTimes(3, [{ step: 0, at: 0 }, { step: 1, at: 600_000 }], 900_000) // [600_000, 300_000, 0]
 */
export function actualTimes(stepCount: number, history: readonly StepStart[], endedAt: number): number[] {
  const ms = new Array<number>(stepCount).fill(0);
  history.forEach((start, i) => {
    const until = history[i + 1]?.at ?? endedAt;
    if (start.step < stepCount && until > start.at) ms[start.step]! += until - start.at;
  });
  return ms;
}

/** "12 min", "under 1 min", or "—" for a step never reached. */
export function formatActual(ms: number): string {
  if (ms <= 0) return '—';
  return ms < 60_000 ? 'under 1 min' : `${Math.round(ms / 60_000)} min`;
}

/** "Torbay Council (2): Fran, Sam" lines, organisations in alphabetical order. */
function attendanceRows(people: RecordInput['attendance']): string[][] {
  const byOrg = new Map<string, string[]>();
  for (const p of people) byOrg.set(p.organisation || 'No organisation given', [...(byOrg.get(p.organisation || 'No organisation given') ?? []), p.name]);
  return [...byOrg]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([org, names]) => [org, String(names.length), [...names].sort((a, b) => a.localeCompare(b)).join(', ')]);
}

function roundSection(round: RoundState, labelOf: RecordInput['labelOf']): JSONContent[] {
  const results = round.results;
  const title = round.prompt || ROUND_KIND_NAMES[round.kind];
  const out: JSONContent[] = [heading(3, `${ROUND_KIND_NAMES[round.kind]}: ${title}`)];
  if (!results || results.participants === 0) return [...out, paragraph('Nobody took part.')];
  out.push(paragraph(`${results.participants} ${results.participants === 1 ? 'person' : 'people'} took part.`));
  if (round.kind === 'vote') {
    out.push(
      bulletList(
        ...results.tallies.map((t) => {
          const item = round.roomId ? labelOf(round.roomId, t.targetId) : undefined;
          const votes = `: ${t.votes} ${t.votes === 1 ? 'vote' : 'votes'}`;
          const who = t.voters.length ? ` (${t.voters.map((v) => v.name).join(', ')})` : '';
          // A connection has no map reference of its own: its label ("A → B") says which.
          return item?.element && round.roomId
            ? paragraph(mapRef({ roomId: round.roomId, targetKind: 'element', targetId: t.targetId, label: item.label }), votes + who)
            : paragraph(`${item?.label ?? '(no longer on the map)'}${votes}${who}`);
        }),
      ),
    );
  } else {
    out.push(bulletList(...results.notes.map((n) => `${n.text} (${n.author.name}${n.author.organisation ? `, ${n.author.organisation}` : ''})`)));
  }
  return out;
}

/**
 * The record as a document.
 *
 * @example
 * replaceDocContent(recordDoc, workshopRecord({ title, startsAt, steps, history, endedAt, attendance, rounds, labelOf, decisions, actions }))
 */
export function workshopRecord(input: RecordInput): JSONContent {
  const actual = actualTimes(input.steps.length, input.history, input.endedAt);
  const started = input.history[0]?.at;
  const content: JSONContent[] = [
    heading(1, `Workshop record: ${input.title}`),
    paragraph(
      `Planned for ${input.startsAt.slice(0, 16).replace('T', ' ')}`,
      started !== undefined ? `; ran from ${new Date(started).toISOString().slice(11, 16)} to ${new Date(input.endedAt).toISOString().slice(11, 16)} (UTC)` : '',
      '.',
    ),
    heading(2, `Attendance (${input.attendance.length})`),
    input.attendance.length ? table(['Organisation', 'People', 'Names'], attendanceRows(input.attendance)) : paragraph('Nobody joined the workshop room.'),
    heading(2, 'Agenda'),
    table(
      ['Step', 'Kind', 'Planned', 'Actual'],
      input.steps.map((s, i) => [`${i + 1}. ${s.title}`, WORKSHOP_STEP_KIND_NAMES[s.kind], `${s.minutes} min`, formatActual(actual[i]!)]),
    ),
  ];
  const closed = input.rounds.filter((r) => r.status === 'closed');
  if (closed.length > 0) content.push(heading(2, 'Votes, notes and rounds'), ...closed.flatMap((r) => roundSection(r, input.labelOf)));
  content.push(heading(2, 'Decisions'), input.decisions.length ? bulletList(...input.decisions) : paragraph('None recorded.'));
  content.push(heading(2, 'Actions'), input.actions.length ? taskList(...input.actions) : paragraph('None recorded.'));
  return doc(...content);
}

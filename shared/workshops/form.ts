/**
 * The new-workshop form as the page holds it (strings, as inputs give them) and the request it
 * becomes. Pure, so the conversion of the local date and time is tested without a browser.
 */
import { cleanText } from '../text.js';
import type { CreateWorkshopRequest, WorkshopStepKind } from './api.js';

export interface WorkshopFormStep {
  title: string;
  kind: WorkshopStepKind;
  /** As the number input gives it. */
  minutes: string;
  /** '' for none. */
  roomId: string;
  /** Lock the room while the step is current. */
  lock?: boolean;
}

export interface WorkshopForm {
  title: string;
  /** A `datetime-local` value, `2026-03-02T10:00`, in the person's own time zone. */
  startsAt: string;
  steps: WorkshopFormStep[];
}

/**
 * `2026-03-02T10:00` in the time zone `offsetMinutes` ahead of UTC (as `-Date#getTimezoneOffset()`)
 * as ISO 8601 with that offset, so the server stores the moment the person meant. Empty or
 * malformed input stays as it is, for the server to refuse with its own message.
 *
 * @example
 * localDateTimeToIso('2026-03-02T10:00', 60) // '2026-03-02T10:00:00+01:00'
 */
export function localDateTimeToIso(local: string, offsetMinutes: number): string {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2})?$/.exec(local);
  if (!match) return local;
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${match[1]}${match[2] ?? ':00'}${sign}${hh}:${mm}`;
}

/** The offset of the person's own time zone at that local time (daylight saving included). */
export function localOffsetMinutes(local: string): number {
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? -new Date().getTimezoneOffset() : -date.getTimezoneOffset();
}

/**
 * The request the form makes. Invisible characters a paste brought in are removed rather than
 * refused, as for room titles. A blank timebox is sent as 0 (JSON has no NaN), which the
 * server refuses as "a step needs at least 1 minute".
 */
export function workshopRequest(form: WorkshopForm, offsetMinutes = localOffsetMinutes(form.startsAt)): CreateWorkshopRequest {
  return {
    title: cleanText(form.title),
    startsAt: localDateTimeToIso(form.startsAt, offsetMinutes),
    steps: form.steps.map((step) => ({
      title: cleanText(step.title),
      kind: step.kind,
      minutes: step.minutes.trim() === '' ? 0 : Number(step.minutes),
      ...(step.roomId ? { roomId: step.roomId } : {}),
      ...(step.roomId && step.lock ? { lock: true } : {}),
    })),
  };
}

/** A template's steps as form rows, with no room chosen. */
export function templateSteps(steps: readonly { title: string; kind: WorkshopStepKind; minutes: number }[]): WorkshopFormStep[] {
  return steps.map((s) => ({ title: s.title, kind: s.kind, minutes: String(s.minutes), roomId: '' }));
}

/**
 * Reading the open summary room: the draft through `useSyncExternalStore` (a render after every
 * change to the draft, local or remote), undo of this person's own edits, and the words the
 * page uses for items and sections.
 */
import { useEffect, useRef } from 'react';
import { DEFAULT_BEHAVIOURS } from '../../shared/log/behaviours.js';
import type { SummarySources } from '../../shared/summaries/api.js';
import { observeSummary, readSummaryDraft, summaryUndoScope, type SummaryDraft, type SummaryItem, type SummarySection } from '../../shared/summaries/doc.js';
import { AGENCY_TYPES, ARCHETYPES, DEFAULT_THEMES } from '../../shared/summaries/vocabulary.js';
import { useExternalValue } from '../room/hooks.js';
import { useRoomConnection } from '../room/RoomProvider.js';
import { useUndo } from '../room/useUndo.js';

/**
 * The draft as plain data. Renders again when anything in the draft changes (a field, an item,
 * its order); `readSummaryDraft` runs once per change, not once per component.
 *
 * @example
 * const draft = useSummaryDraft()
 * draft.items.filter((i) => i.section === 'lesson')
 */
export function useSummaryDraft(): SummaryDraft {
  const conn = useRoomConnection();
  return useExternalValue((onChange) => observeSummary(conn.doc, onChange), () => readSummaryDraft(conn.doc), [conn]);
}

/**
 * Undo and redo of this person's summary edits, with Ctrl/Cmd+Z and Ctrl/Cmd+Shift+Z (or
 * Ctrl+Y) anywhere on the page but in a text field, where the browser's own undo of the typing
 * applies (the field has not written it to the summary yet, or wrote it a moment ago).
 */
export function useSummaryUndo(enabled: boolean) {
  const conn = useRoomConnection();
  const history = useUndo(conn.doc, summaryUndoScope, 500);
  // The listener is added once; it calls whichever undo and redo are current.
  const latest = useRef(history);
  useEffect(() => {
    latest.current = history;
  });
  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || !(event.ctrlKey || event.metaKey) || isTextEntry(event.target)) return;
      const key = event.key.toLowerCase();
      if (key === 'z' && !event.shiftKey) {
        event.preventDefault();
        latest.current.undo();
      } else if (key === 'y' || (key === 'z' && event.shiftKey)) {
        event.preventDefault();
        latest.current.redo();
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [enabled]);
  return history;
}

const NOT_TYPED = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file']);

function isTextEntry(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement) return true;
  return target instanceof HTMLInputElement && !NOT_TYPED.has(target.type);
}

/** One item of a section, as buttons and headings name it: "lesson", "Add lesson". */
export const SECTION_NOUN: Record<SummarySection, string> = {
  agency: 'agency',
  diagram: 'diagram',
  intervention: 'intervention',
  enabler: 'enabler',
  barrier: 'barrier',
  lesson: 'lesson',
  evidence: 'evidence',
  quotation: 'quotation',
  contributor: 'contributor',
};

/** What each section is for and what of it the public sees. */
export const SECTION_HINT: Record<SummarySection, string> = {
  agency: 'The organisations that took part, each with its type so lessons can be compared by who was involved.',
  diagram: 'A map, or one named loop of it, drawn on the public page. Untick elements to keep them private.',
  intervention: 'What the site changed or tried.',
  enabler: 'What helped.',
  barrier: 'What got in the way.',
  lesson: 'What another site could use. Themes, behaviours and an archetype let lessons be compared across sites.',
  evidence: 'Log entries, documents and links that show it. Evidence starts private: tick Public to publish it.',
  quotation: 'What people said. A quotation starts private; its speaker is named only with their consent.',
  contributor: 'Who wrote the summary or took part. Named only with their consent; otherwise only their organisation is shown.',
};

/**
 * The words lists are chosen from. Viewers cannot read the site's sources: they see the
 * programme's shared lists instead, and items show what the draft holds.
 */
export interface Vocabulary {
  themes: readonly { id: string; label: string; description: string }[];
  behaviours: readonly { id: string; label: string; description: string }[];
  archetypes: readonly { id: string; label: string; description: string }[];
  agencyTypes: readonly { id: string; label: string; description: string }[];
}

export function vocabularyOf(sources: SummarySources | undefined): Vocabulary {
  return {
    themes: sources?.themes ?? DEFAULT_THEMES,
    behaviours: sources?.behaviours ?? DEFAULT_BEHAVIOURS,
    archetypes: sources?.archetypes ?? ARCHETYPES,
    agencyTypes: sources?.agencyTypes ?? AGENCY_TYPES,
  };
}

/** A log entry's label in lists: "3 Mar 2025 – Housing panel". */
export function entryLabel(entry: { date: string; title: string }): string {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(entry.date)
    ? new Date(`${entry.date}T12:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' })
    : entry.date;
  return `${date} – ${entry.title || 'Untitled entry'}`;
}

function excerpt(text: string, max = 80): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line;
}

/** The words that say which item this is, from what it holds: a lesson's text, a diagram's title. */
export function itemGist(item: SummaryItem, sources: SummarySources | undefined): string {
  switch (item.section) {
    case 'diagram':
      return excerpt(item.title || sources?.maps.find((m) => m.roomId === item.mapRoomId)?.title || '');
    case 'evidence': {
      if (item.title) return excerpt(item.title);
      if (item.evidenceKind === 'log') return excerpt(sources?.logEntries.find((e) => e.roomId === item.roomId && e.entryId === item.entryId)?.title ?? '');
      if (item.evidenceKind === 'document') {
        const docs = [...(sources?.documents ?? []), ...(sources?.workshopRecords ?? [])];
        return excerpt(docs.find((d) => d.roomId === item.roomId)?.title ?? '');
      }
      return excerpt(item.url);
    }
    case 'contributor':
      return excerpt(item.name || item.organisation);
    default:
      return excerpt(item.text);
  }
}

/** The item's name on the page and in its buttons' names: "Lesson 2: Start with the budget holders". */
export function itemName(item: SummaryItem, position: number, sources: SummarySources | undefined): string {
  const noun = SECTION_NOUN[item.section];
  const gist = itemGist(item, sources);
  return `${noun[0]!.toUpperCase()}${noun.slice(1)} ${position}${gist ? `: ${gist}` : ''}`;
}

/**
 * A learning summary's draft: what a site's members write together, live, before a
 * facilitator publishes it. A room of kind `summary`.
 *
 * Schema:
 * - `doc.getMap('summaryFields')`: `title` and `issue`, plain strings;
 * - `doc.getMap('summaryItems')`: item id → Y.Map of one item's fields (`SummaryItem`), so two
 *   people editing different fields of one lesson both keep their change. Lists of ids (themes,
 *   behaviours, hidden elements) are plain arrays replaced whole: they are chosen from a list,
 *   not typed, and a lost tick is seen at once.
 *
 * Every item has `publishable`: only items marked so reach the public (`redact.ts`). Items
 * written for the public (lessons, interventions) start publishable; items drawn from private
 * work (log entries, quotations, people) start private, and a person is named only with
 * `consent`.
 */
import * as Y from 'yjs';
import { newId } from '../ids.js';

export const SUMMARY_FIELDS_ROOT = 'summaryFields';
export const SUMMARY_ITEMS_ROOT = 'summaryItems';

/** The parts of a summary, in the order the public page shows them. */
export const SUMMARY_SECTIONS = [
  'agency',
  'diagram',
  'intervention',
  'enabler',
  'barrier',
  'lesson',
  'evidence',
  'quotation',
  'contributor',
] as const;
export type SummarySection = (typeof SUMMARY_SECTIONS)[number];

export const SUMMARY_SECTION_LABELS: Record<SummarySection, string> = {
  agency: 'Agencies involved',
  diagram: 'Key loops and diagrams',
  intervention: 'Interventions',
  enabler: 'Enablers',
  barrier: 'Barriers',
  lesson: 'Lessons',
  evidence: 'Evidence and links',
  quotation: 'Quotations',
  contributor: 'Contributors',
};

/** Where a piece of evidence comes from. */
export const EVIDENCE_KINDS = ['log', 'document', 'link'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

export const SUMMARY_LIMITS = {
  titleMax: 200,
  issueMax: 5000,
  textMax: 5000,
  shortMax: 500,
  itemsMax: 500,
  tagsMax: 30,
  idMax: 2000,
  urlMax: 2000,
} as const;

/**
 * One item of a summary, as plain data. Which fields mean something depends on `section`:
 * - every section: `text` (a lesson's words, an intervention, a diagram's caption, an agency's
 *   name, a quotation, a note on evidence, a contributor's role) and `publishable`;
 * - `lesson`: `themes`, `behaviours`, `archetype`;
 * - `agency`: `agencyType`;
 * - `diagram`: `title`, `mapRoomId`, `loopKey` ('' for the whole map), `hiddenElementIds`
 *   (elements kept private: left out of the diagram with their connections), `archetype`;
 * - `evidence`: `title`, `evidenceKind`, `roomId` and `entryId` (a log entry or a document),
 *   `url` (a link);
 * - `quotation`, `contributor`: `name`, `organisation`, `consent` (to be named in public).
 */
export interface SummaryItem {
  id: string;
  section: SummarySection;
  /** Position within its section; new items go last. */
  order: number;
  publishable: boolean;
  text: string;
  title: string;
  themes: string[];
  behaviours: string[];
  archetype: string;
  agencyType: string;
  mapRoomId: string;
  loopKey: string;
  hiddenElementIds: string[];
  evidenceKind: EvidenceKind;
  roomId: string;
  entryId: string;
  url: string;
  name: string;
  organisation: string;
  consent: boolean;
}

export interface SummaryDraft {
  title: string;
  issue: string;
  /** Every item, by section (in `SUMMARY_SECTIONS` order), then by `order`. */
  items: SummaryItem[];
}

export type SummaryItemPatch = Partial<Omit<SummaryItem, 'id' | 'section'>>;

const BLANK: Omit<SummaryItem, 'id' | 'section' | 'order' | 'publishable'> = {
  text: '',
  title: '',
  themes: [],
  behaviours: [],
  archetype: '',
  agencyType: '',
  mapRoomId: '',
  loopKey: '',
  hiddenElementIds: [],
  evidenceKind: 'link',
  roomId: '',
  entryId: '',
  url: '',
  name: '',
  organisation: '',
  consent: false,
};

/** Items drawn from private work start private; what is written for the public starts publishable. */
const PRIVATE_BY_DEFAULT: ReadonlySet<SummarySection> = new Set(['evidence', 'quotation', 'contributor']);

type Fields = Y.Map<unknown>;
const fieldsOf = (doc: Y.Doc) => doc.getMap<unknown>(SUMMARY_FIELDS_ROOT);
const itemsOf = (doc: Y.Doc) => doc.getMap<Fields>(SUMMARY_ITEMS_ROOT);

/** The Y types an UndoManager should track to undo summary edits. */
export function summaryUndoScope(doc: Y.Doc): Y.AbstractType<unknown>[] {
  return [fieldsOf(doc), itemsOf(doc)] as Y.AbstractType<unknown>[];
}

// ---------------------------------------------------------------------------------------------
// Input checks: a person's typing, so the messages are for people.

function clip(value: unknown, max: number, what: string): string {
  const s = typeof value === 'string' ? value.replace(/\r\n?/g, '\n').trim() : '';
  if (s.length > max) throw new RangeError(`${what} can be at most ${max} characters.`);
  return s;
}

function ids(value: unknown, what: string): string[] {
  if (!Array.isArray(value)) return [];
  const out = [...new Set(value.filter((v): v is string => typeof v === 'string' && v.length > 0 && v.length <= SUMMARY_LIMITS.idMax))];
  if (out.length > SUMMARY_LIMITS.tagsMax && what !== 'hidden') throw new RangeError(`At most ${SUMMARY_LIMITS.tagsMax} ${what} on one item.`);
  return out;
}

function cleanPatch(patch: SummaryItemPatch): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const L = SUMMARY_LIMITS;
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    switch (key as keyof SummaryItemPatch) {
      case 'text':
        out[key] = clip(value, L.textMax, 'The text');
        break;
      case 'title':
        out[key] = clip(value, L.titleMax, 'A title');
        break;
      case 'name':
      case 'organisation':
      case 'archetype':
      case 'agencyType':
        out[key] = clip(value, L.shortMax, 'That field');
        break;
      case 'mapRoomId':
      case 'loopKey':
      case 'roomId':
      case 'entryId':
        out[key] = clip(value, L.idMax, 'An id');
        break;
      case 'url':
        out[key] = clip(value, L.urlMax, 'An address');
        break;
      case 'themes':
        out[key] = ids(value, 'themes');
        break;
      case 'behaviours':
        out[key] = ids(value, 'behaviours');
        break;
      case 'hiddenElementIds':
        out[key] = ids(value, 'hidden');
        break;
      case 'evidenceKind':
        if (!EVIDENCE_KINDS.includes(value as EvidenceKind)) throw new RangeError('Evidence is a log entry, a document or a link.');
        out[key] = value;
        break;
      case 'publishable':
      case 'consent':
        out[key] = value === true;
        break;
      case 'order':
        if (typeof value === 'number' && Number.isFinite(value)) out[key] = value;
        break;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Writing

/** Sets the summary's title or the issue it is about. */
export function setSummaryField(doc: Y.Doc, field: 'title' | 'issue', value: string): void {
  const clean = clip(value, field === 'title' ? SUMMARY_LIMITS.titleMax : SUMMARY_LIMITS.issueMax, field === 'title' ? 'The title' : 'The issue');
  fieldsOf(doc).set(field, clean);
}

/**
 * Adds an item at the end of its section and returns its id.
 *
 * @example
 * addSummaryItem(doc, 'lesson', { text: 'Start with the people who hold the budget.', themes: ['funding'] })
 */
export function addSummaryItem(doc: Y.Doc, section: SummarySection, init: SummaryItemPatch = {}, id = newId()): string {
  if (!SUMMARY_SECTIONS.includes(section)) throw new RangeError('Not a part of a summary.');
  const items = itemsOf(doc);
  if (items.size >= SUMMARY_LIMITS.itemsMax) throw new RangeError(`A summary can hold at most ${SUMMARY_LIMITS.itemsMax} items.`);
  const last = readSummaryDraft(doc).items.filter((i) => i.section === section).reduce((m, i) => Math.max(m, i.order), 0);
  const values = cleanPatch({ publishable: !PRIVATE_BY_DEFAULT.has(section), order: last + 1, ...init });
  doc.transact(() => {
    const fields = new Y.Map<unknown>();
    fields.set('section', section);
    for (const [k, v] of Object.entries(values)) fields.set(k, v);
    items.set(id, fields);
  });
  return id;
}

/** Changes some fields of an item; false when there is no such item. */
export function updateSummaryItem(doc: Y.Doc, id: string, patch: SummaryItemPatch): boolean {
  const fields = itemsOf(doc).get(id);
  if (!(fields instanceof Y.Map)) return false;
  const values = cleanPatch(patch);
  doc.transact(() => {
    for (const [k, v] of Object.entries(values)) if (JSON.stringify(fields.get(k)) !== JSON.stringify(v)) fields.set(k, v);
  });
  return true;
}

export function removeSummaryItem(doc: Y.Doc, id: string): void {
  itemsOf(doc).delete(id);
}

/** Moves an item one place up or down within its section. */
export function moveSummaryItem(doc: Y.Doc, id: string, direction: -1 | 1): boolean {
  const draft = readSummaryDraft(doc);
  const item = draft.items.find((i) => i.id === id);
  if (!item) return false;
  const section = draft.items.filter((i) => i.section === item.section);
  const at = section.indexOf(item);
  const other = section[at + direction];
  if (!other) return false;
  doc.transact(() => {
    updateSummaryItem(doc, item.id, { order: other.order });
    updateSummaryItem(doc, other.id, { order: item.order === other.order ? item.order + direction : item.order });
  });
  return true;
}

// ---------------------------------------------------------------------------------------------
// Reading

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function readItem(id: string, fields: Fields): SummaryItem | null {
  const section = fields.get('section');
  if (!SUMMARY_SECTIONS.includes(section as SummarySection)) return null;
  const kind = fields.get('evidenceKind');
  const order = fields.get('order');
  return {
    ...BLANK,
    id,
    section: section as SummarySection,
    order: typeof order === 'number' && Number.isFinite(order) ? order : 0,
    publishable: fields.get('publishable') === true,
    text: str(fields.get('text')),
    title: str(fields.get('title')),
    themes: list(fields.get('themes')),
    behaviours: list(fields.get('behaviours')),
    archetype: str(fields.get('archetype')),
    agencyType: str(fields.get('agencyType')),
    mapRoomId: str(fields.get('mapRoomId')),
    loopKey: str(fields.get('loopKey')),
    hiddenElementIds: list(fields.get('hiddenElementIds')),
    evidenceKind: EVIDENCE_KINDS.includes(kind as EvidenceKind) ? (kind as EvidenceKind) : 'link',
    roomId: str(fields.get('roomId')),
    entryId: str(fields.get('entryId')),
    url: str(fields.get('url')),
    name: str(fields.get('name')),
    organisation: str(fields.get('organisation')),
    consent: fields.get('consent') === true,
  };
}

/** The draft as plain data, items in the order the public page shows them. */
export function readSummaryDraft(doc: Y.Doc): SummaryDraft {
  const fields = fieldsOf(doc);
  const items: SummaryItem[] = [];
  itemsOf(doc).forEach((value, id) => {
    if (!(value instanceof Y.Map)) return;
    const item = readItem(id, value);
    if (item) items.push(item);
  });
  const rank = (s: SummarySection) => SUMMARY_SECTIONS.indexOf(s);
  items.sort((a, b) => rank(a.section) - rank(b.section) || a.order - b.order || (a.id < b.id ? -1 : 1));
  return { title: str(fields.get('title')), issue: str(fields.get('issue')), items };
}

/** Calls `onChange` after every change to the draft; returns the unsubscribe. */
export function observeSummary(doc: Y.Doc, onChange: () => void): () => void {
  const fields = fieldsOf(doc);
  const items = itemsOf(doc);
  fields.observe(onChange);
  items.observeDeep(onChange);
  return () => {
    fields.unobserve(onChange);
    items.unobserveDeep(onChange);
  };
}

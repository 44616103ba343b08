/**
 * The words of Kumu's sheets and what they mean in our model, both ways: element types and
 * the kinds they become, the polarity conventions people write in a connection's Type, the
 * three directions, and the custom fields that carry what the model has no place for.
 *
 * Kept apart from the readers and writers (CSV, workbook, blueprint) so every format reads
 * "++", "Company" or "mutual" the same way, and export writes back what import read.
 *
 * Two custom fields are Kumu's own:
 * - `Kumu type`: the Type a sheet gave when it is not exactly our kind's name ("Company",
 *   "organization", "++", "Investor"). Export writes it back (while it still fits the element's
 *   kind or the connection's polarity), because Kumu matches rows to its elements by label and
 *   type: writing "Organisation" for "Company" would make a second element in the original project.
 * - `Kumu ID`: the ID a sheet or blueprint gave ("elem-x8Kd2a"), written back in the ID column
 *   for the same reason.
 */
import {
  ELEMENT_KINDS,
  ELEMENT_KIND_LABELS,
  type CustomFields,
  type Direction,
  type ElementKind,
  type MapConnection,
  type MapElement,
  type Polarity,
} from './model.js';

export const KUMU_TYPE_FIELD = 'Kumu type';
export const KUMU_ID_FIELD = 'Kumu ID';

/** Kumu separates the values of a list cell (tags, several To elements) with "|". */
export const LIST_SEPARATOR = '|';

// --------------------------------------------------------------------------------------------
// Element types → kinds

/** Whole types that name a kind outright: our names and labels, and other tools' words for them. */
const KIND_NAMES: ReadonlyMap<string, ElementKind> = new Map([
  ...ELEMENT_KINDS.map((k) => [k, k] as const),
  ...ELEMENT_KINDS.map((k) => [ELEMENT_KIND_LABELS[k].toLowerCase(), k] as const),
  ['stakeholder', 'actor'],
  ['person', 'actor'],
  ['organization', 'organisation'],
]);

/**
 * Words that point to a kind when a type is not one outright ("Desired Outcome", "Local
 * Company", "Employee/Founder"). Factor words are listed too, so that "Outcome indicator"
 * is read by its last word (an indicator: a factor) rather than falling through to "outcome".
 */
const KIND_WORDS: ReadonlyMap<string, ElementKind> = new Map(
  (
    [
      ['actor', 'actor person people individual stakeholder user citizen resident patient carer caregiver employee staff founder volunteer member leader champion customer client family household student teacher worker professional practitioner manager owner entrepreneur investor advocate politician councillor'],
      ['organisation', 'organisation organization org company business firm corporation enterprise startup charity nonprofit ngo council authority agency department ministry government institution school university college hospital trust foundation association alliance coalition partnership network provider funder supplier partner group club union body employer bank fund'],
      ['intervention', 'intervention programme program project initiative policy action activity strategy solution lever leverage campaign pilot scheme service training response tactic practice'],
      ['outcome', 'outcome result goal objective aim impact target vision purpose benefit output success mission'],
      ['note', 'note comment annotation question assumption hypothesis insight quote'],
      ['variable', 'factor variable driver issue problem barrier enabler condition state stock flow trend indicator measure metric cause effect force pressure need resource risk challenge behaviour behavior attitude belief norm'],
    ] as const
  ).flatMap(([kind, words]) => words.split(' ').map((w) => [w, kind] as const)),
);

/** A word as the lists above spell it: "Companies" → "company", "Founders" → "founder". */
function wordKind(word: string): ElementKind | undefined {
  return (
    KIND_WORDS.get(word) ??
    (word.endsWith('ies') ? KIND_WORDS.get(`${word.slice(0, -3)}y`) : undefined) ??
    (word.endsWith('s') ? KIND_WORDS.get(word.slice(0, -1)) : undefined)
  );
}

/**
 * How a Kumu Type became a kind: `exact` when it names one (ignoring case, with a few other
 * names), `closest` when a word in it points to one, `default` (a factor) when nothing does.
 */
export type KindMatch = { kind: ElementKind; how: 'exact' | 'closest' | 'default' };

/**
 * The kind for a Kumu element Type. Words are tried from the last, since an English type names
 * its thing last ("Desired Outcome", "Community Organisation").
 *
 * @example
 * kindForType('Company')         // { kind: 'organisation', how: 'closest' }
 * kindForType('Desired Outcome') // { kind: 'outcome', how: 'closest' }
 * kindForType('State')           // { kind: 'variable', how: 'closest' }
 * kindForType('Widget')          // { kind: 'variable', how: 'default' }
 */
export function kindForType(type: string): KindMatch {
  const key = type.trim().toLowerCase();
  if (key === '') return { kind: 'variable', how: 'exact' };
  const exact = KIND_NAMES.get(key);
  if (exact) return { kind: exact, how: 'exact' };
  const words = key.split(/[^\p{L}]+/u).filter((w) => w !== '');
  for (let i = words.length - 1; i >= 0; i--) {
    const kind = wordKind(words[i] as string);
    if (kind) return { kind, how: 'closest' };
  }
  return { kind: 'variable', how: 'default' };
}

/**
 * The Type to write for an element: the original Kumu type while it still reads as the
 * element's kind (someone may have changed the kind since), else the kind's label.
 *
 * @example
 * kumuElementType({ kind: 'organisation', fields: { 'Kumu type': 'Company' } }) // 'Company'
 * kumuElementType({ kind: 'actor', fields: { 'Kumu type': 'Company' } })        // 'Actor'
 */
export function kumuElementType(element: Pick<MapElement, 'kind' | 'fields'>): string {
  const original = element.fields?.[KUMU_TYPE_FIELD]?.trim();
  if (original && kindForType(original).kind === element.kind) return original;
  return ELEMENT_KIND_LABELS[element.kind];
}

// --------------------------------------------------------------------------------------------
// Polarity

/**
 * Polarity as people write it in Kumu's Type (or our Polarity) column. The doubled signs are a
 * systems-mapping convention for "cause moves, effect moves": the first sign is the change in
 * the cause, the second the change it makes in the effect. "++" (up, up) and "--" (down, down)
 * both say the two move the same way; "+-" and "-+" say they move opposite ways. "Reinforcing"
 * and "balancing" describe loops, not links, so they are not read as a polarity.
 */
const POLARITY_NAMES: ReadonlyMap<string, Polarity> = new Map([
  ['+', '+'],
  ['++', '+'],
  ['--', '+'],
  ['positive', '+'],
  ['same', '+'],
  ['s', '+'],
  ['-', '-'],
  ['+-', '-'],
  ['-+', '-'],
  ['negative', '-'],
  ['opposite', '-'],
  ['o', '-'],
  ['?', '?'],
  ['unknown', '?'],
]);

/**
 * The polarity a cell names, or undefined when it names none. Case and surrounding space are
 * ignored; a typeset minus (−) or a dash a word processor put in place of "-" (–, —) reads as "-",
 * and spaces between signs ("+ -") are dropped.
 *
 * @example
 * polarityOf(' -+ ') // '-'
 * polarityOf('Same') // '+'
 * polarityOf('Investor') // undefined
 */
export function polarityOf(cell: string): Polarity | undefined {
  let key = cell.trim().toLowerCase().replace(/[\u2212\u2013\u2014]/g, '-');
  if (/^[+\-\s]+$/.test(key)) key = key.replace(/\s+/g, '');
  return POLARITY_NAMES.get(key);
}

/** The Type a connection is written with when it has no Kumu type of its own. */
const DEFAULT_POLARITY_TYPES: Record<Polarity, string> = { '+': 'same', '-': 'opposite', '?': '' };

/**
 * The Type to write for a connection: its original Kumu type when that is not a polarity
 * ("Investor"), or is one that still agrees with the connection's polarity ("++" for +);
 * else "same" or "opposite" (which Kumu's systems template draws solid and dashed), or nothing.
 *
 * @example
 * kumuConnectionType({ polarity: '+', fields: { 'Kumu type': '++' } }) // '++'
 * kumuConnectionType({ polarity: '-', fields: { 'Kumu type': '++' } }) // 'opposite'
 */
export function kumuConnectionType(connection: Pick<MapConnection, 'polarity' | 'fields'>): string {
  const original = connection.fields?.[KUMU_TYPE_FIELD]?.trim();
  if (original) {
    const polarity = polarityOf(original);
    if (polarity === undefined || polarity === connection.polarity) return original;
  }
  return DEFAULT_POLARITY_TYPES[connection.polarity];
}

/** The connection's Kumu type when it is not a polarity ("Investor"), else ''. What merging matches connections by. */
export function connectionKind(connection: Pick<MapConnection, 'fields'>): string {
  const original = connection.fields?.[KUMU_TYPE_FIELD]?.trim() ?? '';
  return polarityOf(original) === undefined ? original : '';
}

/** Whether a connection Type is the one export would write anyway, so it need not be kept. */
export function isDefaultConnectionType(type: string, polarity: Polarity): boolean {
  return type === DEFAULT_POLARITY_TYPES[polarity];
}

// --------------------------------------------------------------------------------------------
// Other cells

/**
 * A Direction cell, ignoring case; '' is directed (Kumu's default); undefined when it names none.
 *
 * @example
 * directionOf(' Mutual ') // 'mutual'
 */
export function directionOf(cell: string): Direction | undefined {
  const key = cell.trim().toLowerCase();
  if (key === '') return 'directed';
  return key === 'directed' || key === 'mutual' || key === 'undirected' ? key : undefined;
}

const BOOLEANS: ReadonlyMap<string, boolean> = new Map([
  ['yes', true],
  ['y', true],
  ['true', true],
  ['1', true],
  ['no', false],
  ['n', false],
  ['false', false],
  ['0', false],
]);

/** A yes/no cell; '' is no; undefined when it is neither. */
export function booleanOf(cell: string): boolean | undefined {
  const key = cell.trim().toLowerCase();
  return key === '' ? false : BOOLEANS.get(key);
}

/** Tags or list values as they are stored and written: trimmed, without empties or repeats. */
export function cleanList(values: readonly string[]): string[] {
  return [...new Set(values.map((t) => t.trim()).filter((t) => t !== ''))];
}

/** Custom fields without Kumu's own two, which travel in columns of their own. */
export function otherFields(fields: CustomFields | undefined): [string, string][] {
  return Object.entries(fields ?? {}).filter(([name]) => name !== KUMU_TYPE_FIELD && name !== KUMU_ID_FIELD);
}

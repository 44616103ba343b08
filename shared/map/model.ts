/**
 * The system map as plain data: what the Y.Doc holds (see `doc.ts`), what loop finding,
 * metrics, import/export and version diffs work on, and what the editor renders.
 *
 * A map has elements (factors, actors, organisations, interventions, outcomes, notes),
 * connections between them with a polarity (+ same direction, − opposite direction, ? not
 * known yet), and groups that frame a cluster of elements. A connection runs From → To unless
 * it says otherwise (`direction`: mutual or undirected, as maps brought from Kumu may).
 *
 * Elements and connections may carry custom fields (`fields`): the columns of a Kumu sheet the
 * model has no place for ("Population", "Strength", the original Kumu "Type"), kept as text so
 * they survive a round trip and can be read and edited in the details panel. Both optional
 * properties are left out when empty, so data written before they existed reads the same.
 */

export const ELEMENT_KINDS = ['variable', 'actor', 'organisation', 'intervention', 'outcome', 'note'] as const;
export type ElementKind = (typeof ELEMENT_KINDS)[number];

/** What each kind is called on screen and in Kumu's "Type" column. */
export const ELEMENT_KIND_LABELS: Record<ElementKind, string> = {
  variable: 'Factor',
  actor: 'Actor',
  organisation: 'Organisation',
  intervention: 'Intervention',
  outcome: 'Outcome',
  note: 'Note',
};

/** `+`: both move the same way; `-`: they move opposite ways; `?`: not known yet. */
export const POLARITIES = ['+', '-', '?'] as const;
export type Polarity = (typeof POLARITIES)[number];

export const CONFIDENCES = ['low', 'medium', 'high'] as const;
export type Confidence = (typeof CONFIDENCES)[number];

/**
 * Kumu's three ways a connection can run: `directed` From → To (the default, and what every
 * causal link drawn here is), `mutual` both ways, `undirected` neither (a plain line).
 */
export const DIRECTIONS = ['directed', 'mutual', 'undirected'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** Custom fields: name → value, both text. Names are unique ignoring case. */
export type CustomFields = Record<string, string>;

/** Who did something, as others should see it: person and agency. */
export interface Attribution {
  userId: string;
  name: string;
  organisation: string;
  /** ISO 8601 time. */
  at: string;
}

export interface MapElement {
  id: string;
  kind: ElementKind;
  label: string;
  description: string;
  tags: string[];
  /** The agency that owns or speaks for this element ("Torbay Council"); may be empty. */
  agency: string;
  x: number;
  y: number;
  /** The group (frame) this element sits in, if any. */
  groupId: string | null;
  /** Custom fields; absent when there are none. */
  fields?: CustomFields;
  created: Attribution;
  updated: Attribution;
}

/** One agency's view of a connection's polarity; agencies may disagree. */
export interface PolarityView {
  organisation: string;
  polarity: Polarity;
  by: Attribution;
}

export interface MapConnection {
  id: string;
  from: string;
  to: string;
  /** Absent for `directed`, the default: only mutual and undirected links say so. */
  direction?: Direction;
  polarity: Polarity;
  /** A notable delay between cause and effect (drawn as ‖ on the arrow). */
  delay: boolean;
  confidence: Confidence | null;
  label: string;
  /** Notes on the evidence for this link: sources, data, lived experience. */
  evidence: string;
  /** Views of the polarity recorded by agencies, one per organisation. */
  views: PolarityView[];
  /** Custom fields; absent when there are none. */
  fields?: CustomFields;
  created: Attribution;
  updated: Attribution;
}

export interface MapGroup {
  id: string;
  label: string;
  x: number;
  y: number;
  width: number;
  height: number;
  created: Attribution;
  updated: Attribution;
}

/**
 * A person's name for a feedback loop and what they noted about it, kept by the loop's key;
 * and whether the loop's marker (R1, B2 with its circular arrow) is shown at its centre on the
 * map, for everyone and in exports. A note may hold only the marker, with no name or words.
 */
export interface LoopNote {
  key: string;
  name: string;
  note: string;
  /** True when the marker is shown; plain copies leave it out otherwise, so older notes read the same. */
  marker?: boolean;
  updated: Attribution;
}

export interface MapData {
  elements: MapElement[];
  connections: MapConnection[];
  groups: MapGroup[];
  loopNotes: LoopNote[];
}

export const MAP_LIMITS = {
  labelMax: 200,
  descriptionMax: 5000,
  tagMax: 50,
  tagsMax: 30,
  agencyMax: 200,
  evidenceMax: 5000,
  /** A map larger than this is refused on import; the editor warns well before. */
  elementsMax: 10_000,
  connectionsMax: 30_000,
  /**
   * Custom fields per element or connection, and the length of a field's name and value:
   * enough for every column of a real Kumu sheet, small enough that a hostile file cannot
   * make one element megabytes long.
   */
  fieldsMax: 50,
  fieldNameMax: 200,
  fieldValueMax: 5000,
} as const;

/**
 * How a connection runs, reading an absent `direction` as Kumu does: directed.
 *
 * @example
 * connectionDirection({}) // 'directed'
 */
export function connectionDirection(connection: Pick<MapConnection, 'direction'>): Direction {
  return connection.direction ?? 'directed';
}

/** True when agencies (or the connection itself) hold different known polarities for it. */
export function polarityDisputed(connection: Pick<MapConnection, 'polarity' | 'views'>): boolean {
  const known = new Set<Polarity>();
  if (connection.polarity !== '?') known.add(connection.polarity);
  for (const view of connection.views) if (view.polarity !== '?') known.add(view.polarity);
  return known.size > 1;
}

// ---------------------------------------------------------------------------------------------
// Plain copies, field by field: they fix the key order and drop anything that is not part of
// the model (a stray property on a Y.Map must not leak into files people send to other
// agencies, nor into a map rebuilt from a saved version).

export function plainAttribution(a: Attribution): Attribution {
  return { userId: a.userId, name: a.name, organisation: a.organisation, at: a.at };
}

/**
 * Custom fields sorted by name (code units): the order a Y.Map hands keys over in can differ
 * between peers, and equal maps must read and export the same. Undefined when there are none,
 * so the property is left out.
 */
export function plainFields(fields: Readonly<Record<string, unknown>> | undefined): CustomFields | undefined {
  if (!fields) return undefined;
  const names = Object.keys(fields)
    .filter((name) => typeof fields[name] === 'string')
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (names.length === 0) return undefined;
  const out: CustomFields = {};
  for (const name of names) out[name] = fields[name] as string;
  return out;
}

export function plainElement(e: MapElement): MapElement {
  const fields = plainFields(e.fields);
  return {
    id: e.id,
    kind: e.kind,
    label: e.label,
    description: e.description,
    tags: [...e.tags],
    agency: e.agency,
    x: e.x,
    y: e.y,
    groupId: e.groupId,
    ...(fields ? { fields } : {}),
    created: plainAttribution(e.created),
    updated: plainAttribution(e.updated),
  };
}

export function plainConnection(c: MapConnection): MapConnection {
  const fields = plainFields(c.fields);
  const direction = connectionDirection(c);
  return {
    id: c.id,
    from: c.from,
    to: c.to,
    ...(direction !== 'directed' ? { direction } : {}),
    polarity: c.polarity,
    delay: c.delay,
    confidence: c.confidence,
    label: c.label,
    evidence: c.evidence,
    views: c.views.map((v) => ({ organisation: v.organisation, polarity: v.polarity, by: plainAttribution(v.by) })),
    ...(fields ? { fields } : {}),
    created: plainAttribution(c.created),
    updated: plainAttribution(c.updated),
  };
}

export function plainGroup(g: MapGroup): MapGroup {
  return {
    id: g.id,
    label: g.label,
    x: g.x,
    y: g.y,
    width: g.width,
    height: g.height,
    created: plainAttribution(g.created),
    updated: plainAttribution(g.updated),
  };
}

export function plainLoopNote(n: LoopNote): LoopNote {
  return { key: n.key, name: n.name, note: n.note, ...(n.marker === true ? { marker: true as const } : {}), updated: plainAttribution(n.updated) };
}

/** Whether a loop note says anything in words (not only that its marker is shown). */
export function loopNoteHasWords(n: Pick<LoopNote, 'name' | 'note'>): boolean {
  return n.name.trim() !== '' || n.note.trim() !== '';
}

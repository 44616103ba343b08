/**
 * The workspace's own map file: every field of the map (attributions, agencies' polarity
 * views, groups, loop notes), versioned so later releases can still read today's files.
 *
 * ```json
 * { "format": "slw-map", "version": 1, "exportedAt": "2025-03-04T10:00:00.000Z", "map": { … } }
 * ```
 *
 * Import validates with zod and answers like the CSV import does (`ImportResult`), with each
 * problem located by a JSON path ("map.connections[3].to") and described for a person.
 */
import { z } from 'zod';
import { loopKey, parseLoopKey } from './loops.js';
import {
  CONFIDENCES,
  DIRECTIONS,
  ELEMENT_KINDS,
  MAP_LIMITS,
  POLARITIES,
  plainConnection,
  plainElement,
  plainGroup,
  plainLoopNote,
  type MapConnection,
  type MapData,
} from './model.js';

export const MAP_FILE_FORMAT = 'slw-map';
export const MAP_FILE_VERSION = 1;

/** What an import gives back, for CSV and JSON alike; `Issue` says where a problem is. */
export type ImportResult<Issue> = { ok: true; map: MapData; warnings: Issue[] } | { ok: false; errors: Issue[] };

/** A problem in a JSON file: `path` is where ("map.elements[2].label", "" for the whole file). */
export interface JsonIssue {
  path: string;
  message: string;
}

// --------------------------------------------------------------------------------------------
// Schema

/** Ids are opaque strings from the workspace (`newId()`); the bound keeps a hostile file small. */
const idSchema = z.string().min(1).max(128);

const attributionSchema = z.object({
  userId: z.string().max(128),
  name: z.string().max(MAP_LIMITS.labelMax),
  organisation: z.string().max(MAP_LIMITS.agencyMax),
  at: z.iso.datetime({ offset: true }),
});

/** Custom fields (`fields`), optional so files written before they existed still read. */
const fieldsSchema = z
  .record(z.string().min(1).max(MAP_LIMITS.fieldNameMax), z.string().max(MAP_LIMITS.fieldValueMax))
  .refine((fields) => Object.keys(fields).length <= MAP_LIMITS.fieldsMax, { message: `has more than ${MAP_LIMITS.fieldsMax} fields` });

const elementSchema = z.object({
  id: idSchema,
  kind: z.enum(ELEMENT_KINDS),
  label: z.string().max(MAP_LIMITS.labelMax),
  description: z.string().max(MAP_LIMITS.descriptionMax),
  tags: z.array(z.string().max(MAP_LIMITS.tagMax)).max(MAP_LIMITS.tagsMax),
  agency: z.string().max(MAP_LIMITS.agencyMax),
  x: z.number(),
  y: z.number(),
  groupId: idSchema.nullable(),
  fields: fieldsSchema.optional(),
  created: attributionSchema,
  updated: attributionSchema,
});

const polarityViewSchema = z.object({
  organisation: z.string().max(MAP_LIMITS.agencyMax),
  polarity: z.enum(POLARITIES),
  by: attributionSchema,
});

const connectionSchema = z.object({
  id: idSchema,
  from: idSchema,
  to: idSchema,
  direction: z.enum(DIRECTIONS).optional(),
  polarity: z.enum(POLARITIES),
  delay: z.boolean(),
  confidence: z.enum(CONFIDENCES).nullable(),
  label: z.string().max(MAP_LIMITS.labelMax),
  evidence: z.string().max(MAP_LIMITS.evidenceMax),
  views: z.array(polarityViewSchema),
  fields: fieldsSchema.optional(),
  created: attributionSchema,
  updated: attributionSchema,
});

const groupSchema = z.object({
  id: idSchema,
  label: z.string().max(MAP_LIMITS.labelMax),
  x: z.number(),
  y: z.number(),
  width: z.number().min(0),
  height: z.number().min(0),
  created: attributionSchema,
  updated: attributionSchema,
});

const loopNoteSchema = z.object({
  key: z.string().min(1).max(MAP_LIMITS.descriptionMax),
  name: z.string().max(MAP_LIMITS.labelMax),
  note: z.string().max(MAP_LIMITS.descriptionMax),
  marker: z.boolean().optional(),
  updated: attributionSchema,
});

/** A whole map as plain data (what `readMap` gives), bounded by `MAP_LIMITS`. */
export const mapDataSchema = z.object({
  elements: z.array(elementSchema).max(MAP_LIMITS.elementsMax),
  connections: z.array(connectionSchema).max(MAP_LIMITS.connectionsMax),
  // Groups frame elements and loop notes name loops, so neither can sensibly outnumber elements.
  groups: z.array(groupSchema).max(MAP_LIMITS.elementsMax),
  loopNotes: z.array(loopNoteSchema).max(MAP_LIMITS.elementsMax),
});

/** The whole file, envelope and map. */
export const mapFileSchema = z.object({
  format: z.literal(MAP_FILE_FORMAT),
  version: z.literal(MAP_FILE_VERSION),
  exportedAt: z.iso.datetime({ offset: true }),
  map: mapDataSchema,
});

export type MapFile = z.infer<typeof mapFileSchema>;

// --------------------------------------------------------------------------------------------
// Export

/**
 * The map as a version-1 file: two-space indented, keys always in the same order (whatever
 * order the Y.Doc handed them in), so exporting the same map twice gives the same text.
 *
 * @example
 * exportMapJson(readMap(doc), new Date()) // '{\n  "format": "slw-map",\n  "version": 1, …'
 */
export function exportMapJson(map: MapData, exportedAt: Date | string = new Date()): string {
  const file: MapFile = {
    format: MAP_FILE_FORMAT,
    version: MAP_FILE_VERSION,
    exportedAt: typeof exportedAt === 'string' ? exportedAt : exportedAt.toISOString(),
    map: {
      elements: map.elements.map(plainElement),
      connections: map.connections.map(plainConnection),
      groups: map.groups.map(plainGroup),
      loopNotes: map.loopNotes.map(plainLoopNote),
    },
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}


// --------------------------------------------------------------------------------------------
// Import

export type JsonImportOptions =
  | { keepIds: true }
  | {
      keepIds?: false;
      /** Makes each fresh id (`newId` from shared/ids.ts). */
      newId: () => string;
      /**
       * Rewrites a loop note's key for the fresh ids. The default reads keys as `loopKey` in
       * loops.ts writes them (ids joined by ">", starting at the smallest; "|" and connection
       * ids for a variant over parallel arrows).
       */
      rekeyLoop?: RekeyLoop;
    };

/** Gives a loop note's key for fresh ids; `newIds` maps old element and connection ids to new. */
export type RekeyLoop = (key: string, newIds: ReadonlyMap<string, string>) => string;

/**
 * Reads a map file. With `newId` every element, connection and group gets a fresh id and
 * every reference (connection ends, element groups, loop keys) follows, so the same file can
 * be imported twice into one room; with `{ keepIds: true }` ids stay as they are (restoring a
 * backup). Attributions are kept: who added what is part of the map.
 *
 * @example
 * const result = importMapJson(text, { newId });
 * if (result.ok) addMapData(doc, result.map, actor);
 * else showProblems(result.errors); // [{ path: 'map.connections[3].to', message: 'Connection 4: …' }]
 */
export function importMapJson(text: string, options: JsonImportOptions): ImportResult<JsonIssue> {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return fail('', `This file is not valid JSON (${(error as Error).message}). Choose a map file exported from the workspace.`);
  }

  const envelope = checkEnvelope(value);
  if (envelope) return { ok: false, errors: [envelope] };

  const parsed = mapFileSchema.safeParse(value);
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((issue) => describeIssue(issue, value)) };

  const map = parsed.data.map;
  const errors = checkReferences(map);
  if (errors.length > 0) return { ok: false, errors };

  return { ok: true, map: options.keepIds ? map : withFreshIds(map, options.newId, options.rekeyLoop), warnings: [] };
}

function fail(path: string, message: string): ImportResult<JsonIssue> {
  return { ok: false, errors: [{ path, message }] };
}

/** Says plainly when a file is not ours at all, or is from a later version, before zod's detail. */
function checkEnvelope(value: unknown): JsonIssue | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { path: '', message: 'This file does not hold a map: it should be an object with "format": "slw-map".' };
  }
  const { format, version } = value as { format?: unknown; version?: unknown };
  if (format !== MAP_FILE_FORMAT) {
    return {
      path: 'format',
      message: `This is not a map file from the workspace ("format" should be "${MAP_FILE_FORMAT}"). For a Kumu map, export it as spreadsheets and import those.`,
    };
  }
  if (typeof version === 'number' && Number.isInteger(version) && version > MAP_FILE_VERSION) {
    return {
      path: 'version',
      message: `This map file is version ${version}, made by a newer release of the workspace; this one reads version ${MAP_FILE_VERSION}. Update the workspace, or export the map again from where it was made.`,
    };
  }
  return null;
}

type Collection = 'elements' | 'connections' | 'groups' | 'loopNotes';
const NOUNS: Record<Collection, string> = { elements: 'Element', connections: 'Connection', groups: 'Group', loopNotes: 'Loop note' };
const PLURALS: Record<Collection, string> = { elements: 'elements', connections: 'connections', groups: 'groups', loopNotes: 'loop notes' };

function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** "Element 4 ('Footfall')": the item a path points into, counted from 1 as people count. */
function subject(path: readonly PropertyKey[], file: unknown): string | null {
  const [root, collection, index] = path;
  if (root !== 'map' || typeof collection !== 'string' || !(collection in NOUNS) || typeof index !== 'number') return null;
  const item = (file as { map?: Record<string, unknown[]> }).map?.[collection]?.[index] as { label?: unknown; name?: unknown } | undefined;
  const name = typeof item?.label === 'string' && item.label !== '' ? item.label : typeof item?.name === 'string' && item.name !== '' ? item.name : null;
  const noun = `${NOUNS[collection as Collection]} ${index + 1}`;
  return name === null ? noun : `${noun} ('${name}')`;
}

function describeIssue(issue: z.core.$ZodIssue, file: unknown): JsonIssue {
  const path = pathText(issue.path);
  const [root, collection] = issue.path;
  if (issue.code === 'too_big' && issue.path.length === 2 && root === 'map' && typeof collection === 'string' && collection in NOUNS) {
    const max = Number(issue.maximum).toLocaleString('en-GB');
    return { path, message: `The map has more than ${max} ${PLURALS[collection as Collection]}, the most a map holds.` };
  }
  const who = subject(issue.path, file);
  // The field is the part of the path after the item ("label", "views[0].polarity").
  const field = pathText(who === null ? issue.path : issue.path.slice(3)) || 'value';
  const what = problem(issue);
  return { path, message: who === null ? `${path || 'The file'}: ${what}` : `${who}: ${field} ${what}` };
}

function problem(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `is missing or not ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
    case 'too_big':
      return issue.origin === 'array'
        ? `has more than ${String(issue.maximum)} entries`
        : issue.origin === 'string'
          ? `is longer than ${String(issue.maximum)} characters`
          : `is more than ${String(issue.maximum)}`;
    case 'too_small':
      return issue.origin === 'string' && issue.minimum === 1
        ? 'is empty'
        : issue.origin === 'string'
          ? `is shorter than ${String(issue.minimum)} characters`
          : `is less than ${String(issue.minimum)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'datetime' ? 'must be a date and time like 2025-03-04T10:00:00Z' : `is not a valid ${issue.format}`;
    default:
      return issue.message;
  }
}

/** Ids must be unique and every reference must land; zod checks shapes, not these. */
function checkReferences(map: MapData): JsonIssue[] {
  const errors: JsonIssue[] = [];
  const file = { map };
  const firstIndex = (collection: Collection, keys: string[]): Map<string, number> => {
    const seen = new Map<string, number>();
    keys.forEach((key, i) => {
      const earlier = seen.get(key);
      if (earlier === undefined) seen.set(key, i);
      else {
        const field = collection === 'loopNotes' ? 'key' : 'id';
        errors.push({
          path: `map.${collection}[${i}].${field}`,
          message: `${subject(['map', collection, i], file)}: ${field} '${key}' is also the ${field} of ${subject(['map', collection, earlier], file)}; each must be different.`,
        });
      }
    });
    return seen;
  };
  const elementIds = firstIndex('elements', map.elements.map((e) => e.id));
  firstIndex('connections', map.connections.map((c) => c.id));
  const groupIds = firstIndex('groups', map.groups.map((g) => g.id));
  firstIndex('loopNotes', map.loopNotes.map((n) => n.key));

  map.connections.forEach((c, i) => {
    for (const end of ['from', 'to'] as const) {
      if (!elementIds.has(c[end])) {
        errors.push({
          path: `map.connections[${i}].${end}`,
          message: `${subject(['map', 'connections', i], file)}: '${end}' names an element that is not in the map: '${c[end]}'.`,
        });
      }
    }
  });
  map.elements.forEach((e, i) => {
    if (e.groupId !== null && !groupIds.has(e.groupId)) {
      errors.push({
        path: `map.elements[${i}].groupId`,
        message: `${subject(['map', 'elements', i], file)}: groupId names a group that is not in the map: '${e.groupId}'.`,
      });
    }
  });
  return errors;
}

function withFreshIds(map: MapData, newId: () => string, rekeyLoop: RekeyLoop | undefined): MapData {
  const elementIds = new Map(map.elements.map((e) => [e.id, newId()]));
  const connectionIds = new Map(map.connections.map((c) => [c.id, newId()]));
  const groupIds = new Map(map.groups.map((g) => [g.id, newId()]));
  // checkReferences has run, so every lookup below finds its id.
  const fresh = (ids: Map<string, string>, id: string): string => ids.get(id) as string;
  const newIds = new Map([...elementIds, ...connectionIds]);
  const rekey = rekeyLoop ?? loopKeyRekeyer(map.connections);
  return {
    elements: map.elements.map((e) => ({
      ...e,
      id: fresh(elementIds, e.id),
      groupId: e.groupId === null ? null : fresh(groupIds, e.groupId),
    })),
    connections: map.connections.map((c) => ({
      ...c,
      id: fresh(connectionIds, c.id),
      from: fresh(elementIds, c.from),
      to: fresh(elementIds, c.to),
    })),
    groups: map.groups.map((g) => ({ ...g, id: fresh(groupIds, g.id) })),
    loopNotes: map.loopNotes.map((n) => ({ ...n, key: rekey(n.key, newIds) })),
  };
}

/**
 * Default `rekeyLoop`: swaps the ids in a loop key for their new ones and rotates the loop to
 * start at the smallest new id again, so the note still matches the loop `findLoops` reports.
 * Where two arrows join the same pair, which variant is the plain (element-only) key depends on
 * which connection id is smallest, so that is worked out again with the new ids.
 * A key that does not read as one is kept as it was.
 */
function loopKeyRekeyer(connections: readonly MapConnection[]): RekeyLoop {
  const parallel = new Map<string, string[]>();
  for (const c of connections) {
    const pair = `${c.from}\u0000${c.to}`;
    const ids = parallel.get(pair);
    if (ids) ids.push(c.id);
    else parallel.set(pair, [c.id]);
  }
  const smallest = (ids: readonly string[]): string => ids.reduce((a, b) => (b < a ? b : a));

  return (key, newIds) => {
    const parsed = parseLoopKey(key);
    if (!parsed) return key;
    const oldElements = parsed.elementIds;
    const oldConnections = parsed.connectionIds ?? null;
    const swap = (id: string): string => newIds.get(id) ?? id;
    const elements = oldElements.map(swap);
    let steps = oldConnections?.map(swap) ?? null;

    // The arrows each step can take; a note on a loop that is gone keeps its plain swap.
    const choices = oldElements.map((from, i) => parallel.get(`${from}\u0000${oldElements[(i + 1) % oldElements.length]}`) ?? []);
    if (choices.every((ids) => ids.length > 0) && (oldConnections === null || oldConnections.length === oldElements.length)) {
      // The connection taken at each step: the one named in the key, else the smallest old id.
      const taken = choices.map((ids, i) => swap(oldConnections?.[i] ?? smallest(ids)));
      const plain = taken.every((id, i) => id === smallest((choices[i] as string[]).map(swap)));
      steps = plain ? null : taken;
    }

    let start = 0;
    elements.forEach((id, i) => {
      if (id < (elements[start] as string)) start = i;
    });
    // Connection i leaves element i, so both turn together.
    const turned = (ids: string[]): string[] => [...ids.slice(start), ...ids.slice(0, start)];
    return loopKey(turned(elements), steps === null ? undefined : turned(steps));
  };
}

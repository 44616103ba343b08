/**
 * Maps to and from LOOPY (Nicky Case, ncase.me/loopy), a toy for playing with feedback loops:
 * people draw circles and arrows, then "play" the system and watch signals run round the loops.
 * A map made here can be opened in LOOPY to play it, and a LOOPY model brought in as a map.
 *
 * The format, as LOOPY v1 and v1.1 write it (js/Model.js `serialize`/`deserialize` and
 * js/Loopy.js `saveToURL`/`loadFromURL` in github.com/ncase/loopy; v1 and v1.1 are identical
 * there; only builds from before v1's release in March 2017 wrote an object instead):
 *
 * ```text
 * [ nodes, edges, labels, lastId ]
 *   node:  [id, x, y, startAmount, label, hue]    ids are integers; x, y the circle's centre;
 *                                                startAmount 0…1; hue 0…5 (red, orange,
 *                                                yellow, green, blue, purple)
 *   edge:  [fromId, toId, arc, strength, rotation] strength +1 or −1; arc bends the arrow (and
 *                                                lengthens it); rotation places a self-loop
 *   label: [x, y, text]                          free text, centred on x, y; "\n" breaks lines
 * ```
 *
 * Node labels and texts are URL-encoded twice (`encodeURIComponent(encodeURIComponent(s))`)
 * before the array is turned into JSON. A share link is `…/loopy/v1.1/?data=` followed by that
 * JSON with only its quotes written `%22` and its last `]` written `%5D` (added the day before
 * v1's release; older links end in `]` and read the same); LOOPY reads the `data` parameter back with one
 * `decodeURIComponent` (after turning `+` into spaces), parses the JSON, and decodes each text
 * once more. LOOPY's "save to file" writes the once-decoded form, a `.loopy` file, which is
 * plain JSON with texts URL-encoded once.
 */
import { shorten } from '../text.js';
import type { ImportResult } from './json.js';
import { MAP_LIMITS, connectionDirection, type Attribution, type ElementKind, type MapConnection, type MapData, type MapElement, type Polarity } from './model.js';
import { ELEMENT_BOX } from './placement.js';

/** A problem in LOOPY data: `path` is where ("nodes[2]", "edges[0][3]", "" for the whole link). */
export interface LoopyIssue {
  path: string;
  message: string;
}

export interface LoopyImportOptions {
  /** Makes each element's and connection's id (`newId` from shared/ids.ts). */
  newId: () => string;
  /** Recorded as who created and last changed everything imported. */
  by: Attribution;
}

/** A link to play the map in LOOPY, and what did not carry over into it. */
export interface LoopyLink {
  url: string;
  warnings: LoopyIssue[];
}

/** Thrown when a map's link would be longer than `LOOPY_URL_MAX`; the message says what to do. */
export class LoopyLinkTooLongError extends Error {
  override readonly name = 'LoopyLinkTooLongError';

  constructor(
    /** How long the link would have been. */
    readonly length: number,
  ) {
    super(
      `The map is too big for a LOOPY link: it would be ${count(length)} characters long, and links over ${count(LOOPY_URL_MAX)} may not open. LOOPY shows one screen without scrolling, so pick out a loop or two (fewer elements, shorter labels) and make a link from those.`,
    );
  }
}

/** Where LOOPY v1.1 lives; links open the model there. */
export const LOOPY_URL = 'https://ncase.me/loopy/v1.1/';

/**
 * The longest link made. Browsers take far longer ones, but web servers commonly refuse
 * request lines over 8 KB (nginx's default buffer, for one), and a link that long is already
 * more than LOOPY's single screen can show sensibly.
 */
export const LOOPY_URL_MAX = 8000;

/** The most text read as LOOPY data: a hostile paste must not stall the page parsing it. */
const INPUT_MAX = 1_000_000;
/** The most problems reported for one model. */
const ERRORS_MAX = 50;
/**
 * The farthest from the origin a position may be, in LOOPY units. LOOPY's screen is about a
 * thousand across; a model placing things millions away is damaged, and would wreck the map's view.
 */
const COORDINATE_MAX = 1_000_000;

/**
 * Map units per LOOPY unit. LOOPY's circles are 120 across and sit 150–250 apart; our
 * elements are 200 × 90 boxes, so LOOPY's spacing times this keeps boxes apart as circles were.
 */
const SCALE = 1.75;

/** LOOPY's circle radius (`Node.DEFAULT_RADIUS`), for spotting circles that would overlap. */
const NODE_RADIUS = 60;
/** LOOPY's default bend for an arrow (`Edge` config `arc: 100`). */
const ARC = 100;
/**
 * LOOPY has no delay mark; its sidebar says "to make a delayed relationship, draw longer
 * arrows", as a signal's travel time grows with the arrow's length. A more bent arrow is longer.
 */
const DELAYED_ARC = 220;
/** Extra bend for each further arrow between the same two circles, so they do not overlap. */
const PARALLEL_ARC_STEP = 60;
/**
 * The box node centres are fitted into. LOOPY's canvas is the browser window less a 300 px
 * sidebar and a ~110 px play bar, with no scrolling or zoom while editing; on a laptop that
 * leaves about 1000 × 550, less a circle's radius and LOOPY's 25 px padding on each side.
 */
const FIT = { width: 820, height: 400 } as const;
/** Where the fitted map is centred; LOOPY re-centres a model on load anyway. */
const CENTRE = { x: 500, y: 300 } as const;
/** LOOPY's default start amount (`Node.defaultValue`). */
const START_AMOUNT = 0.5;

/**
 * Each kind gets its own of LOOPY's six colours (0 red, 1 orange, 2 yellow, 3 green, 4 blue,
 * 5 purple), so kinds still read apart when played. Colours do not come back as kinds: people
 * colour LOOPY circles as they like.
 */
const KIND_HUES: Record<ElementKind, number> = { variable: 4, actor: 1, organisation: 5, intervention: 3, outcome: 0, note: 2 };

// --------------------------------------------------------------------------------------------
// Import

/**
 * Reads a LOOPY model: a share link (`https://ncase.me/loopy/v1.1/?data=[[[1,403,…`), just its
 * `?data=…` part, the data itself, or the text of a `.loopy` file. Circles become factors,
 * arrows connections (+ for strength 1, − for −1), free texts notes; positions are scaled to the
 * map's spacing. Every problem is reported with where it is, and nothing is returned unless
 * all is well.
 *
 * @example
 * const result = importLoopy(pastedLink, { newId, by: { ...actor, at: new Date().toISOString() } });
 * if (result.ok) addMapData(doc, placeMapData(readMap(doc), result.map), actor);
 * else show(result.errors); // [{ path: 'edges[3][1]', message: 'Arrow 4 points to circle 17, which is not in the model.' }]
 */
export function importLoopy(input: string, options: LoopyImportOptions): ImportResult<LoopyIssue> {
  if (input.length > INPUT_MAX) {
    return fail('', `This is ${count(input.length)} characters long, more than a LOOPY model could be (at most ${count(INPUT_MAX)} are read).`);
  }
  const json = loopyJson(input);
  if (typeof json !== 'string') return { ok: false, errors: [json] };

  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return fail(
      '',
      'The LOOPY data could not be read: it is cut short or has been changed. Copy the whole link again (in LOOPY: "save as link", then copy it all), or choose the .loopy file.',
    );
  }
  return readModel(data, options);
}

function fail(path: string, message: string): { ok: false; errors: LoopyIssue[] } {
  return { ok: false, errors: [{ path, message }] };
}

/** The JSON text of the model, from whichever form was given, or the problem with it. */
function loopyJson(input: string): string | LoopyIssue {
  let text = input.trim().replace(/^\uFEFF/, '');
  // Links pasted from email or chat often come wrapped in <…>.
  if (text.startsWith('<') && text.endsWith('>')) text = text.slice(1, -1).trim();

  if (text.startsWith('[')) {
    // A .loopy file is JSON with real quotes; the data part of a link has them as %22.
    return text.includes('"') ? text : decodeData(text);
  }
  if (text.startsWith('{')) {
    return { path: '', message: 'This is JSON but not a LOOPY model: LOOPY saves a list, [circles, arrows, texts, …].' };
  }
  // LOOPY's own reading of its link (helpers.js `_getParameterByName`): up to the next & or #.
  const param = /(?:^|[?&])data=([^&#]*)/.exec(text);
  if (!param) {
    const isLink = /^https?:\/\//i.test(text) || text.startsWith('?');
    return {
      path: '',
      message: isLink
        ? 'This link holds no LOOPY model: it has no "data=" part. In LOOPY choose "save as link" and copy the link it gives.'
        : 'This is not a LOOPY link or file. Paste a link like https://ncase.me/loopy/v1.1/?data=[[[1,403,…, or choose a .loopy file.',
    };
  }
  if (param[1] === '') return { path: '', message: 'The link\'s "data=" part is empty, so it holds no model.' };
  return decodeData(param[1] as string);
}

/** The once-decoded data, as LOOPY's `_getParameterByName` gives it. */
function decodeData(data: string): string | LoopyIssue {
  try {
    return decodeURIComponent(data.replace(/\+/g, ' '));
  } catch {
    return { path: '', message: 'The link\'s data has a broken %-code, so it has been cut short or changed. Copy the whole link again.' };
  }
}

interface LoopyNode {
  /** Where it is in the data's list of circles. */
  index: number;
  id: string;
  x: number;
  y: number;
  label: string;
  hue: number | null;
  start: number | null;
}

function readModel(data: unknown, { newId, by }: LoopyImportOptions): ImportResult<LoopyIssue> {
  const errors: LoopyIssue[] = [];
  const warnings: LoopyIssue[] = [];
  const error = (path: string, message: string): void => {
    // One fault repeated through a large model should not make thousands of lines to read.
    if (errors.length < ERRORS_MAX) errors.push({ path, message });
    else if (errors.length === ERRORS_MAX) errors.push({ path: '', message: `There are more problems than these ${ERRORS_MAX}; fix these first.` });
  };

  if (!Array.isArray(data)) return fail('', 'This is not a LOOPY model: LOOPY saves a list [circles, arrows, texts, …].');
  const [rawNodes, rawEdges, rawLabels = []] = data as unknown[];
  for (const [value, path, what] of [
    [rawNodes, '[0]', 'circles'],
    [rawEdges, '[1]', 'arrows'],
    [rawLabels, '[2]', 'texts'],
  ] as const) {
    if (!Array.isArray(value)) return fail(path, `This is not a LOOPY model: its ${what} should be a list.`);
  }
  const nodeList = rawNodes as unknown[];
  const edgeList = rawEdges as unknown[];
  const labelList = rawLabels as unknown[];
  if (nodeList.length + labelList.length > MAP_LIMITS.elementsMax) {
    return fail('', `The model has ${count(nodeList.length)} circles and ${count(labelList.length)} texts; a map holds at most ${count(MAP_LIMITS.elementsMax)} elements.`);
  }
  if (edgeList.length > MAP_LIMITS.connectionsMax) {
    return fail('', `The model has ${count(edgeList.length)} arrows; a map holds at most ${count(MAP_LIMITS.connectionsMax)} connections.`);
  }

  // Circles.
  const nodes: LoopyNode[] = [];
  const indexById = new Map<string, number>();
  nodeList.forEach((raw, i) => {
    const path = `nodes[${i}]`;
    const name = `Circle ${i + 1}`;
    if (!Array.isArray(raw)) return error(path, `${name} should be a list [id, x, y, start amount, label, colour].`);
    const [id, x, y, start, label, hue] = raw as unknown[];
    let ok = true;
    const key = idKey(id);
    if (key === null) {
      error(`${path}[0]`, `${name} has no usable id (it should be a whole number).`);
      ok = false;
    } else if (indexById.has(key)) {
      error(`${path}[0]`, `${name} has the id ${key}, which circle ${(indexById.get(key) as number) + 1} has too; each circle needs its own.`);
      ok = false;
    } else {
      // Known even if the circle has other faults, so arrows to it are not reported as well.
      indexById.set(key, i);
    }
    for (const [value, at, what] of [
      [x, 1, 'x'],
      [y, 2, 'y'],
    ] as const) {
      const problem = coordinateProblem(value);
      if (problem) {
        error(`${path}[${at}]`, `${name}: ${what} ${problem}.`);
        ok = false;
      }
    }
    for (const [value, at, what] of [
      [start, 3, 'its start amount'],
      [hue, 5, 'its colour'],
    ] as const) {
      if (value !== undefined && value !== null && !isFiniteNumber(value)) {
        error(`${path}[${at}]`, `${name}: ${what} should be a number, not ${shown(value)}.`);
        ok = false;
      }
    }
    if (label !== undefined && typeof label !== 'string') {
      error(`${path}[4]`, `${name}: the label should be text, not ${shown(label)}.`);
      ok = false;
    }
    if (!ok) return;
    nodes.push({
      index: i,
      id: key as string,
      x: x as number,
      y: y as number,
      label: decodeText(typeof label === 'string' ? label : '', `${path}[4]`, name, warnings),
      hue: isFiniteNumber(hue) ? hue : null,
      start: isFiniteNumber(start) ? start : null,
    });
  });

  // Arrows: checked against the circles, so they come after them.
  const edges: { from: string; to: string; polarity: Polarity; index: number }[] = [];
  edgeList.forEach((raw, i) => {
    const path = `edges[${i}]`;
    const name = `Arrow ${i + 1}`;
    if (!Array.isArray(raw)) return error(path, `${name} should be a list [from, to, bend, strength, rotation].`);
    const [from, to, arc, strength, rotation] = raw as unknown[];
    let ok = true;
    const ends: string[] = [];
    for (const [value, at, what] of [
      [from, 0, 'comes from'],
      [to, 1, 'points to'],
    ] as const) {
      const key = idKey(value);
      if (key === null || !indexById.has(key)) {
        error(`${path}[${at}]`, `${name} ${what} ${key === null ? shown(value) : `circle ${key}`}, which is not in the model.`);
        ok = false;
      } else ends.push(key);
    }
    if (!isFiniteNumber(strength)) {
      error(`${path}[3]`, `${name}: the strength should be 1 or −1, not ${shown(strength)}.`);
      ok = false;
    }
    for (const [value, at, what] of [
      [arc, 2, 'the bend'],
      [rotation, 4, 'the rotation'],
    ] as const) {
      if (value !== undefined && value !== null && !isFiniteNumber(value)) {
        error(`${path}[${at}]`, `${name}: ${what} should be a number, not ${shown(value)}.`);
        ok = false;
      }
    }
    if (!ok) return;
    const sign = Math.sign(strength as number);
    if (sign === 0) warnings.push({ path: `${path}[3]`, message: `${name} has strength 0, which LOOPY never makes; it came in with polarity ?.` });
    edges.push({ from: ends[0] as string, to: ends[1] as string, polarity: sign > 0 ? '+' : sign < 0 ? '-' : '?', index: i });
  });

  // Free texts.
  const notes: { x: number; y: number; text: string; path: string }[] = [];
  labelList.forEach((raw, i) => {
    const path = `labels[${i}]`;
    const name = `Text ${i + 1}`;
    if (!Array.isArray(raw)) return error(path, `${name} should be a list [x, y, text].`);
    const [x, y, text] = raw as unknown[];
    let ok = true;
    for (const [value, at, what] of [
      [x, 0, 'x'],
      [y, 1, 'y'],
    ] as const) {
      const problem = coordinateProblem(value);
      if (problem) {
        error(`${path}[${at}]`, `${name}: ${what} ${problem}.`);
        ok = false;
      }
    }
    if (typeof text !== 'string') {
      error(`${path}[2]`, `${name}: the text should be text, not ${shown(text)}.`);
      ok = false;
    }
    if (!ok) return;
    notes.push({ x: x as number, y: y as number, text: decodeText(text as string, `${path}[2]`, name, warnings), path });
  });

  if (errors.length > 0) return { ok: false, errors };

  // The map.
  const elements: MapElement[] = [];
  const elementIds = new Map<string, string>();
  const element = (kind: ElementKind, label: string, description: string, x: number, y: number): MapElement => ({
    id: newId(),
    kind,
    label,
    description,
    tags: [],
    agency: '',
    x: Math.round(x * SCALE - ELEMENT_BOX.width / 2),
    y: Math.round(y * SCALE - ELEMENT_BOX.height / 2),
    groupId: null,
    created: { ...by },
    updated: { ...by },
  });

  for (const node of nodes) {
    const path = `nodes[${node.index}][4]`;
    // A label is one line on the map, as it was in LOOPY's circle.
    let label = node.label.replace(/\s+/g, ' ').trim();
    let description = '';
    if (label === '') {
      // The map needs a label to show and to name the element by; LOOPY allows none.
      label = `Circle ${node.index + 1}`;
      warnings.push({ path, message: `Circle ${node.index + 1} has no label; it came in as '${label}'.` });
    } else if (label.length > MAP_LIMITS.labelMax) {
      const whole = label;
      description = shorten(whole, MAP_LIMITS.descriptionMax);
      label = shorten(whole, MAP_LIMITS.labelMax);
      const kept = description === whole ? 'kept whole in the description' : `its first ${count(MAP_LIMITS.descriptionMax)} characters kept in the description`;
      warnings.push({
        path,
        message: `Circle ${node.index + 1}: the label '${shorten(whole, 40)}' is ${count(whole.length)} characters long; at most ${MAP_LIMITS.labelMax} fit, so it was shortened and ${kept}.`,
      });
    }
    const e = element('variable', label, description, node.x, node.y);
    elementIds.set(node.id, e.id);
    elements.push(e);
  }

  for (const note of notes) {
    const text = note.text.trim();
    if (text === '') continue; // LOOPY deletes a text left empty; one that is here says nothing.
    const { label, description, warning } = noteText(text);
    if (warning) warnings.push({ path: `${note.path}[2]`, message: warning });
    elements.push(element('note', label, description, note.x, note.y));
  }

  const connections: MapConnection[] = [];
  // LOOPY draws a stronger effect as several arrows between the same circles; the map has one
  // connection with a polarity, so repeats become one, said once.
  const seen = new Set<string>();
  const repeats: number[] = [];
  for (const edge of edges) {
    const key = `${edge.from}\u0000${edge.to}\u0000${edge.polarity}`;
    if (seen.has(key)) {
      repeats.push(edge.index + 1);
      continue;
    }
    seen.add(key);
    const from = elementIds.get(edge.from) as string;
    const to = elementIds.get(edge.to) as string;
    connections.push({ id: newId(), from, to, polarity: edge.polarity, delay: false, confidence: null, label: '', evidence: '', views: [], created: { ...by }, updated: { ...by } });
  }
  if (repeats.length > 0) {
    warnings.push({
      path: 'edges',
      message: `${numbered('Arrow', repeats)} repeat${repeats.length === 1 ? 's' : ''} an arrow between the same circles with the same sign (LOOPY's way of drawing a stronger effect); the map has one connection for each, so ${repeats.length === 1 ? 'it was' : 'they were'} not added again.`,
    });
  }

  const coloured = nodes.some((n) => n.hue !== null && n.hue !== nodes[0]?.hue);
  const started = nodes.some((n) => n.start !== null && n.start !== START_AMOUNT);
  if (coloured || started) {
    const what = [coloured ? 'colours' : '', started ? 'start amounts' : ''].filter(Boolean).join(' and ');
    warnings.push({ path: 'nodes', message: `The circles' ${what} have no place in the map, so they were not kept.` });
  }

  return { ok: true, map: { elements, connections, groups: [], loopNotes: [] }, warnings };
}

/** A node or edge end id as LOOPY keys it (object keys, so 3 and "3" are one), or null. */
function idKey(value: unknown): string | null {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (typeof value === 'string' && /^-?\d{1,15}$/.test(value)) return String(Number(value));
  return null;
}

/** What is wrong with a position, or null when nothing is. */
function coordinateProblem(value: unknown): string | null {
  if (!isFiniteNumber(value)) return `should be a number, not ${shown(value)}`;
  if (Math.abs(value) > COORDINATE_MAX) {
    return `is ${Math.abs(value) < 1e15 ? count(value) : value.toExponential(1)}, far off any screen (LOOPY's is about 1,000 across)`;
  }
  return null;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** A value as it appears in a message: short, and never the whole of a hostile string. */
function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return `'${shorten(value, 30)}'`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

/** LOOPY's second decoding of a text; text that is not %-encoded is kept as written. */
function decodeText(text: string, path: string, name: string, warnings: LoopyIssue[]): string {
  try {
    return decodeURIComponent(text);
  } catch {
    warnings.push({ path, message: `${name}: the text has a broken %-code, so it was kept exactly as written.` });
    return text;
  }
}

/** A note's label (its whole text when that fits) and the description holding the rest. */
function noteText(text: string): { label: string; description: string; warning: string | null } {
  if (text.length <= MAP_LIMITS.labelMax) return { label: text, description: '', warning: null };
  const firstLine = (text.split('\n')[0] as string).trim();
  const label = shorten(firstLine || text, MAP_LIMITS.labelMax);
  const cut = text.length > MAP_LIMITS.descriptionMax;
  const description = cut ? shorten(text, MAP_LIMITS.descriptionMax) : text;
  return {
    label,
    description,
    warning: cut
      ? `The text starting '${shorten(firstLine, 40)}' is ${count(text.length)} characters long; a note holds ${count(MAP_LIMITS.descriptionMax)}, so the end was cut.`
      : `The text starting '${shorten(firstLine, 40)}' is longer than a label (${MAP_LIMITS.labelMax} characters), so the note's label is its first line and its description the whole text.`,
  };
}

const count = (n: number): string => n.toLocaleString('en-GB');

/** "Arrow 4", "Arrows 4 and 9", "Arrows 4, 9, 12, 15, 20 and 31 more". */
function numbered(noun: string, numbers: readonly number[]): string {
  const shown = 5;
  if (numbers.length === 1) return `${noun} ${numbers[0]}`;
  if (numbers.length <= shown + 1) return `${noun}s ${numbers.slice(0, -1).join(', ')} and ${numbers[numbers.length - 1]}`;
  return `${noun}s ${numbers.slice(0, shown).join(', ')} and ${numbers.length - shown} more`;
}

// --------------------------------------------------------------------------------------------
// Export

/**
 * A link that opens the map in LOOPY v1.1, to play it: factors (and actors, organisations…)
 * become circles coloured by kind, notes become texts, connections arrows (+ strength 1,
 * − strength −1; delayed ones drawn longer, which is how LOOPY shows a delay), all fitted to
 * LOOPY's screen, which has no scrolling. What LOOPY cannot hold is listed in `warnings`:
 * connections with polarity ? (they go in as +), descriptions, tags, frames, loop notes and the
 * like.
 *
 * @throws LoopyLinkTooLongError when the link would be longer than `LOOPY_URL_MAX`.
 * @example
 * const { url, warnings } = loopyLink(readMap(doc));
 * // url: 'https://ncase.me/loopy/v1.1/?data=[[[1,412,276,0.5,%22Footfall%22,4],…%5D'
 */
export function loopyLink(map: MapData): LoopyLink {
  const warnings: LoopyIssue[] = [];
  const byId = new Map(map.elements.map((e) => [e.id, e]));
  const circles = map.elements.filter((e) => e.kind !== 'note');
  const texts = map.elements.filter((e) => e.kind === 'note');

  // Fit centres into LOOPY's screen, never spreading them wider than the map has them.
  const centre = (e: MapElement) => ({ x: e.x + ELEMENT_BOX.width / 2, y: e.y + ELEMENT_BOX.height / 2 });
  let [left, right, top, bottom] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const e of map.elements) {
    const c = centre(e);
    [left, right, top, bottom] = [Math.min(left, c.x), Math.max(right, c.x), Math.min(top, c.y), Math.max(bottom, c.y)];
  }
  const scale = Math.min(1 / SCALE, right > left ? FIT.width / (right - left) : Infinity, bottom > top ? FIT.height / (bottom - top) : Infinity);
  const place = (e: MapElement) => {
    const c = centre(e);
    return {
      x: Math.round(CENTRE.x + (c.x - (left + right) / 2) * scale),
      y: Math.round(CENTRE.y + (c.y - (top + bottom) / 2) * scale),
    };
  };

  const nodeIds = new Map<string, number>();
  const nodes = circles.map((e, i) => {
    const id = i + 1;
    nodeIds.set(e.id, id);
    const { x, y } = place(e);
    // A circle shows one line, so line breaks in a label become spaces.
    return [id, x, y, START_AMOUNT, loopyText(e.label.replace(/\s+/g, ' ').trim()), KIND_HUES[e.kind]] as const;
  });

  const unknown: MapConnection[] = [];
  const toNotes: MapConnection[] = [];
  const undirected: MapConnection[] = [];
  let dangling = 0;
  const parallel = new Map<string, number>();
  const edges: (readonly [number, number, number, number, number])[] = [];
  const arrow = (c: MapConnection, from: number, to: number) => {
    const pair = `${from}>${to}`;
    const before = parallel.get(pair) ?? 0;
    parallel.set(pair, before + 1);
    const arc = (c.delay ? DELAYED_ARC : ARC) + before * PARALLEL_ARC_STEP;
    // LOOPY writes a rotation (for self-loops) on every arrow; 0 is its default.
    edges.push([from, to, arc, c.polarity === '-' ? -1 : 1, 0]);
  };
  for (const c of map.connections) {
    const from = nodeIds.get(c.from);
    const to = nodeIds.get(c.to);
    if (from === undefined || to === undefined) {
      if (byId.has(c.from) && byId.has(c.to)) toNotes.push(c);
      else dangling++;
      continue;
    }
    const direction = connectionDirection(c);
    // A signal in LOOPY runs one way along an arrow, so a line with no direction cannot play.
    if (direction === 'undirected') {
      undirected.push(c);
      continue;
    }
    if (c.polarity === '?') unknown.push(c);
    arrow(c, from, to);
    // A mutual link is an effect each way: two arrows, as LOOPY would draw it.
    if (direction === 'mutual' && from !== to) arrow(c, to, from);
  }

  const labels = texts.map((e) => {
    const { x, y } = place(e);
    // A long text comes in as its first line for the label and the whole for the description
    // (see `noteText`); such a note goes back whole.
    const text = isWholeText(e) ? e.description : e.label;
    return [x, y, loopyText(text)] as const;
  });

  // LOOPY's `serialize`: JSON with only the quotes and the closing bracket %-encoded.
  const json = JSON.stringify([nodes, edges, labels, circles.length]);
  const url = `${LOOPY_URL}?data=${json.replace(/"/g, '%22').slice(0, -1)}%5D`;
  if (url.length > LOOPY_URL_MAX) throw new LoopyLinkTooLongError(url.length);

  if (circles.length === 0) {
    warnings.push({ path: 'elements', message: 'The map has no factors or other elements to make circles of (notes become texts), so there is nothing to play in LOOPY.' });
  }
  if (unknown.length > 0) {
    warnings.push({
      path: 'connections',
      message: `LOOPY has only + and − arrows, so ${unknown.length === 1 ? 'this connection with an unknown polarity (?) goes' : `these ${unknown.length} connections with an unknown polarity (?) go`} in as +: ${connectionNames(unknown, byId)}. Change ${unknown.length === 1 ? 'it' : 'them'} in LOOPY if ${unknown.length === 1 ? 'it works' : 'they work'} the other way.`,
    });
  }
  if (toNotes.length > 0) {
    warnings.push({
      path: 'connections',
      message: `LOOPY's texts cannot have arrows, so ${toNotes.length === 1 ? 'this connection to or from a note is' : `these ${toNotes.length} connections to or from notes are`} left out: ${connectionNames(toNotes, byId)}.`,
    });
  }
  if (undirected.length > 0) {
    warnings.push({
      path: 'connections',
      message: `LOOPY's arrows each run one way, so ${undirected.length === 1 ? 'this undirected connection is' : `these ${undirected.length} undirected connections are`} left out: ${connectionNames(undirected, byId)}. Give ${undirected.length === 1 ? 'it' : 'them'} a direction to play ${undirected.length === 1 ? 'it' : 'them'}.`,
    });
  }
  if (dangling > 0) {
    warnings.push({ path: 'connections', message: `${dangling} connection${dangling === 1 ? '' : 's'} with an end missing from the map ${dangling === 1 ? 'is' : 'are'} left out.` });
  }
  const lost = notCarried(map);
  if (lost.length > 0) {
    warnings.push({ path: '', message: `LOOPY has no place for ${listed(lost)}; the link leaves them out (the map keeps them).` });
  }
  const overlapping = overlaps(nodes.map(([, x, y]) => ({ x, y })));
  if (overlapping > 0) {
    warnings.push({
      path: 'elements',
      message: `To fit LOOPY's screen, ${overlapping} circle${overlapping === 1 ? ' overlaps' : 's overlap'} another. Drag them apart in LOOPY, or make the link from fewer elements.`,
    });
  }
  return { url, warnings };
}

/** Whether a note's description is the whole of a text its label begins (as `noteText` makes it). */
function isWholeText(note: MapElement): boolean {
  const { label, description } = note;
  if (description.length <= label.length) return false;
  const shortened = label.endsWith('…') && description.startsWith(label.slice(0, -1));
  const firstLine = description.includes('\n') && (description.split('\n')[0] as string).trim() === label;
  return shortened || firstLine;
}

/** Text as LOOPY stores it in its data: URL-encoded twice. */
function loopyText(text: string): string {
  return encodeURIComponent(encodeURIComponent(text));
}

/** "'A' → 'B', 'C' → 'D' and 3 more". */
function connectionNames(connections: readonly MapConnection[], byId: ReadonlyMap<string, MapElement>): string {
  const shown = 3;
  const name = (c: MapConnection) => `'${shorten(byId.get(c.from)?.label ?? '?', 40)}' → '${shorten(byId.get(c.to)?.label ?? '?', 40)}'`;
  const names = connections.slice(0, shown).map(name);
  if (connections.length > shown) names.push(`${connections.length - shown} more`);
  return listed(names);
}

/** What the map holds that a LOOPY link cannot, as words for a person. */
function notCarried(map: MapData): string[] {
  const lost: string[] = [];
  const some = <T>(items: readonly T[], test: (item: T) => boolean) => items.some(test);
  // A note whose description is its whole text goes to LOOPY whole (see `loopyLink`).
  if (some(map.elements, (e) => e.description.trim() !== '' && !(e.kind === 'note' && isWholeText(e)))) lost.push('descriptions');
  if (some(map.elements, (e) => e.tags.length > 0)) lost.push('tags');
  if (some(map.elements, (e) => e.agency.trim() !== '')) lost.push('agencies');
  if (some([...map.elements, ...map.connections], (item) => Object.keys(item.fields ?? {}).length > 0)) lost.push('custom fields');
  if (some(map.connections, (c) => c.label.trim() !== '')) lost.push('connection labels');
  if (some(map.connections, (c) => c.evidence.trim() !== '' || c.confidence !== null)) lost.push('evidence and confidence');
  if (some(map.connections, (c) => c.views.length > 0)) lost.push("agencies' polarity views");
  if (map.groups.length > 0) lost.push('frames');
  if (map.loopNotes.length > 0) lost.push('loop names and notes');
  return lost;
}

/** How many circles overlap another; a link's circles are few (the URL limit sees to it). */
function overlaps(centres: readonly { x: number; y: number }[]): number {
  let n = 0;
  centres.forEach((a, i) => {
    if (centres.some((b, j) => j !== i && Math.hypot(a.x - b.x, a.y - b.y) < 2 * NODE_RADIUS)) n++;
  });
  return n;
}

function listed(values: readonly string[]): string {
  if (values.length <= 1) return values.join('');
  return `${values.slice(0, -1).join(', ')} and ${values[values.length - 1]}`;
}

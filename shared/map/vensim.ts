/**
 * Causal loop diagrams from Vensim's text model files (.mdl), so the diagrams people drew in
 * Vensim (PLE is free and widely taught) come into a map with their layout.
 *
 * An .mdl file holds the equations, then from a line starting `\\\---///` the sketch: one
 * section per view, each a version line (`V300`, or `V364` from recent releases), a `*title`
 * line, a `$style` line and then one object a line, `type,id,…`, ids counting within the view;
 * `///---\\\` ends the sketches (settings follow). Objects read here (Vensim help, ".mdl Model
 * Files" → "Sketch Information" and "Objects"; xmutil's VensimView.cpp by Bob Eberlein, who
 * wrote Vensim; Simlin's mdl/view parser):
 *
 * ```text
 * 10,id,name,x,y,w,h,shape,bits,…    a variable. name may be "quoted" (\" inside); x, y its
 *                                    centre. bits & 1 clear: a shadow (ghost) of a variable
 *                                    defined elsewhere; shape & 32: the name of a flow, sitting
 *                                    on its valve.
 * 11,id,name,x,y,w,h,shape,…         a flow's valve; its flow variable usually has the next id.
 * 12,id,name,x,y,w,h,shape,bits,…    a comment, cloud, loop marker or picture. bits & 4: its
 *                                    text is the whole next line (which may start with digits).
 *                                    A cloud has name 48 and no text.
 * 1,id,from,to,shape,hid,pol,…       an arrow (also a flow's pipe, from the valve to a stock or
 *                                    cloud; shape 4 at the stock it fills, 100 at the one it
 *                                    drains). pol is the character code of the polarity mark:
 *                                    43 +, 45 −, 83/115 S (same), 79/48 O (opposite), 0 none;
 *                                    the mark itself (+, −) is read too.
 * ```
 *
 * Only the sketch is read: the equations say how much, the sketch what affects what, which is
 * what a causal loop map holds. The equations are only checked to be there, to tell an .mdl
 * file from other text. (So a pipe's direction comes from its shape, where xmutil, converting
 * a whole model, takes it from the stock's equation.) The file must be text already: the caller
 * decodes it (UTF-8 for files that start `{UTF-8}`; older ones were Windows-1252).
 */
import { shorten } from '../text.js';
import type { ImportResult } from './json.js';
import { MAP_LIMITS, type Attribution, type ElementKind, type MapConnection, type MapData, type MapElement, type Polarity } from './model.js';
import { ELEMENT_BOX } from './placement.js';

/** A problem in an .mdl file: `line` counts from 1 as text editors do; none for the whole file. */
export interface VensimIssue {
  line?: number;
  message: string;
}

export interface VensimImportOptions {
  /** Makes each element's and connection's id (`newId` from shared/ids.ts). */
  newId: () => string;
  /** Recorded as who created and last changed everything imported. */
  by: Attribution;
}

export const VENSIM_LIMITS = {
  /** The largest file read, in characters. Large published models (C-LEARN) are about 1.4 MB. */
  textMax: 10_000_000,
  /** The most lines read: a file of empty lines is small in bytes but not in work. */
  linesMax: 1_000_000,
} as const;

/** Where the sketch starts (repeated for each view) and where the sketches end. */
const SKETCH_START = '\\\\\\---///';
const SKETCH_END = '///---\\\\\\';
/** The sketch formats Vensim writes and xmutil reads. Others are tried, with a warning. */
const KNOWN_VERSIONS = new Set(['V300', 'V364']);

/**
 * Map units per Vensim sketch pixel. Vensim's words sit 100–150 px apart and are about 60 px
 * wide; our elements are 200 × 90 boxes, so twice the spacing keeps them as clear of each other.
 */
const SCALE = 2;
/** Room left between views, which are separate canvases in Vensim and sit side by side here (sketch pixels). */
const VIEW_GAP = 150;

/**
 * Vensim's clock and run settings appear in sketches as shadow variables (`<Time>`), but are
 * not factors of the system; xmutil leaves them out of views for the same reason.
 */
const CLOCK = new Set(['time', 'initial time', 'final time', 'time step', 'saveper']);

/** Polarity marks by character code, as xmutil and Simlin read them (S/O: same, opposite). */
const POLARITY_CODES: ReadonlyMap<number, Polarity> = new Map([
  [43, '+'], // +
  [45, '-'], // -
  [83, '+'], // S
  [115, '+'], // s
  [79, '-'], // O
  [111, '-'], // o (xmutil reads a lower-case s; o likewise)
  [48, '-'], // 0, typed for O (xmutil reads it so)
  [63, '?'], // ?
]);

// --------------------------------------------------------------------------------------------
// Reading the sketch

interface Place {
  view: number;
  /** Line number, from 1. */
  line: number;
  id: number;
  x: number;
  y: number;
}

type SketchObject =
  | (Place & { type: 'variable'; name: string; ghost: boolean; attached: boolean })
  | (Place & { type: 'valve' })
  | (Place & { type: 'comment'; text: string | null; shape: number; bits: number })
  | (Place & { type: 'other' });

interface SketchArrow {
  view: number;
  line: number;
  from: number;
  to: number;
  shape: number;
  /** The polarity field as written. */
  polarity: string;
}

interface View {
  title: string;
  line: number;
  objects: Map<number, SketchObject>;
  arrows: SketchArrow[];
}

class Issues {
  readonly errors: VensimIssue[] = [];
  readonly warnings: VensimIssue[] = [];

  error(line: number | undefined, message: string): void {
    // One fault repeated through a large model should not make thousands of lines to read.
    if (this.errors.length < ERRORS_MAX) this.errors.push(issue(line, message));
    else if (this.errors.length === ERRORS_MAX) this.errors.push(issue(undefined, `There are more problems than these ${ERRORS_MAX}; fix these first.`));
  }

  warn(line: number | undefined, message: string): void {
    this.warnings.push(issue(line, message));
  }
}

function issue(line: number | undefined, message: string): VensimIssue {
  return line === undefined ? { message } : { line, message: `Line ${line}: ${message}` };
}

/** Errors stop reading a file once there are this many: one mistake repeated should not give 10,000. */
const ERRORS_MAX = 50;

const INTEGER = /^-?\d{1,9}$/;
const NUMBER = /^-?\d{1,9}(\.\d+)?$/;

/** Reads the comma-separated fields of a sketch line in turn; a name may be "quoted". */
class Fields {
  private rest: string;

  constructor(
    text: string,
    private readonly line: number,
    private readonly issues: Issues,
  ) {
    this.rest = text;
  }

  /** A field that may be quoted, with \" for a quote inside; null (reported) when the quote is never closed. */
  name(): string | null {
    if (!this.rest.startsWith('"')) return this.next();
    let out = '';
    for (let i = 1; i < this.rest.length; i++) {
      const c = this.rest[i] as string;
      if (c === '\\' && this.rest[i + 1] === '"') {
        out += '"';
        i++;
      } else if (c === '"') {
        this.rest = this.rest.slice(this.rest[i + 1] === ',' ? i + 2 : i + 1);
        return out;
      } else out += c;
    }
    this.issues.error(this.line, 'a quoted name is never closed with ".');
    return null;
  }

  /** The next field as written ('' when the line has no more). */
  next(): string {
    const comma = this.rest.indexOf(',');
    const field = comma < 0 ? this.rest : this.rest.slice(0, comma);
    this.rest = comma < 0 ? '' : this.rest.slice(comma + 1);
    return field.trim();
  }

  /** The next field as a number, or null (reported) when it is not one. */
  number(what: string, pattern = NUMBER): number | null {
    const field = this.next();
    if (pattern.test(field)) return Number(field);
    this.issues.error(this.line, `${what} should be a ${pattern === INTEGER ? 'whole number' : 'number'}, not ${field === '' ? 'missing' : `'${shorten(field, 20)}'`}.`);
    return null;
  }
}

function readSketch(lines: readonly string[], start: number, issues: Issues): View[] {
  const views: View[] = [];
  let view: View | null = null;
  let skipped: number | null = null;
  let others = 0;

  for (let i = start; i < lines.length && issues.errors.length <= ERRORS_MAX; i++) {
    const text = lines[i] as string;
    const line = i + 1;
    if (text.startsWith(SKETCH_END)) break;
    if (text.startsWith(SKETCH_START)) {
      const version = /^V\d+/.exec(lines[i + 1] ?? '')?.[0];
      if (version === undefined) {
        issues.error(line + 1, "the sketch should go on with a version line such as 'V300'; this file's sketch cannot be read.");
        break;
      }
      if (!KNOWN_VERSIONS.has(version)) {
        issues.warn(line + 1, `the sketch is in format ${version}, which this import has not met before (it knows V300 and V364); check the map it makes.`);
      }
      i++;
      // The view's name comes next ("*View 1"); older files may leave it out.
      const title = (lines[i + 1] ?? '').startsWith('*') ? (lines[++i] as string).slice(1).trim() : '';
      view = { title: title || `View ${views.length + 1}`, line, objects: new Map(), arrows: [] };
      views.push(view);
      continue;
    }
    if (view === null) continue;
    if (text.startsWith('$') || text.trim() === '') continue; // the view's fonts and colours

    const head = /^(\d{1,4}),(-?\d{1,9}),(.*)$/.exec(text);
    if (!head) {
      skipped ??= line;
      continue;
    }
    const type = Number(head[1]);
    const id = Number(head[2]);
    const fields = new Fields(head[3] as string, line, issues);
    const here = { view: views.length - 1, line, id };

    if (type === 1) {
      const from = fields.number('the arrow\'s start', INTEGER);
      const to = fields.number('the arrow\'s end', INTEGER);
      const shape = Number(fields.next()) || 0;
      fields.next(); // hidden
      const polarity = fields.next();
      if (from !== null && to !== null) view.arrows.push({ view: here.view, line, from, to, shape, polarity });
      continue;
    }

    let object: SketchObject | null = null;
    if (type === 10 || type === 11 || type === 12) {
      const name = fields.name();
      if (name === null) continue;
      const x = fields.number('x');
      const y = fields.number('y');
      if (x === null || y === null) continue;
      fields.next(); // width
      fields.next(); // height
      const shape = Number(fields.next()) || 0;
      const bits = Number(fields.next()) || 0;
      if (type === 10) {
        // The sketch names a shadow variable plainly; a hand-edited file may write <name>.
        const bracketed = /^<(.*)>$/.exec(name.trim());
        object = { ...here, x, y, type: 'variable', name: bracketed ? (bracketed[1] as string) : name, ghost: bracketed !== null || (bits & 1) === 0, attached: (shape & 32) !== 0 };
      } else if (type === 11) {
        object = { ...here, x, y, type: 'valve' };
      } else {
        let text: string | null = null;
        if (bits & 4) {
          // The text is the whole next line, whatever it starts with.
          if (i + 1 >= lines.length) {
            issues.error(line, "the comment's text should be on the next line, but the file ends here.");
            break;
          }
          text = lines[++i] as string;
        } else if (name.trim() !== '' && !/^-?\d+$/.test(name.trim())) {
          text = name;
        }
        object = { ...here, x, y, type: 'comment', text, shape, bits };
      }
    } else {
      // Pictures (30, 31) and objects of later versions: kept so arrows to them resolve.
      others++;
      object = { ...here, x: 0, y: 0, type: 'other' };
    }

    const earlier = view.objects.get(id);
    if (earlier) {
      issues.error(line, `object ${id} is also object ${id} on line ${earlier.line}, in the same view ('${view.title}'); each object in a view needs its own number.`);
      continue;
    }
    view.objects.set(id, object);
  }

  if (skipped !== null) issues.warn(skipped, 'this line (and any like it) is not a sketch object Vensim writes, so it was skipped.');
  if (others > 0) issues.warn(undefined, `${others} picture${others === 1 ? '' : 's'} or other sketch object${others === 1 ? ' was' : 's were'} skipped: a map has no place for ${others === 1 ? 'it' : 'them'}.`);
  return views;
}

// --------------------------------------------------------------------------------------------
// Import

/**
 * Reads a Vensim model's sketch into a new map: each variable becomes a factor at its place in
 * the sketch (a variable shown several times, as shadow variables or in several views, becomes
 * one), each arrow a connection with its polarity (+, − or, with no mark, ?), each comment a
 * note. Views sit in rows, side by side. A flow's pipe becomes a connection from the flow to its stock
 * (+ into it, − out of it). Every problem is reported with its line number, and nothing is
 * returned unless all is well.
 *
 * @example
 * const result = importVensim(await file.text(), { newId, by: { ...actor, at: new Date().toISOString() } });
 * if (!result.ok) show(result.errors); // [{ line: 212, message: "Line 212: the arrow's end is object 31, which is not in view 'View 1'." }]
 */
export function importVensim(text: string, options: VensimImportOptions): ImportResult<VensimIssue> {
  const issues = new Issues();
  if (text.length > VENSIM_LIMITS.textMax) {
    return fail(`This file is ${count(text.length)} characters long; the largest model read is ${count(VENSIM_LIMITS.textMax)}.`);
  }
  if (text.includes('\u0000')) {
    return fail("This is not a text file. Vensim's binary models (.vpmx, .vpm, .vmf) cannot be read: in Vensim choose File → Save As and pick the text format (.mdl).");
  }
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  if (lines.length > VENSIM_LIMITS.linesMax) {
    return fail(`This file has ${count(lines.length)} lines; the most read is ${count(VENSIM_LIMITS.linesMax)}.`);
  }

  const start = lines.findIndex((line) => line.startsWith(SKETCH_START));
  const equations = start < 0 ? lines : lines.slice(0, start);
  // Every equation ends "~ units ~ comment |"; Vensim writes at least the run settings.
  const hasEquations = equations.some((line) => line.includes('~'));
  if (start < 0) {
    const head = text.slice(0, 2000);
    if (/<\?xml|<xmile/i.test(head)) return fail("This is an XMILE model (XML, from Stella, iThink or Vensim's XMILE export), not an .mdl file; only Vensim's .mdl files are read.");
    if (hasEquations) {
      return fail("This Vensim model has no sketch: the part starting '\\\\\\---/// Sketch information' is missing, and the map is made from the sketch. Open the model in Vensim, check its view shows the diagram, and save it again as .mdl.");
    }
    return fail("This is not a Vensim model: an .mdl file holds the model's equations and then its sketch, starting with the line '\\\\\\---/// Sketch information'.");
  }
  if (!hasEquations && !/^\s*\{UTF-8\}/.test(equations.find((line) => line.trim() !== '') ?? '')) {
    return fail("This does not look like a Vensim .mdl file: the sketch should follow the model's equations (each ending '~ units ~ comment |'), and there are none.");
  }

  const views = readSketch(lines, start, issues);
  if (issues.errors.length > 0) return { ok: false, errors: issues.errors };
  const built = buildMap(views, options, issues);
  if (issues.errors.length > 0 || built === null) return { ok: false, errors: issues.errors };
  return { ok: true, map: built, warnings: issues.warnings };
}

function fail(message: string, line?: number): ImportResult<VensimIssue> {
  return { ok: false, errors: [issue(line, message)] };
}

/** One element of the map, made from every appearance of a variable in the sketch. */
interface Variable {
  /** The appearance that gives its name and place: where it is defined, else the first. */
  primary: Extract<SketchObject, { type: 'variable' }>;
  defined: boolean;
  element: MapElement | null;
}

/** Vensim's names ignore case, and spaces and underscores are the same; runs of either are one. */
function canonical(name: string): string {
  return name.replace(/[\s_]+/g, ' ').trim().toLowerCase();
}

function buildMap(views: readonly View[], { newId, by }: VensimImportOptions, issues: Issues): MapData | null {
  // Variables, merged by name across shadows and views.
  const variables = new Map<string, Variable>();
  const clock = new Map<string, string>(); // canonical name → as first written
  for (const view of views) {
    for (const object of view.objects.values()) {
      if (object.type !== 'variable') continue;
      const key = canonical(object.name);
      if (key === '') {
        issues.error(object.line, 'the variable has no name.');
        continue;
      }
      if (CLOCK.has(key)) {
        if (!clock.has(key)) clock.set(key, object.name.trim());
        continue;
      }
      const known = variables.get(key);
      if (!known) variables.set(key, { primary: object, defined: !object.ghost, element: null });
      else if (!known.defined && !object.ghost) {
        known.primary = object;
        known.defined = true;
      }
    }
  }
  if (issues.errors.length > 0) return null;

  // Notes: comments with words, but not Vensim's loop markers (the map marks loops itself).
  const notes: Extract<SketchObject, { type: 'comment' }>[] = [];
  const markers: string[] = [];
  let graphs = 0;
  for (const view of views) {
    for (const object of view.objects.values()) {
      if (object.type !== 'comment' || object.text === null || object.text.trim() === '') continue;
      // Loop markers are comments of shape 4 or 5 holding "R" or "B" (Vensim's SIR sample).
      if ((object.shape === 4 || object.shape === 5) && object.text.trim().length <= 3) markers.push(object.text.trim());
      // Custom graphs and other output objects carry bit 32 with their title as text (C-LEARN).
      else if (object.bits & 32) graphs++;
      else notes.push(object);
    }
  }

  const total = variables.size + notes.length;
  if (total > MAP_LIMITS.elementsMax) {
    issues.error(undefined, `The sketch has ${count(variables.size)} variables and ${count(notes.length)} comments; a map holds at most ${count(MAP_LIMITS.elementsMax)} elements. Import the model in parts (save a copy with fewer views).`);
    return null;
  }

  const shifts = viewShifts(views, [...[...variables.values()].map((v) => v.primary), ...notes]);
  const at = (object: Place) => {
    const shift = shifts[object.view] as { x: number; y: number };
    return {
      x: Math.round((object.x + shift.x) * SCALE - ELEMENT_BOX.width / 2),
      y: Math.round((object.y + shift.y) * SCALE - ELEMENT_BOX.height / 2),
    };
  };
  const element = (kind: ElementKind, label: string, description: string, place: Place): MapElement => ({
    id: newId(),
    kind,
    label,
    description,
    tags: [],
    agency: '',
    ...at(place),
    groupId: null,
    created: { ...by },
    updated: { ...by },
  });

  const elements: MapElement[] = [];
  let unreadable: number | null = null;
  for (const variable of variables.values()) {
    const { primary } = variable;
    // Vensim reads an underscore as a space; a label reads better with the space.
    const name = primary.name.replace(/[\s_]+/g, ' ').trim();
    if (name.includes('\uFFFD')) unreadable ??= primary.line;
    let label = name;
    let description = '';
    if (name.length > MAP_LIMITS.labelMax) {
      label = shorten(name, MAP_LIMITS.labelMax);
      description = shorten(name, MAP_LIMITS.descriptionMax);
      const kept = description === name ? 'kept whole in the description' : `its first ${count(MAP_LIMITS.descriptionMax)} characters kept in the description`;
      issues.warn(primary.line, `the name '${shorten(name, 40)}' is ${count(name.length)} characters long; at most ${MAP_LIMITS.labelMax} fit in a label, so it was shortened and ${kept}.`);
    }
    variable.element = element('variable', label, description, primary);
    elements.push(variable.element);
  }
  for (const note of notes) {
    const text = (note.text as string).trim();
    if (text.includes('\uFFFD')) unreadable ??= note.line;
    const { label, description, cut } = noteText(text);
    if (cut) issues.warn(note.line, `the comment is ${count(text.length)} characters long; a note holds ${count(MAP_LIMITS.descriptionMax)}, so the end was cut.`);
    elements.push(element('note', label, description, note));
  }
  if (unreadable !== null) {
    issues.warn(unreadable, "some names hold characters that could not be read (shown as �). The file may be in an older encoding: open it in a recent Vensim and save it again, which writes UTF-8.");
  }

  const connections = buildConnections(views, variables, { newId, by }, issues);
  if (connections === null) return null;

  if (clock.size > 0) {
    const names = [...clock.values()];
    issues.warn(
      undefined,
      names.length === 1
        ? `${quotedList(names)} is one of Vensim's clock and run settings, not a factor of the system, so it was left out with its arrows.`
        : `${quotedList(names)} are Vensim's clock and run settings, not factors of the system, so they were left out with their arrows.`,
    );
  }
  if (markers.length > 0) {
    issues.warn(undefined, `${markers.length === 1 ? "The loop marker" : `The ${markers.length} loop markers`} (${quotedList([...new Set(markers)])}) ${markers.length === 1 ? 'was' : 'were'} not brought in: the map finds its loops and can mark each one (R1, B2) itself.`);
  }
  if (graphs > 0) {
    issues.warn(undefined, `${graphs} graph${graphs === 1 ? '' : 's'} or other output object${graphs === 1 ? ' was' : 's were'} skipped: a map has no place for ${graphs === 1 ? 'it' : 'them'}.`);
  }
  return { elements, connections, groups: [], loopNotes: [] };
}

/**
 * How far each view moves so that views, separate canvases in Vensim, sit in rows here (as
 * near square as the count allows: large models have a hundred views), none overlapping.
 */
function viewShifts(views: readonly View[], placed: readonly Place[]): { x: number; y: number }[] {
  const boxes = views.map(() => ({ left: Infinity, right: -Infinity, top: Infinity, bottom: -Infinity }));
  for (const p of placed) {
    const box = boxes[p.view] as (typeof boxes)[number];
    box.left = Math.min(box.left, p.x);
    box.right = Math.max(box.right, p.x);
    box.top = Math.min(box.top, p.y);
    box.bottom = Math.max(box.bottom, p.y);
  }
  const used = boxes.filter((box) => Number.isFinite(box.left));
  const columns = Math.max(1, Math.ceil(Math.sqrt(used.length)));
  let column = 0;
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  let origin: { x: number; y: number } | null = null;
  return boxes.map((box) => {
    if (!Number.isFinite(box.left)) return { x: 0, y: 0 };
    // The first view stays where Vensim has it; the others line up from its top-left.
    origin ??= { x: box.left, y: box.top };
    if (column === columns) {
      column = 0;
      x = 0;
      y += rowHeight + VIEW_GAP;
      rowHeight = 0;
    }
    const shift = { x: origin.x + x - box.left, y: origin.y + y - box.top };
    x += box.right - box.left + VIEW_GAP;
    rowHeight = Math.max(rowHeight, box.bottom - box.top);
    column++;
    return shift;
  });
}

function buildConnections(
  views: readonly View[],
  variables: ReadonlyMap<string, Variable>,
  { newId, by }: VensimImportOptions,
  issues: Issues,
): MapConnection[] | null {
  const connections: MapConnection[] = [];
  const seen = new Set<string>();
  const odd = new Map<string, number>(); // polarity marks that are none of + − S O ?, and the first line
  let pipes = 0;
  let unsureFlows = 0;
  let toComments: number | null = null;
  let toCommentCount = 0;

  for (const view of views) {
    const flowOfValve = valveFlows(view);
    /** The variable an arrow end stands for; null when it is none (a cloud, a comment, the clock). */
    const ends = (arrow: SketchArrow, id: number, which: 'start' | 'end'): Variable | null | undefined => {
      const object = view.objects.get(id);
      if (!object) {
        issues.error(arrow.line, `the arrow's ${which} is object ${id}, which is not in view '${view.title}'.`);
        return undefined;
      }
      const variable = object.type === 'valve' ? flowOfValve.get(id) : object.type === 'variable' ? object : null;
      return variable ? (variables.get(canonical(variable.name)) ?? null) : null;
    };

    for (const arrow of view.arrows) {
      const fromObject = view.objects.get(arrow.from);
      const from = ends(arrow, arrow.from, 'start');
      const to = ends(arrow, arrow.to, 'end');
      if (from === undefined || to === undefined) continue;
      const toObject = view.objects.get(arrow.to) as SketchObject;
      const clockEnd = [fromObject, toObject].some((o) => o?.type === 'variable' && CLOCK.has(canonical(o.name)));
      if (clockEnd) continue;

      let polarity: Polarity;
      if (fromObject?.type === 'valve' && toObject.type !== 'valve') {
        // A pipe: it runs from the valve to a stock (or a cloud, outside the model). The end
        // that receives the flow has shape 4 and the end it leaves shape 100, in Vensim's own
        // sample and help; the equations, not read here, are the last word.
        if (toObject.type !== 'variable' || from === null || to === null) continue;
        polarity = arrow.shape === 4 ? '+' : arrow.shape === 100 ? '-' : '?';
        if (polarity === '?') unsureFlows++;
        pipes++;
      } else {
        if (from === null || to === null) {
          if (toObject.type === 'comment' || fromObject?.type === 'comment' || toObject.type === 'other' || fromObject?.type === 'other') {
            toComments ??= arrow.line;
            toCommentCount++;
          }
          continue;
        }
        // An arrow into a flow's valve is an arrow into the flow: the same element at both ends
        // only when a flow's own valve was drawn pointing at it.
        if (from === to && (fromObject?.type === 'valve' || toObject.type === 'valve')) continue;
        const mark = markPolarity(arrow.polarity);
        if (mark === null) polarity = '?';
        else if (typeof mark === 'string') polarity = mark;
        else {
          polarity = '?';
          if (!odd.has(mark.shown)) odd.set(mark.shown, arrow.line);
        }
      }

      const fromId = (from.element as MapElement).id;
      const toId = (to.element as MapElement).id;
      // The same link drawn again (between shadows, or in another view) is still one link.
      const key = `${fromId}\u0000${toId}\u0000${polarity}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (connections.length >= MAP_LIMITS.connectionsMax) {
        issues.error(arrow.line, `by this arrow the sketch has more than ${count(MAP_LIMITS.connectionsMax)} connections, the most a map holds.`);
        return null;
      }
      connections.push({ id: newId(), from: fromId, to: toId, polarity, delay: false, confidence: null, label: '', evidence: '', views: [], created: { ...by }, updated: { ...by } });
    }
  }
  if (issues.errors.length > 0) return null;

  for (const [shown, line] of odd) {
    issues.warn(line, `an arrow's polarity mark is '${shown}', which is not +, −, S or O; arrows marked so came in with polarity ?.`);
  }
  if (pipes > 0) {
    issues.warn(
      undefined,
      `${pipes === 1 ? 'A flow pipe became a connection' : `${pipes} flow pipes became connections`} from the flow to its stock (+ into the stock, − out of it), as the sketch draws ${pipes === 1 ? 'it' : 'them'}` +
        (unsureFlows > 0 ? `; for ${unsureFlows} the sketch does not say which way the flow runs, so the polarity is ?` : '') +
        `. Check ${pipes === 1 ? 'it' : 'them'} against the model's equations.`,
    );
  }
  if (toComments !== null) {
    issues.warn(toComments, `${toCommentCount} arrow${toCommentCount === 1 ? '' : 's'} to or from comments or pictures ${toCommentCount === 1 ? 'was' : 'were'} left out: connections join factors.`);
  }
  return connections;
}

/**
 * Each valve's flow variable: the one with the next id, as Vensim writes them, else the nearest
 * flow name (shape bit 32) in the view not already paired, as Simlin does for files other
 * programs wrote.
 */
function valveFlows(view: View): Map<number, Extract<SketchObject, { type: 'variable' }>> {
  const flows = new Map<number, Extract<SketchObject, { type: 'variable' }>>();
  const paired = new Set<number>();
  const unpaired: Extract<SketchObject, { type: 'valve' }>[] = [];
  for (const object of view.objects.values()) {
    if (object.type !== 'valve') continue;
    const next = view.objects.get(object.id + 1);
    if (next?.type === 'variable' && next.attached && !paired.has(next.id)) {
      flows.set(object.id, next);
      paired.add(next.id);
    } else unpaired.push(object);
  }
  for (const valve of unpaired) {
    let best: Extract<SketchObject, { type: 'variable' }> | null = null;
    let bestDistance = Infinity;
    for (const object of view.objects.values()) {
      if (object.type !== 'variable' || !object.attached || paired.has(object.id)) continue;
      const d = Math.hypot(object.x - valve.x, object.y - valve.y);
      if (d < bestDistance) {
        best = object;
        bestDistance = d;
      }
    }
    if (best) {
      flows.set(valve.id, best);
      paired.add(best.id);
    }
  }
  return flows;
}

/** An arrow's polarity field: a polarity, null for no mark, or a mark this import does not know. */
function markPolarity(field: string): Polarity | null | { shown: string } {
  if (field === '' || field === '0') return null;
  if (/^\d{1,3}$/.test(field)) {
    const code = Number(field);
    const known = POLARITY_CODES.get(code);
    if (known) return known;
    return { shown: code >= 33 && code <= 126 ? String.fromCharCode(code) : `code ${code}` };
  }
  // The mark itself rather than its code, as some files have it.
  const known = POLARITY_CODES.get(field.length === 1 ? field.charCodeAt(0) : -1);
  if (known && field !== '0') return known;
  return { shown: shorten(field, 10) };
}

// --------------------------------------------------------------------------------------------
// Text

/** A note's label (its whole text when that fits) and a description holding the whole. */
function noteText(text: string): { label: string; description: string; cut: boolean } {
  if (text.length <= MAP_LIMITS.labelMax) return { label: text, description: '', cut: false };
  const firstLine = (text.split('\n')[0] as string).trim();
  const cut = text.length > MAP_LIMITS.descriptionMax;
  return { label: shorten(firstLine || text, MAP_LIMITS.labelMax), description: cut ? shorten(text, MAP_LIMITS.descriptionMax) : text, cut };
}

const count = (n: number): string => n.toLocaleString('en-GB');

function quotedList(values: readonly string[]): string {
  const shown = values.slice(0, 5).map((v) => `'${shorten(v, 40)}'`);
  if (values.length > 5) shown.push(`${values.length - 5} more`);
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

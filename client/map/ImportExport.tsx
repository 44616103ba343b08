/**
 * Getting maps in and out: Kumu's formats (CSV sheets, the .xlsx workbook, JSON blueprints) and
 * our JSON both ways, and pictures people can hand out — an SVG drawn from the map's data
 * (`renderMapSvg`), a PNG of it at 1×, 2× or 4×, and a print view on a landscape A4 or A3 page —
 * of the whole map or the current view.
 *
 * Imports are checked completely before anything is written, and every problem is reported with
 * its sheet, row and column (or JSON path), so nothing half-imports. When the map already holds
 * some of what a file holds (the same label and kind, as Kumu matches), people choose between
 * updating those elements and adding everything as new, after a summary of what was read.
 */
import { useReactFlow } from '@xyflow/react';
import { memo, useEffect, useId, useRef, useState } from 'react';
import { newId } from '../../shared/ids.js';
import { addMapData, applyMapMerge, type Actor } from '../../shared/map/doc.js';
import { exportMapJson, importMapJson, type ImportResult } from '../../shared/map/json.js';
import {
  decodeCsv,
  exportKumuCsv,
  exportKumuXlsx,
  importKumuBlueprint,
  importKumuCsv,
  importKumuXlsx,
  isKumuBlueprint,
  kumuCsvSheet,
  type KumuImportOptions,
  type KumuImportSummary,
  type SheetName,
} from '../../shared/map/kumuCsv.js';
import { detectMapFormat, importMapFile, type MapFileImport } from '../../shared/map/importFile.js';
import { planKumuMerge, type KumuMergePlan } from '../../shared/map/kumuMerge.js';
import { loopyLink, LoopyLinkTooLongError } from '../../shared/map/loopy.js';
import { KUMU_TYPE_FIELD } from '../../shared/map/kumuVocabulary.js';
import { ELEMENT_KIND_LABELS, type MapData } from '../../shared/map/model.js';
import { placeMapData } from '../../shared/map/placement.js';
import { renderMapSvg, type RenderMapSvgOptions } from '../../shared/map/svg.js';
import { useRoomConnection } from '../room/RoomProvider.js';
import { download, fileBase } from '../ui/download.js';
import { PAPER_SIZES, PNG_SCALES, printSvg, svgToPng, type PaperSize, type PngScale } from './mapPicture.js';

/** How many problems are listed before "and N more". */
const SHOWN_ISSUES = 20;
/** Larger files are refused before they are read: a map's limits are reached well before. */
const MAX_FILE_BYTES = 25 * 1024 * 1024;
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

type PictureScope = 'map' | 'view';
/** `shown`: the loops whose marker is switched on in the loops panel, as on the canvas. */
type LoopMarkers = 'shown' | 'none' | 'named' | 'all';

type Outcome = { kind: 'ok'; message: string; summary?: string[]; warnings: string[] } | { kind: 'error'; message: string; issues: string[] } | null;

function describe<I extends { message: string }>(result: ImportResult<I>): string[] {
  const issues = result.ok ? result.warnings : result.errors;
  return issues.map((i) => i.message);
}

// --------------------------------------------------------------------------------------------
// Reading the chosen files

type Picked = { name: string; bytes: Uint8Array };

/** What the chosen files hold, read and checked, or why they could not be. */
type Read =
  | { ok: true; source: string; map: MapData; warnings: string[]; summary: string[] }
  | { ok: false; message: string; issues: string[] };

const extension = (name: string) => name.slice(name.lastIndexOf('.') + 1).toLowerCase();
const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
const NOTHING_IMPORTED = 'Nothing was imported. Fix these problems in the file and try again:';

/**
 * Reads the chosen files with the importer their kind needs: the one place that knows the
 * formats, so adding one (LOOPY, Vensim) is a case here. A workbook or a JSON file comes on its
 * own; CSV files are Kumu's sheets (Elements, Connections, Loops, any of them), told apart by
 * their first rows, so they can be chosen together in any order.
 */
async function readFiles(files: readonly Picked[], options: KumuImportOptions): Promise<Read> {
  const fail = (message: string, issues: string[] = []): Read => ({ ok: false, message, issues });
  const big = files.find((f) => f.bytes.length > MAX_FILE_BYTES);
  if (big) return fail(`${big.name} is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB, more than a map can hold. Split it into smaller maps.`);
  const kinds = new Set(files.map((f) => extension(f.name)));
  const alone = (what: string) => fail(`Choose the ${what} on its own: it holds the whole map.`);

  if (kinds.has('xlsx')) {
    if (files.length > 1) return alone('workbook (.xlsx)');
    return fromKumu('the workbook', await importKumuXlsx((files[0] as Picked).bytes, options), []);
  }
  if (kinds.has('json')) {
    if (files.length > 1) return alone('JSON file');
    const text = new TextDecoder().decode((files[0] as Picked).bytes);
    let value: unknown = null;
    try {
      value = JSON.parse(text);
    } catch {
      // Our own importer says what is wrong with it.
    }
    if (isKumuBlueprint(value)) return fromKumu('the blueprint', importKumuBlueprint(text, options), []);
    const result = importMapJson(text, { newId: options.newId });
    return result.ok ? { ok: true, source: 'the file', map: result.map, warnings: describe(result), summary: [] } : fail(NOTHING_IMPORTED, describe(result));
  }
  // LOOPY (a saved .loopy file, or a text file holding a link) and Vensim models come on their own.
  const single = files.length === 1 ? (files[0] as Picked) : null;
  const format = single ? detectMapFormat(single.name, single.bytes) : null;
  if (single && (format === 'loopy' || format === 'vensim')) return fromFile(await importMapFile(single, options));
  if (kinds.has('mdl') || kinds.has('loopy')) return alone(kinds.has('mdl') ? 'Vensim model (.mdl)' : 'LOOPY file');
  const others = [...kinds].filter((k) => k !== 'csv' && k !== 'txt');
  if (others.length > 0) {
    return fail(
      `A .${others[0]} file is not one the workspace reads. Choose Kumu’s sheets (.csv), a Kumu workbook (.xlsx), a Kumu blueprint, ` +
        'a LOOPY file or link, a Vensim model (.mdl) or a map file from here (.json).',
    );
  }

  const sheets: Partial<Record<SheetName, { name: string; text: string }>> = {};
  const decodingWarnings: string[] = [];
  for (const file of files) {
    const { text, warning } = decodeCsv(file.bytes, file.name);
    if (warning) decodingWarnings.push(warning);
    const sheet = kumuCsvSheet(text);
    const twin = sheets[sheet];
    if (twin) return fail(`${twin.name} and ${file.name} both look like the ${sheet[0]!.toUpperCase()}${sheet.slice(1)} sheet. Choose one of each.`);
    sheets[sheet] = { name: file.name, text };
  }
  return fromKumu(
    files.length === 1 ? 'the sheet' : 'the sheets',
    importKumuCsv({ elements: sheets.elements?.text, connections: sheets.connections?.text, loops: sheets.loops?.text }, options),
    decodingWarnings,
  );
}

/** A LOOPY or Vensim import, as the chosen files' reading reports it. */
function fromFile(result: MapFileImport): Read {
  if (!result.ok) return { ok: false, message: NOTHING_IMPORTED, issues: describe(result) };
  const source = result.format === 'loopy' ? 'the LOOPY model' : 'the Vensim model';
  return { ok: true, source, map: result.map, warnings: describe(result), summary: [] };
}

function fromKumu(source: string, result: ReturnType<typeof importKumuCsv>, warnings: string[]): Read {
  if (!result.ok) return { ok: false, message: NOTHING_IMPORTED, issues: describe(result) };
  return { ok: true, source, map: result.map, warnings: [...warnings, ...describe(result)], summary: summaryLines(result.summary) };
}

/** What a Kumu import did beyond elements and connections, one sentence each. */
function summaryLines(s: KumuImportSummary): string[] {
  const lines: string[] = [];
  if (s.mergedRows > 0) lines.push(`${plural(s.mergedRows, 'row')} repeating an element (the same label and type) merged into it, as Kumu does.`);
  if (s.madeFromConnections > 0) lines.push(`${plural(s.madeFromConnections, 'element')} made from the connections’ From and To.`);
  const fields = [
    s.fields.elements.length > 0 ? `${s.fields.elements.join(', ')} on elements` : '',
    s.fields.connections.length > 0 ? `${s.fields.connections.join(', ')} on connections` : '',
  ].filter(Boolean);
  if (fields.length > 0) lines.push(`Custom fields kept: ${fields.join('; ')}.`);
  if (s.typesMapped.length > 0) {
    const types = s.typesMapped.map((t) => `${t.type} → ${ELEMENT_KIND_LABELS[t.kind]} (${t.rows})`).join(', ');
    lines.push(`Types matched to kinds: ${types}. The original types are kept in “${KUMU_TYPE_FIELD}”.`);
  }
  if (s.loops > 0) lines.push(`${plural(s.loops, 'named loop')}.`);
  return lines;
}

/** An import waiting for people to choose: update what is already on the map, or add it all as new. */
type Pending = { read: Extract<Read, { ok: true }>; plan: KumuMergePlan };

/**
 * Memoised, so it takes the map as a function read when exporting or importing (the map
 * changes with every move, the panel need not), and whether it is empty.
 */
export const ImportExport = memo(function ImportExport({
  getMap,
  fitMap,
  empty,
  title,
  readOnly,
  actor,
}: {
  getMap: () => MapData;
  /** Fits the view to the whole map (React Flow alone knows only the nodes it draws). */
  fitMap: (options?: { duration?: number }) => void;
  empty: boolean;
  title: string;
  readOnly: boolean;
  actor: Actor;
}) {
  const conn = useRoomConnection();
  const flow = useReactFlow();
  const id = useId();
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [busy, setBusy] = useState(false);
  const [loopyInput, setLoopyInput] = useState('');
  const [scope, setScope] = useState<PictureScope>('map');
  const [loopMarkers, setLoopMarkers] = useState<LoopMarkers>('shown');
  const [pngScale, setPngScale] = useState<PngScale>(2);
  const [paper, setPaper] = useState<PaperSize>('a4');
  const [pending, setPending] = useState<Pending | null>(null);
  const pendingHeading = useRef<HTMLHeadingElement>(null);
  const base = fileBase(title, 'map');

  // The question replaces the file input's focus: move to it, so keyboard and screen reader users meet it.
  useEffect(() => {
    if (pending) pendingHeading.current?.focus();
  }, [pending]);

  /**
   * Opens the map in LOOPY (ncase.me/loopy) in a new tab, to play with: its whole model travels
   * in the link. What LOOPY cannot hold (unknown polarities, frames, fields) is said here.
   */
  function playInLoopy() {
    try {
      const { url, warnings } = loopyLink(getMap());
      window.open(url, '_blank', 'noopener');
      setOutcome({ kind: 'ok', message: 'Opened the map in LOOPY in a new tab.', warnings: warnings.map((w) => w.message) });
    } catch (error) {
      if (!(error instanceof LoopyLinkTooLongError)) throw error;
      setOutcome({ kind: 'error', message: error.message, issues: [] });
    }
  }

  function exportCsv() {
    const csv = exportKumuCsv(getMap());
    download(`${base}-elements.csv`, csv.elements, 'text/csv;charset=utf-8');
    download(`${base}-connections.csv`, csv.connections, 'text/csv;charset=utf-8');
    // Only a header line (and the empty line after it) when no loop is named: no file then.
    if (csv.loops.split('\r\n').length > 2) download(`${base}-loops.csv`, csv.loops, 'text/csv;charset=utf-8');
  }

  async function exportWorkbook() {
    setBusy(true);
    try {
      const bytes = await exportKumuXlsx(getMap());
      download(`${base}.xlsx`, new Blob([bytes], { type: XLSX_TYPE }));
      setOutcome({ kind: 'ok', message: `Saved ${base}.xlsx, with Elements, Connections and Loops sheets for Kumu or Excel.`, warnings: [] });
    } catch (error) {
      setOutcome({ kind: 'error', message: `The workbook could not be made: ${error instanceof Error ? error.message : String(error)}`, issues: [] });
    } finally {
      setBusy(false);
    }
  }

  /** The map drawn from its data: nothing selected, no handles or panels in the picture. */
  function drawMap(): string {
    const map = getMap();
    // By the notes' keys: the drawing matches each note to its loop as the canvas does.
    const loops = loopMarkers === 'shown' ? map.loopNotes.filter((n) => n.marker).map((n) => n.key) : loopMarkers;
    const options: RenderMapSvgOptions = { title, loops };
    if (scope === 'view') {
      const pane = document.querySelector('.map-canvas')?.getBoundingClientRect();
      if (!pane) throw new Error('The map is not on screen: switch to the map view first.');
      const topLeft = flow.screenToFlowPosition({ x: pane.left, y: pane.top }, { snapToGrid: false });
      const bottomRight = flow.screenToFlowPosition({ x: pane.right, y: pane.bottom }, { snapToGrid: false });
      options.viewport = { x: topLeft.x, y: topLeft.y, width: bottomRight.x - topLeft.x, height: bottomRight.y - topLeft.y };
    }
    return renderMapSvg(map, options);
  }

  async function exportPicture(kind: 'svg' | 'png' | 'print') {
    setBusy(true);
    try {
      const svg = drawMap();
      if (kind === 'svg') {
        download(`${base}.svg`, svg, 'image/svg+xml');
        setOutcome({ kind: 'ok', message: `Saved ${base}.svg.`, warnings: [] });
      } else if (kind === 'png') {
        const png = await svgToPng(svg, pngScale);
        download(`${base}.png`, png.blob);
        const reduced = png.scale < pngScale ? [`The map is too large for ${pngScale}×: it was drawn at ${png.scale.toFixed(2)}× (${png.width} × ${png.height} pixels).`] : [];
        setOutcome({ kind: 'ok', message: `Saved ${base}.png.`, warnings: reduced });
      } else {
        printSvg(svg, paper);
      }
    } catch (error) {
      setOutcome({ kind: 'error', message: `The picture could not be made: ${error instanceof Error ? error.message : String(error)}`, issues: [] });
    } finally {
      setBusy(false);
    }
  }

  /** Imports the chosen files, or one made from what was pasted (a LOOPY link). */
  async function importFiles(list: FileList | null, pasted?: Picked) {
    if (!pasted && (!list || list.length === 0)) return;
    setBusy(true);
    setPending(null);
    try {
      const files = pasted ? [pasted] : await Promise.all([...list!].map(async (file) => ({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) })));
      const read = await readFiles(files, { newId, by: { ...actor, at: new Date().toISOString() } });
      if (!read.ok) {
        setOutcome({ kind: 'error', message: read.message, issues: read.issues });
        return;
      }
      const plan = planKumuMerge(getMap(), read.map);
      if (plan.counts.matchedElements > 0) {
        // Some of it is on the map already: ask, rather than make a second copy of it.
        setOutcome(null);
        setPending({ read, plan });
      } else addAsNew(read);
    } catch (error) {
      setOutcome({ kind: 'error', message: `The file could not be read: ${error instanceof Error ? error.message : String(error)}`, issues: [] });
    } finally {
      setBusy(false);
    }
  }

  /** Writes an import, reporting what happened (or why nothing did); `write` returns the sentence to report. */
  function finish(read: Extract<Read, { ok: true }>, write: () => string) {
    setPending(null);
    try {
      const message = write();
      setOutcome({ kind: 'ok', message, summary: read.summary, warnings: read.warnings });
      setTimeout(() => fitMap(), 50);
    } catch (error) {
      setOutcome({ kind: 'error', message: `Nothing was imported: ${error instanceof Error ? error.message : String(error)}`, issues: [] });
    }
  }

  function addAsNew(read: Extract<Read, { ok: true }>) {
    finish(read, () => {
      // As one block, in the free space nearest the middle of the map: never on top of it.
      addMapData(conn.doc, placeMapData(getMap(), read.map), actor);
      return `Imported ${read.map.elements.length} elements and ${read.map.connections.length} connections.`;
    });
  }

  function updateExisting({ read }: Pending) {
    finish(read, () => {
      // Planned again on the map as it is now: someone may have changed it while people read the question.
      const fresh = planKumuMerge(getMap(), read.map);
      applyMapMerge(conn.doc, { ...fresh, additions: placeMapData(getMap(), fresh.additions) }, actor);
      const c = fresh.counts;
      return (
        `Updated ${plural(c.updatedElements, 'element')} and ${plural(c.updatedConnections, 'connection')} already on the map ` +
        `(${c.matchedElements - c.updatedElements} elements needed no change); added ${plural(c.newElements, 'new element')} and ${plural(c.newConnections, 'new connection')}.`
      );
    });
  }

  const list = (items: string[]) => (
    <ul>
      {items.slice(0, SHOWN_ISSUES).map((text, i) => (
        <li key={i}>{text}</li>
      ))}
      {items.length > SHOWN_ISSUES && <li>…and {items.length - SHOWN_ISSUES} more.</li>}
    </ul>
  );

  return (
    <section className="import-export" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>Import and export</h3>
      <div className="inline-row">
        <button type="button" className="button-secondary" onClick={exportCsv}>
          Export CSV (Kumu)
        </button>
        <button type="button" className="button-secondary" disabled={busy} onClick={() => void exportWorkbook()}>
          Export Kumu workbook (.xlsx)
        </button>
        <button type="button" className="button-secondary" onClick={() => download(`${base}.json`, exportMapJson(getMap()), 'application/json')}>
          Export JSON
        </button>
        <button type="button" className="button-secondary" disabled={empty} onClick={playInLoopy}>
          Play in LOOPY
        </button>
      </div>
      <fieldset className="picture-options">
        <legend>Pictures</legend>
        <div className="inline-row">
          <label>
            Show{' '}
            <select value={scope} onChange={(e) => setScope(e.target.value as PictureScope)}>
              <option value="map">The whole map</option>
              <option value="view">The current view</option>
            </select>
          </label>
          <label>
            Loop markers{' '}
            <select value={loopMarkers} onChange={(e) => setLoopMarkers(e.target.value as LoopMarkers)}>
              <option value="shown">Loops shown on the map</option>
              <option value="named">Named loops</option>
              <option value="all">Every loop</option>
              <option value="none">None</option>
            </select>
          </label>
        </div>
        <div className="inline-row">
          <button type="button" className="button-secondary" disabled={busy || empty} onClick={() => void exportPicture('svg')}>
            Export SVG
          </button>
          <label>
            PNG size{' '}
            <select value={pngScale} onChange={(e) => setPngScale(Number(e.target.value) as PngScale)}>
              {PNG_SCALES.map((s) => (
                <option key={s} value={s}>
                  {s}×
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="button-secondary" disabled={busy || empty} onClick={() => void exportPicture('png')}>
            Export PNG
          </button>
          <label>
            Paper{' '}
            <select value={paper} onChange={(e) => setPaper(e.target.value as PaperSize)}>
              {PAPER_SIZES.map((p) => (
                <option key={p} value={p}>
                  {p.toUpperCase()} landscape
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="button-secondary" disabled={busy || empty} onClick={() => void exportPicture('print')}>
            Print or save as PDF
          </button>
        </div>
      </fieldset>
      {!readOnly && (
        <div className="field">
          <label htmlFor={`${id}-file`}>Import a map</label>
          <p className="hint" id={`${id}-hint`}>
            Kumu’s sheets as CSV (Elements and Connections, together or either alone), a Kumu workbook (.xlsx) or JSON blueprint, a LOOPY file, a Vensim model
            (.mdl), or a JSON file exported here.
            What is new is added beside the map; if some of it is already there, you choose whether to update it.
          </p>
          <input
            id={`${id}-file`}
            type="file"
            accept={`.csv,.xlsx,.json,.loopy,.mdl,.txt,text/csv,application/json,${XLSX_TYPE}`}
            multiple
            aria-describedby={`${id}-hint`}
            disabled={busy}
            onChange={(e) => {
              void importFiles(e.target.files);
              e.target.value = '';
            }}
          />
        </div>
      )}
      {!readOnly && (
        <form
          className="field"
          onSubmit={(e) => {
            e.preventDefault();
            const link = loopyInput.trim();
            if (link) void importFiles(null, { name: 'LOOPY link', bytes: new TextEncoder().encode(link) });
          }}
        >
          <label htmlFor={`${id}-loopy`}>Or paste a LOOPY link</label>
          <div className="inline-row">
            <input
              id={`${id}-loopy`}
              type="url"
              inputMode="url"
              placeholder="https://ncase.me/loopy/v1.1/?data=…"
              value={loopyInput}
              disabled={busy}
              onChange={(e) => setLoopyInput(e.target.value)}
            />
            <button type="submit" className="button-secondary" disabled={busy || loopyInput.trim() === ''}>
              Import link
            </button>
          </div>
        </form>
      )}
      {pending && (
        <div className="notice" role="group" aria-labelledby={`${id}-pending`}>
          <h4 id={`${id}-pending`} ref={pendingHeading} tabIndex={-1}>
            Some of this is already on the map
          </h4>
          <p>
            {plural(pending.plan.counts.matchedElements, 'element')} in {pending.read.source} {pending.plan.counts.matchedElements === 1 ? 'has' : 'have'} the label and kind of one on the map;{' '}
            {plural(pending.plan.counts.newElements, 'element')} and {plural(pending.plan.counts.newConnections, 'connection')} would be new. Read{' '}
            {plural(pending.read.map.elements.length, 'element')} and {plural(pending.read.map.connections.length, 'connection')}.
          </p>
          {pending.read.summary.length > 0 && list(pending.read.summary)}
          <div className="inline-row">
            <button type="button" onClick={() => updateExisting(pending)}>
              Update {plural(pending.plan.counts.matchedElements, 'existing element')}, add {pending.plan.counts.newElements} new
            </button>
            <button type="button" className="button-secondary" onClick={() => addAsNew(pending.read)}>
              Add all {plural(pending.read.map.elements.length, 'element')} as new
            </button>
            <button type="button" className="button-secondary" onClick={() => setPending(null)}>
              Cancel
            </button>
          </div>
          {pending.read.warnings.length > 0 && (
            <>
              <p>Worth checking:</p>
              {list(pending.read.warnings)}
            </>
          )}
        </div>
      )}
      {busy && <p role="status">Working…</p>}
      {outcome?.kind === 'ok' && (
        <div role="status" className="notice">
          <p>{outcome.message}</p>
          {outcome.summary && outcome.summary.length > 0 && list(outcome.summary)}
          {outcome.warnings.length > 0 && (
            <>
              <p>Worth checking:</p>
              {list(outcome.warnings)}
            </>
          )}
        </div>
      )}
      {outcome?.kind === 'error' && (
        <div role="alert" className="notice notice-error">
          <p>{outcome.message}</p>
          {outcome.issues.length > 0 && list(outcome.issues)}
        </div>
      )}
    </section>
  );
});

/**
 * Getting maps in and out: Kumu-shaped CSV and our JSON both ways, and pictures people can hand
 * out — an SVG drawn from the map's data (`renderMapSvg`), a PNG of it at 1×, 2× or 4×, and a
 * print view on a landscape A4 or A3 page — of the whole map or the current view. Imports are checked completely before anything is written, and every problem
 * is reported with its sheet, row and column (or JSON path), so nothing half-imports.
 */
import { useReactFlow } from '@xyflow/react';
import { memo, useId, useState } from 'react';
import { newId } from '../../shared/ids.js';
import { addMapData, type Actor } from '../../shared/map/doc.js';
import { exportMapJson, importMapJson, type ImportResult } from '../../shared/map/json.js';
import { exportKumuCsv, importKumuCsv } from '../../shared/map/kumuCsv.js';
import type { MapData } from '../../shared/map/model.js';
import { placeMapData } from '../../shared/map/placement.js';
import { renderMapSvg, type RenderMapSvgOptions } from '../../shared/map/svg.js';
import { useRoomConnection } from '../room/RoomProvider.js';
import { download, fileBase } from '../ui/download.js';
import { PAPER_SIZES, PNG_SCALES, printSvg, svgToPng, type PaperSize, type PngScale } from './mapPicture.js';

/** How many problems are listed before "and N more". */
const SHOWN_ISSUES = 20;

type PictureScope = 'map' | 'view';
/** `shown`: the loops whose marker is switched on in the loops panel, as on the canvas. */
type LoopMarkers = 'shown' | 'none' | 'named' | 'all';

type Outcome = { kind: 'ok'; message: string; warnings: string[] } | { kind: 'error'; message: string; issues: string[] } | null;

function describe<I extends { message: string }>(result: ImportResult<I>): string[] {
  const issues = result.ok ? result.warnings : result.errors;
  return issues.map((i) => i.message);
}

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
  const [scope, setScope] = useState<PictureScope>('map');
  const [loopMarkers, setLoopMarkers] = useState<LoopMarkers>('shown');
  const [pngScale, setPngScale] = useState<PngScale>(2);
  const [paper, setPaper] = useState<PaperSize>('a4');
  const base = fileBase(title, 'map');

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

  async function importFiles(files: FileList | null) {
    if (!files || files.length === 0) return;
    setBusy(true);
    try {
      const texts = await Promise.all([...files].map(async (file) => ({ name: file.name, text: await file.text() })));
      const json = texts.find((f) => f.name.toLowerCase().endsWith('.json'));
      let result: ImportResult<{ message: string }>;
      if (json) {
        result = importMapJson(json.text, { newId });
      } else {
        // Kumu's two sheets, in either order: the connections sheet is the one with From and To.
        const isConnections = (text: string) => /^\uFEFF?[^\n]*\bFrom\b[^\n]*\bTo\b/i.test(text);
        const connections = texts.find((f) => isConnections(f.text));
        const elements = texts.find((f) => f !== connections);
        if (!elements) {
          setOutcome({ kind: 'error', message: 'Choose the Elements sheet too (a CSV with a Label column), or both sheets together.', issues: [] });
          return;
        }
        result = importKumuCsv({ elements: elements.text, connections: connections?.text }, { newId, by: { ...actor, at: new Date().toISOString() } });
      }
      if (!result.ok) {
        setOutcome({ kind: 'error', message: 'Nothing was imported. Fix these problems in the file and try again:', issues: describe(result) });
        return;
      }
      // As one block, in the free space nearest the middle of the map: never on top of it.
      addMapData(conn.doc, placeMapData(getMap(), result.map), actor);
      setOutcome({
        kind: 'ok',
        message: `Imported ${result.map.elements.length} elements and ${result.map.connections.length} connections.`,
        warnings: describe(result),
      });
      setTimeout(() => fitMap(), 50);
    } catch (error) {
      setOutcome({ kind: 'error', message: `The file could not be read: ${error instanceof Error ? error.message : String(error)}`, issues: [] });
    } finally {
      setBusy(false);
    }
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
        <button
          type="button"
          className="button-secondary"
          onClick={() => {
            const csv = exportKumuCsv(getMap());
            download(`${base}-elements.csv`, csv.elements, 'text/csv');
            download(`${base}-connections.csv`, csv.connections, 'text/csv');
          }}
        >
          Export CSV (Kumu)
        </button>
        <button type="button" className="button-secondary" onClick={() => download(`${base}.json`, exportMapJson(getMap()), 'application/json')}>
          Export JSON
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
            Kumu’s two CSV sheets (Elements, and Connections with From and To), or a JSON file exported here. It is added beside what is on the map.
          </p>
          <input
            id={`${id}-file`}
            type="file"
            accept=".csv,.json,text/csv,application/json"
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
      {busy && <p role="status">Working…</p>}
      {outcome?.kind === 'ok' && (
        <div role="status" className="notice">
          <p>{outcome.message}</p>
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

/**
 * Getting maps in and out: Kumu-shaped CSV and our JSON both ways, and PNG and SVG pictures of
 * the whole map. Imports are checked completely before anything is written, and every problem
 * is reported with its sheet, row and column (or JSON path), so nothing half-imports.
 */
import { getViewportForBounds, useReactFlow, type Rect } from '@xyflow/react';
import { toPng, toSvg } from 'html-to-image';
import { memo, useId, useState } from 'react';
import { newId } from '../../shared/ids.js';
import { addMapData, type Actor } from '../../shared/map/doc.js';
import { exportMapJson, importMapJson, type ImportResult } from '../../shared/map/json.js';
import { exportKumuCsv, importKumuCsv } from '../../shared/map/kumuCsv.js';
import type { MapData } from '../../shared/map/model.js';
import { useRoomConnection } from '../room/RoomProvider.js';
import { dataUrlToBlob, download, fileBase } from '../ui/download.js';

/** How many problems are listed before "and N more". */
const SHOWN_ISSUES = 20;
const IMAGE_SIZE = { width: 2400, height: 1600 };

type Outcome = { kind: 'ok'; message: string; warnings: string[] } | { kind: 'error'; message: string; issues: string[] } | null;

function describe<I extends { message: string }>(result: ImportResult<I>): string[] {
  const issues = result.ok ? result.warnings : result.errors;
  return issues.map((i) => i.message);
}

/** Moves imported map data to the right of what is already on the map. */
function besideExisting(existing: MapData, incoming: MapData): MapData {
  if (existing.elements.length === 0 && existing.groups.length === 0) return incoming;
  const right = Math.max(...existing.elements.map((e) => e.x), ...existing.groups.map((g) => g.x + g.width)) + 300;
  const left = Math.min(...incoming.elements.map((e) => e.x), ...incoming.groups.map((g) => g.x), Infinity);
  const dx = right - (Number.isFinite(left) ? left : 0);
  return {
    ...incoming,
    elements: incoming.elements.map((e) => ({ ...e, x: e.x + dx })),
    groups: incoming.groups.map((g) => ({ ...g, x: g.x + dx })),
  };
}

/**
 * Memoised, so it takes the map as a function read when exporting or importing (the map
 * changes with every move, the panel need not), and whether it is empty.
 */
export const ImportExport = memo(function ImportExport({
  getMap,
  fitMap,
  getBounds,
  empty,
  title,
  readOnly,
  actor,
}: {
  getMap: () => MapData;
  /** Fits the view to the whole map (React Flow alone knows only the nodes it draws). */
  fitMap: (options?: { duration?: number }) => void;
  /** The box around the whole map, drawn or not. */
  getBounds: () => Rect | null;
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
  const base = fileBase(title, 'map');

  async function exportImage(format: 'png' | 'svg') {
    setBusy(true);
    let restoreView = () => {};
    try {
      const viewport = document.querySelector<HTMLElement>('.map-canvas .react-flow__viewport');
      if (!viewport) throw new Error('The map is not on screen: switch to the map view first.');
      // Only elements in view are drawn (onlyRenderVisibleElements): fit the whole map for the
      // picture, then put the view back as it was.
      const saved = flow.getViewport();
      fitMap({ duration: 0 });
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      restoreView = () => void flow.setViewport(saved);
      const bounds = getBounds();
      if (!bounds) throw new Error('The map is empty.');
      const { x, y, zoom } = getViewportForBounds(bounds, IMAGE_SIZE.width, IMAGE_SIZE.height, 0.1, 2, 0.05);
      const options = {
        backgroundColor: '#ffffff',
        width: IMAGE_SIZE.width,
        height: IMAGE_SIZE.height,
        style: { width: `${IMAGE_SIZE.width}px`, height: `${IMAGE_SIZE.height}px`, transform: `translate(${x}px, ${y}px) scale(${zoom})` },
      };
      const dataUrl = format === 'png' ? await toPng(viewport, options) : await toSvg(viewport, options);
      download(`${base}.${format}`, dataUrlToBlob(dataUrl));
      setOutcome({ kind: 'ok', message: `Saved ${base}.${format}.`, warnings: [] });
    } catch (error) {
      setOutcome({ kind: 'error', message: `The picture could not be made: ${error instanceof Error ? error.message : String(error)}`, issues: [] });
    } finally {
      restoreView();
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
      addMapData(conn.doc, besideExisting(getMap(), result.map), actor);
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
        <button type="button" className="button-secondary" disabled={busy || empty} onClick={() => void exportImage('png')}>
          Export PNG
        </button>
        <button type="button" className="button-secondary" disabled={busy || empty} onClick={() => void exportImage('svg')}>
          Export SVG
        </button>
      </div>
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

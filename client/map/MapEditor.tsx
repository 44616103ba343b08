/**
 * The live system-map editor: React Flow drawing the room's map from its Y.Doc. The doc is the
 * single source of truth; React Flow's own node state only adds what is local (measured sizes,
 * selection, the position under a drag in progress). Every change is written through the
 * helpers in `shared/map/doc.ts`.
 */
import {
  Background,
  Controls,
  MarkerType,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  applyEdgeChanges,
  applyNodeChanges,
  useReactFlow,
  type Connection,
  type EdgeChange,
  type NodeChange,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import * as Y from 'yjs';
import { newId } from '../../shared/ids.js';
import { addConnection, addElement, mapUndoScope, moveElements, removeConnections, removeElements, type Actor } from '../../shared/map/doc.js';
import { ELEMENT_KINDS, ELEMENT_KIND_LABELS, type ElementKind } from '../../shared/map/model.js';
import { freeSpot } from '../../shared/map/placement.js';
import { selectedByOthers } from '../../shared/map/presence.js';
import { useExternalValue } from '../room/hooks.js';
import { useRoomConnection } from '../room/RoomProvider.js';
import { ErrorMessage } from '../ui/Notice.js';
import { ConnectionEdge, type ConnectionEdgeType } from './ConnectionEdge.js';
import { ElementNode, type ElementNodeType } from './ElementNode.js';
import { Inspector } from './Inspector.js';
import { Outline } from './Outline.js';
import { RemoteCursors, usePublishMapPresence, useRemoteMapPresence } from './RemotePresence.js';
import { useMapData } from './useMap.js';

const nodeTypes = { element: ElementNode };
const edgeTypes = { connection: ConnectionEdge };
/** While dragging, positions go out at most this often: smooth for others, light on the server. */
const DRAG_SEND_MS = 50;

export function MapEditor({ readOnly }: { readOnly: boolean }) {
  return (
    <ReactFlowProvider>
      <MapCanvas readOnly={readOnly} />
    </ReactFlowProvider>
  );
}

function useUndo(doc: Y.Doc) {
  const [undo, setUndo] = useState<Y.UndoManager | null>(null);
  useEffect(() => {
    const manager = new Y.UndoManager(mapUndoScope(doc), { captureTimeout: 400 });
    setUndo(manager);
    return () => {
      manager.destroy();
      setUndo(null);
    };
  }, [doc]);
  const state = useExternalValue(
    (onChange) => {
      if (!undo) return () => {};
      const events = ['stack-item-added', 'stack-item-popped', 'stack-cleared'] as const;
      for (const event of events) undo.on(event, onChange);
      return () => {
        for (const event of events) undo.off(event, onChange);
      };
    },
    () => `${undo?.canUndo() ?? false}:${undo?.canRedo() ?? false}`,
    [undo],
  );
  const [canUndo, canRedo] = state.split(':').map((v) => v === 'true');
  return { undo: () => undo?.undo(), redo: () => undo?.redo(), canUndo: canUndo!, canRedo: canRedo! };
}

function MapCanvas({ readOnly }: { readOnly: boolean }) {
  const conn = useRoomConnection();
  const map = useMapData();
  const flow = useReactFlow();
  const actor: Actor = useMemo(() => ({ userId: conn.user.id, name: conn.user.name, organisation: conn.user.organisation }), [conn]);
  const { undo, redo, canUndo, canRedo } = useUndo(conn.doc);
  const [error, setError] = useState<string | null>(null);
  const [kind, setKind] = useState<ElementKind>('variable');
  const [view, setView] = useState<'canvas' | 'outline'>('canvas');
  const [focusLabelOf, setFocusLabelOf] = useState<string | null>(null);
  const kindId = useId();

  // Local React Flow state, refreshed from the doc; keeps measured sizes and selection.
  const [nodes, setNodes] = useState<ElementNodeType[]>([]);
  const [edges, setEdges] = useState<ConnectionEdgeType[]>([]);
  // A selection asked for before its element or connection reached the canvas (just added):
  // applied when it arrives.
  const wanted = useRef<{ element?: string; connection?: string } | null>(null);
  useEffect(() => {
    const want = wanted.current;
    if (want && (map.elements.some((e) => e.id === want.element) || map.connections.some((c) => c.id === want.connection))) {
      wanted.current = null;
    }
    setNodes((previous) => {
      const old = new Map(previous.map((n) => [n.id, n]));
      return map.elements.map((element) => {
        const before = old.get(element.id);
        return {
          ...before,
          ...(want ? { selected: element.id === want.element } : {}),
          id: element.id,
          type: 'element' as const,
          // A node I am dragging follows my pointer, not the (slightly older) doc.
          position: before?.dragging ? before.position : { x: element.x, y: element.y },
          data: { element, dimmed: false, highlighted: false },
        };
      });
    });
    setEdges((previous) => {
      const old = new Map(previous.map((e) => [e.id, e]));
      return map.connections.map((connection) => ({
        ...old.get(connection.id),
        ...(want ? { selected: connection.id === want.connection } : {}),
        id: connection.id,
        type: 'connection' as const,
        source: connection.from,
        target: connection.to,
        markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18 },
        data: { connection, dimmed: false, highlighted: false },
      }));
    });
  }, [map]);

  // Drag: send the latest positions every DRAG_SEND_MS, and the final one on release.
  const pendingMoves = useRef(new Map<string, { x: number; y: number }>());
  const moveTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const flushMoves = useCallback(() => {
    if (moveTimer.current) clearTimeout(moveTimer.current);
    moveTimer.current = null;
    const moves = [...pendingMoves.current].map(([id, p]) => ({ id, ...p }));
    pendingMoves.current.clear();
    if (moves.length) moveElements(conn.doc, moves);
  }, [conn]);
  useEffect(() => () => flushMoves(), [flushMoves]);

  const onNodesChange = useCallback(
    (changes: NodeChange<ElementNodeType>[]) => {
      setNodes((current) => applyNodeChanges(changes, current));
      if (readOnly) return;
      let ended = false;
      for (const change of changes) {
        if (change.type !== 'position') continue;
        if (change.position) pendingMoves.current.set(change.id, change.position);
        if (change.dragging === false) ended = true;
      }
      if (ended) flushMoves();
      else if (pendingMoves.current.size && !moveTimer.current) moveTimer.current = setTimeout(flushMoves, DRAG_SEND_MS);
    },
    [readOnly, flushMoves],
  );
  const onEdgesChange = useCallback((changes: EdgeChange<ConnectionEdgeType>[]) => setEdges((current) => applyEdgeChanges(changes, current)), []);

  const attempt = (write: () => unknown) => {
    try {
      write();
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  const select = useCallback((selection: { element?: string; connection?: string }) => {
    wanted.current = selection;
    setNodes((ns) => ns.map((n) => ({ ...n, selected: n.id === selection.element })));
    setEdges((es) => es.map((e) => ({ ...e, selected: e.id === selection.connection })));
  }, []);

  const onConnect = useCallback(
    (c: Connection) => {
      const id = newId();
      attempt(() => addConnection(conn.doc, { id, from: c.source, to: c.target, polarity: '?' }, actor));
      // Select the new link so its polarity can be chosen at once.
      select({ connection: id });
    },
    [conn, actor, select],
  );

  function addAtCentre() {
    const canvas = document.querySelector('.map-canvas')?.getBoundingClientRect();
    const centre = canvas
      ? flow.screenToFlowPosition({ x: canvas.left + canvas.width / 2, y: canvas.top + canvas.height / 2 })
      : { x: 0, y: 0 };
    const spot = freeSpot(centre, map.elements);
    const id = newId();
    attempt(() => addElement(conn.doc, { id, kind, label: `New ${ELEMENT_KIND_LABELS[kind].toLowerCase()}`, ...spot }, actor));
    // Select it and put the cursor in its label, ready to type over "New factor".
    setFocusLabelOf(id);
    select({ element: id });
  }

  function onKeyDown(event: KeyboardEvent) {
    const target = event.target as HTMLElement;
    if (target.closest('input, textarea, select')) return;
    const mod = event.ctrlKey || event.metaKey;
    if (mod && event.key.toLowerCase() === 'z' && !event.shiftKey) {
      event.preventDefault();
      undo();
    } else if (mod && (event.key.toLowerCase() === 'y' || (event.key.toLowerCase() === 'z' && event.shiftKey))) {
      event.preventDefault();
      redo();
    }
  }

  const remote = useRemoteMapPresence();
  const othersSelecting = useMemo(() => selectedByOthers(remote), [remote]);
  const shownNodes = useMemo(
    () => nodes.map((n) => (othersSelecting.has(n.id) ? { ...n, data: { ...n.data, selectedBy: othersSelecting.get(n.id) } } : n)),
    [nodes, othersSelecting],
  );
  const shownEdges = useMemo(
    () => edges.map((e) => (othersSelecting.has(e.id) && e.data ? { ...e, data: { ...e.data, selectedBy: othersSelecting.get(e.id) } } : e)),
    [edges, othersSelecting],
  );

  const selectedNodes = nodes.filter((n) => n.selected);
  const selectedEdges = edges.filter((e) => e.selected);
  const selectedElement = selectedNodes.length === 1 && selectedEdges.length === 0 ? (map.elements.find((e) => e.id === selectedNodes[0]!.id) ?? null) : null;
  const selectedConnection =
    selectedEdges.length === 1 && selectedNodes.length === 0 ? (map.connections.find((c) => c.id === selectedEdges[0]!.id) ?? null) : null;

  const selectionIds = useMemo(() => [...selectedNodes.map((n) => n.id), ...selectedEdges.map((e) => e.id)], [selectedNodes, selectedEdges]);
  const publishCursor = usePublishMapPresence(selectionIds);

  return (
    <div className="map-editor" onKeyDown={onKeyDown}>
      {!readOnly && (
        <div className="toolbar map-toolbar" role="toolbar" aria-label="Map tools">
          <label htmlFor={kindId} className="visually-hidden">
            Kind of element to add
          </label>
          <select id={kindId} value={kind} onChange={(e) => setKind(e.target.value as ElementKind)}>
            {ELEMENT_KINDS.map((k) => (
              <option key={k} value={k}>
                {ELEMENT_KIND_LABELS[k]}
              </option>
            ))}
          </select>
          <button type="button" onClick={addAtCentre}>
            Add element
          </button>
          <button type="button" className="button-secondary" onClick={undo} disabled={!canUndo} aria-keyshortcuts="Control+Z">
            Undo
          </button>
          <button type="button" className="button-secondary" onClick={redo} disabled={!canRedo} aria-keyshortcuts="Control+Shift+Z">
            Redo
          </button>
          <span className="hint map-count">
            {map.elements.length} elements · {map.connections.length} connections
          </span>
        </div>
      )}
      <div className="toolbar" role="group" aria-label="View">
        <button type="button" className="button-secondary" aria-pressed={view === 'canvas'} onClick={() => setView('canvas')}>
          Map
        </button>
        <button type="button" className="button-secondary" aria-pressed={view === 'outline'} onClick={() => setView('outline')}>
          Outline
        </button>
      </div>
      <ErrorMessage>{error}</ErrorMessage>
      <div className="map-body">
        {view === 'outline' && <Outline map={map} selectedId={selectionIds.length === 1 ? selectionIds[0]! : null} onSelect={select} />}
        <div
          hidden={view !== 'canvas'}
          className="map-canvas"
          aria-label="System map canvas"
          onPointerMove={(e) => publishCursor(flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }))}
          onPointerLeave={() => publishCursor(null)}
        >
          <ReactFlow
            nodes={shownNodes}
            edges={shownEdges}
            nodeTypes={nodeTypes}
            edgeTypes={edgeTypes}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onConnect={readOnly ? undefined : onConnect}
            onNodesDelete={(deleted) => removeElements(conn.doc, deleted.map((n) => n.id))}
            onEdgesDelete={(deleted) => removeConnections(conn.doc, deleted.map((e) => e.id))}
            nodesDraggable={!readOnly}
            nodesConnectable={!readOnly}
            elementsSelectable
            deleteKeyCode={readOnly ? null : ['Delete', 'Backspace']}
            fitView
            minZoom={0.1}
            maxZoom={2.5}
            proOptions={{ hideAttribution: true }}
          >
            <Background gap={24} />
            <Controls showInteractive={false} />
            <MiniMap pannable zoomable ariaLabel="Overview of the whole map" />
            <RemoteCursors presences={remote} />
          </ReactFlow>
        </div>
        <Inspector
          map={map}
          selectedElement={selectedElement}
          selectedConnection={selectedConnection}
          readOnly={readOnly}
          actor={actor}
          onSelect={select}
          focusLabelOf={focusLabelOf}
        />
      </div>
    </div>
  );
}

/**
 * The live system-map editor: React Flow drawing the room's map from its Y.Doc. The doc is the
 * single source of truth; React Flow's own node state only adds what is local (measured sizes,
 * selection, the position under a drag in progress). Every change is written through the
 * helpers in `shared/map/doc.ts`.
 */
import {
  Background,
  ConnectionMode,
  ControlButton,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  applyEdgeChanges,
  applyNodeChanges,
  getViewportForBounds,
  useReactFlow,
  useStore,
  useStoreApi,
  type Connection,
  type EdgeChange,
  type NodeChange,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import './canvas.css';
import { useCallback, useDeferredValue, useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent as ReactMouseEvent, type ReactNode } from 'react';
import { newId } from '../../shared/ids.js';
import { useFullscreen } from '../ui/useFullscreen.js';
import { addConnectedElement, addConnection, addElement, addGroup, addMapData, mapUndoScope, moveElements, removeConnections, removeElements, removeGroup, updateGroup, type Actor } from '../../shared/map/doc.js';
import type { FeedbackLoop } from '../../shared/map/loops.js';
import { TEMPLATES, instantiate, type TemplateId } from '../../shared/map/templates.js';
import { ELEMENT_KIND_LABELS, type ElementKind, type MapElement } from '../../shared/map/model.js';
import { ELEMENT_BOX, elementBoxes, enclosingBox, placeMapData, spotForElement, type Box, type Size } from '../../shared/map/placement.js';
import { openThreadCounts } from '../../shared/map/comments.js';
import { NO_LENS, applyLens, lensActive, type Lens } from '../../shared/map/lens.js';
import { tidyLayout } from '../../shared/map/layout.js';
import { betweenness, degrees, rankElements } from '../../shared/map/metrics.js';
import { selectedByOthers } from '../../shared/map/presence.js';
import { sameItems } from '../../shared/map/samePlainData.js';
import { actorOf } from '../room/actor.js';
import { useRoomConnection } from '../room/RoomProvider.js';
import { ErrorMessage, Status } from '../ui/Notice.js';
import { useAttempt } from '../ui/useAttempt.js';
import { useUndo } from '../room/useUndo.js';
import { useReducedMotion } from '../ui/motion.js';
import { ConnectOfferPopover, distinctEnds, useDragConnect, useZoomVariable } from './DragConnect.js';
import { ConnectionEdge, EdgeLabelLayer, type ConnectionEdgeType } from './ConnectionEdge.js';
import { ZOOMED_OUT, zoomedPastEdgeLabels, zoomedPastOverview } from './zoomLevels.js';
import { boundsOf, elementAt, nodeBox, ZoomedOutCanvas } from './ZoomedOutCanvas.js';
import { MapOverview } from './MapOverview.js';
import { cellRect, edgesMeeting, linkNear, viewCell } from './edgesInView.js';
import { ElementNode, type ElementNodeType } from './ElementNode.js';
import { ThroughLinks } from './ThroughLinks.js';
import { ElementStore, ElementStoreContext } from './elementStore.js';
import { GroupNode, type GroupNodeType } from './GroupNode.js';
import { ImportExport } from './ImportExport.js';
import { Inspector } from './Inspector.js';
import { VersionsPanel, type ViewedVersion } from './VersionsPanel.js';
import { useComments } from './CommentsSection.js';
import { LensPanel, type LensMode, type SizeBy } from './LensPanel.js';
import { useVoteScores } from './useVoteScores.js';
import { LoopsPanel } from './LoopsPanel.js';
import { LoopMarkers } from './LoopMarkers.js';
import { PanelDock, PanelRail, usePanelDock, type DockPanel } from './PanelDock.js';
import { openArea } from './openArea.js';
import { useLoops } from './useLoops.js';
import { MapTools } from './MapTools.js';
import { Outline } from './Outline.js';
import { RemoteCursors, usePublishMapPresence, useRemoteMapPresence } from './RemotePresence.js';
import { useMapData, useWithoutMoves } from './useMap.js';
import { useSelectFromAddress } from './useSelectFromAddress.js';

const nodeTypes = { element: ElementNode, group: GroupNode };
const edgeTypes = { connection: ConnectionEdge };
// Props of <ReactFlow> are constants or memoised: React Flow copies a changed prop into its
// store, and every store change runs the selectors of every node and edge on the canvas.
const PRO_OPTIONS = { hideAttribution: true };
// Fitting a map of one or two elements (the first fit of an empty map waits for its first
// element) would zoom to 250 %, leaving no room in view for the next one beside it.
const FIT_VIEW_OPTIONS = { maxZoom: 1 };
const DELETE_KEYS = ['Delete', 'Backspace'];
/** How near (screen pixels) a click must fall to a passing link's plain curve to select it. */
const THROUGH_LINK_CLICK_PX = 6;
const NO_EDGES: ConnectionEdgeType[] = [];
const noCell = () => '';
/** While dragging, positions go out at most this often: smooth for others, light on the server. */
const DRAG_SEND_MS = 50;
/** How near (map units) a dragged connection snaps to a handle; a drop on the body connects too. */
const CONNECTION_RADIUS = 40;


/**
 * What the room around the map puts in the map's own top bar and dock: the map room is the
 * canvas, with the room's title, connection, people and lock in one slim bar above it.
 */
export interface MapRoomParts {
  /** The start of the top bar: the way back and the room's title. */
  start: ReactNode;
  /** The room's state in the top bar: connection, who is here, the lock. */
  end: ReactNode;
  /** Notices over the canvas (the room is locked). */
  notices?: ReactNode;
  /** The room's own panels, docked with the map's (the parking lot). */
  panels?: readonly DockPanel[];
}

export function MapEditor({ readOnly, title, room }: { readOnly: boolean; title: string; room: MapRoomParts }) {
  return (
    <ReactFlowProvider>
      <MapCanvas readOnly={readOnly} title={title} room={room} />
    </ReactFlowProvider>
  );
}

const NO_PANELS: readonly DockPanel[] = [];

function MapCanvas({ readOnly: readOnlyRole, title, room }: { readOnly: boolean; title: string; room: MapRoomParts }) {
  const conn = useRoomConnection();
  const liveMap = useMapData();
  // Viewing a saved version shows it in place of the live map, read-only.
  const [viewing, setViewing] = useState<ViewedVersion | null>(null);
  const map = viewing?.map ?? liveMap;
  // The same map until something other than positions changes: for the side panels, lenses,
  // loops and metrics, none of which look at positions, so a drag or a remote move re-renders
  // the canvas only.
  // Deferred: a change reaches the canvas first, and the panels (hundreds of loops on a large
  // map) follow in a render React may interrupt, so a remote rename is on screen a frame sooner.
  const panelMap = useDeferredValue(useWithoutMoves(map));
  const readOnly = readOnlyRole || viewing !== null;
  const flow = useReactFlow();
  const storeApi = useStoreApi();
  // Re-renders only when the zoom crosses the threshold, not at every zoom step.
  // A large map is drawn more plainly the further out it is seen (see zoomLevels.ts).
  const large = map.elements.length > ZOOMED_OUT.elementsAbove;
  const far = useStore(zoomedPastOverview) && large;
  const edgeLabelsHidden = useStore(zoomedPastEdgeLabels) && large;
  // Zoomed out, the element under the pointer is a real node over the canvas, ready to click,
  // drag or connect from.
  const [hovered, setHovered] = useState<string | null>(null);
  const actor: Actor = useMemo(() => actorOf(conn), [conn]);
  const { undo, redo, canUndo, canRedo } = useUndo(conn.doc, (doc) => mapUndoScope(doc), 400);
  const { error, attempt } = useAttempt();
  const [kind, setKind] = useState<ElementKind>('variable');
  const [view, setView] = useState<'canvas' | 'outline'>('canvas');
  const fullscreen = useFullscreen<HTMLDivElement>();
  const [focusLabelOf, setFocusLabelOf] = useState<string | null>(null);
  const [reduceMotion, setReduceMotion] = useReducedMotion();
  const glide = reduceMotion ? 0 : 300;
  const kindId = useId();

  // Local React Flow state, refreshed from the doc; keeps measured sizes and selection.
  const [nodes, setNodes] = useState<ElementNodeType[]>([]);
  const [elementStore] = useState(() => new ElementStore());
  const lastLists = useRef<{ groups?: unknown; connections?: unknown; readOnly?: boolean }>({});
  const [groupNodes, setGroupNodes] = useState<GroupNodeType[]>([]);
  const [edges, setEdges] = useState<ConnectionEdgeType[]>([]);
  // A selection asked for before its element or connection reached the canvas (just added):
  // applied when it arrives.
  const wanted = useRef<{ element?: string; connection?: string; group?: string } | null>(null);
  // A layout effect: its updates render at once, before the browser paints. A passive effect's
  // would wait for a later task (and React Flow's own effect for another), so a remote change
  // reached the screen a frame or two late.
  useLayoutEffect(() => {
    const want = wanted.current;
    if (want && (map.elements.some((e) => e.id === want.element) || map.connections.some((c) => c.id === want.connection) || map.groups.some((g) => g.id === want.group))) {
      wanted.current = null;
    }
    // First the words, which each element node reads for itself: before the nodes, so a new
    // node finds its element when it first renders.
    elementStore.publish(map.elements);
    setNodes((previous) => {
      const old = new Map(previous.map((n) => [n.id, n]));
      const next = map.elements.map((element) => {
        const before = old.get(element.id);
        // Where and what it is unchanged (a rename, a new description or tag): the same node
        // object, so React Flow is not handed new nodes at all.
        if (
          before &&
          !want &&
          !before.dragging &&
          before.data.kind === element.kind &&
          before.position.x === element.x &&
          before.position.y === element.y
        ) {
          return before;
        }
        return {
          ...before,
          ...(want ? { selected: element.id === want.element } : {}),
          id: element.id,
          type: 'element' as const,
          // A node I am dragging follows my pointer, not the (slightly older) doc.
          position: before?.dragging ? before.position : { x: element.x, y: element.y },
          data: { kind: element.kind, dimmed: false, highlighted: false },
        };
      });
      return sameItems(previous, next) ? previous : next;
    });
    // The map reader keeps a list none of whose entries changed, so a move (most changes, and
    // each step of someone's drag) skips the frames and the thousands of connections.
    const seen = lastLists.current;
    lastLists.current = { groups: map.groups, connections: map.connections, readOnly };
    const sameLists = !want && seen.readOnly === readOnly;
    // Frames sit behind the elements; dragging one moves the frame only, not what is in it.
    if (!(sameLists && seen.groups === map.groups)) setGroupNodes((previous) => {
      const old = new Map(previous.map((n) => [n.id, n]));
      const next = map.groups.map((group) => {
        const before = old.get(group.id);
        const busy = before?.dragging || before?.resizing;
        if (before && !want && !busy && before.data.group === group && before.draggable === !readOnly) return before;
        return {
          ...before,
          ...(want ? { selected: group.id === want.group } : {}),
          id: group.id,
          type: 'group' as const,
          position: busy ? before!.position : { x: group.x, y: group.y },
          width: busy ? before!.width : group.width,
          height: busy ? before!.height : group.height,
          data: { group },
          draggable: !readOnly,
          zIndex: -1,
        };
      });
      return sameItems(previous, next) ? previous : next;
    });
    if (!(sameLists && seen.connections === map.connections)) setEdges((previous) => {
      const old = new Map(previous.map((e) => [e.id, e]));
      const next = map.connections.map((connection) => {
        const before = old.get(connection.id);
        if (before && !want && before.data?.connection === connection) return before;
        return {
          ...before,
          ...(want ? { selected: connection.id === want.connection } : {}),
          id: connection.id,
          type: 'connection' as const,
          source: connection.from,
          target: connection.to,
          // The edge draws its own arrowhead, in the colour of its line (ConnectionEdge).
          data: { connection, dimmed: false, highlighted: false },
        };
      });
      // Nothing changed (a move): the same array, or React Flow rebuilds its lookup of every
      // connection and runs every edge's selectors again.
      return sameItems(previous, next) ? previous : next;
    });
  }, [map, readOnly, elementStore]);

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

  const groupIds = useMemo(() => new Set(map.groups.map((g) => g.id)), [map.groups]);
  const onNodesChange = useCallback(
    (all: NodeChange<ElementNodeType | GroupNodeType>[]) => {
      const isGroup = (c: NodeChange) => 'id' in c && groupIds.has(c.id);
      const changes = all.filter((c) => !isGroup(c)) as NodeChange<ElementNodeType>[];
      const groupChanges = all.filter(isGroup) as NodeChange<GroupNodeType>[];
      if (changes.length) setNodes((current) => applyNodeChanges(changes, current));
      if (groupChanges.length) {
        setGroupNodes((current) => applyNodeChanges(groupChanges, current));
        if (!readOnly) {
          // A frame is written when a drag or a resize ends: one undo step each.
          for (const change of groupChanges) {
            if (change.type === 'position' && change.dragging === false) {
              const node = groupNodesRef.current.find((n) => n.id === change.id);
              const position = change.position ?? node?.position;
              if (position) updateGroup(conn.doc, change.id, { x: position.x, y: position.y }, actor);
            }
            if (change.type === 'dimensions' && change.resizing === false && change.dimensions) {
              const node = groupNodesRef.current.find((n) => n.id === change.id);
              updateGroup(conn.doc, change.id, { ...change.dimensions, ...(node ? { x: node.position.x, y: node.position.y } : {}) }, actor);
            }
          }
        }
      }
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
    [readOnly, flushMoves, groupIds, conn, actor],
  );
  const groupNodesRef = useRef(groupNodes);
  groupNodesRef.current = groupNodes;
  const onEdgesChange = useCallback((changes: EdgeChange<ConnectionEdgeType>[]) => setEdges((current) => applyEdgeChanges(changes, current)), []);


  const select = useCallback((selection: { element?: string; connection?: string; group?: string }) => {
    wanted.current = selection;
    setGroupNodes((ns) => ns.map((n) => ({ ...n, selected: n.id === selection.group })));
    setNodes((ns) => ns.map((n) => ({ ...n, selected: n.id === selection.element })));
    setEdges((es) => es.map((e) => ({ ...e, selected: e.id === selection.connection })));
  }, []);

  // What a drag that connected nothing did, said briefly; cleared when the next drag starts.
  const [connectNote, setConnectNote] = useState('');
  const connectElements = useCallback(
    (from: string, to: string) => {
      const id = newId();
      setConnectNote('');
      // Select the new link so its polarity can be chosen at once.
      if (attempt(() => addConnection(conn.doc, { id, from, to, polarity: '?' }, actor))) select({ connection: id });
    },
    [conn, actor, select, attempt],
  );
  const onConnect = useCallback((c: Connection) => connectElements(c.source, c.target), [connectElements]);
  const canvasRef = useRef<HTMLDivElement>(null);
  useZoomVariable(canvasRef);
  /**
   * The part of the canvas, in screen pixels from its corner, that the floating tools and panels
   * leave open. From React Flow's store when the canvas is hidden (the outline shows): its last size.
   */
  const openView = useCallback(() => {
    const { width, height } = storeApi.getState();
    return openArea(canvasRef.current, { width, height }, { top: '.map-overlay > .map-toolbar', side: '.panel-rail, .panel-dock:not([hidden])' });
  }, [storeApi]);
  /** That open part of the canvas in map coordinates, as the view is now. */
  const openInMap = useCallback((): Box => {
    const { transform: [tx, ty, zoom] } = storeApi.getState();
    const open = openView();
    return { x: (open.x - tx) / zoom, y: (open.y - ty) / zoom, width: open.width / zoom, height: open.height / zoom };
  }, [storeApi, openView]);
  /** Moves the view so `bounds` fill the open part of the canvas, within the zoom limits given. */
  const showInOpen = useCallback(
    (bounds: Box, minZoom: number, maxZoom: number, padding: number, duration: number) => {
      const open = openView();
      const target = getViewportForBounds(bounds, open.width, open.height, minZoom, maxZoom, padding);
      void flow.setViewport({ ...target, x: target.x + open.x, y: target.y + open.y }, { duration });
    },
    [flow, openView],
  );

  /** Elements' drawn sizes where React Flow has measured them (long labels wrap taller). */
  function drawnSizes(): (id: string) => Size | undefined {
    const measured = new Map(nodes.map((n) => [n.id, n.measured]));
    return (id) => {
      const size = measured.get(id);
      return size?.width && size.height ? { width: size.width, height: size.height } : undefined;
    };
  }

  /**
   * Adds an element in free space beside `from` (the selected element), or as near `at` (a
   * dropped connection's end) or the middle of the view as there is room; connected from
   * `from` in the same step when `connect` is set.
   */
  function addNear(from: MapElement | null, connect = false, at?: { x: number; y: number }) {
    const sizeOf = drawnSizes();
    const beside = from && !at ? elementBoxes([from], sizeOf)[0] : null;
    const spot = spotForElement(elementBoxes(map.elements, sizeOf), ELEMENT_BOX, { near: at ?? viewCentre(), beside });
    const element = { id: newId(), kind, label: `New ${ELEMENT_KIND_LABELS[kind].toLowerCase()}`, ...spot };
    attempt(() =>
      from && connect
        ? addConnectedElement(conn.doc, element, { id: newId(), from: from.id, polarity: '?' }, actor)
        : addElement(conn.doc, element, actor),
    );
    // Select it and put the cursor in its label, ready to type over "New factor": its details
    // open in the same render, so the field is there to take the focus.
    setFocusLabelOf(element.id);
    select({ element: element.id });
    dock.show('details');
    reveal({ ...spot, ...ELEMENT_BOX });
  }

  /**
   * The middle of what the person is looking at, in map coordinates: where new things go. From
   * React Flow's store, which keeps the canvas's last size while the outline hides it.
   */
  function viewCentre(): { x: number; y: number } {
    const open = openInMap();
    return { x: open.x + open.width / 2, y: open.y + open.height / 2 };
  }

  /**
   * Brings a box outside the view (a new element beside one at its edge) into it, zooming out
   * only as far as it takes to keep what was in view there too.
   */
  function reveal(box: Box) {
    const { minZoom, transform: [, , zoom] } = storeApi.getState();
    const view = openInMap();
    if (box.x >= view.x && box.y >= view.y && box.x + box.width <= view.x + view.width && box.y + box.height <= view.y + view.height) return;
    showInOpen(enclosingBox([view, box])!, minZoom, zoom, 0.05, glide);
  }

  function addFrame() {
    const centre = viewCentre();
    const id = newId();
    attempt(() => addGroup(conn.doc, { id, label: 'New frame', x: Math.round(centre.x - 250), y: Math.round(centre.y - 175), width: 500, height: 350 }, actor));
    select({ group: id });
    dock.show('details');
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
    } else if (mod && event.key === 'Enter' && !readOnly && selectedElement) {
      event.preventDefault();
      addNear(selectedElement, true);
    }
  }

  const remote = useRemoteMapPresence();
  const othersSelecting = useMemo(() => selectedByOthers(remote), [remote]);
  const loops = useLoops(panelMap);
  const [highlight, setHighlight] = useState<FeedbackLoop | null>(null);
  useSelectFromAddress(liveMap, loops.result.loops, select, setHighlight, glide);
  const [lens, setLens] = useState<Lens>(NO_LENS);
  const [lensMode, setLensMode] = useState<LensMode>('highlight');
  const kept = useMemo(() => (lensActive(lens) ? applyLens(panelMap, lens) : null), [panelMap, lens]);
  const [sizeBy, setSizeBy] = useState<SizeBy>('none');
  const votes = useVoteScores();
  const sizes = useMemo(() => {
    if (sizeBy === 'none' || map.elements.length === 0) return null;
    if (sizeBy === 'votes') return votes;
    const values =
      sizeBy === 'degree' ? new Map([...degrees(panelMap)].map(([id, d]) => [id, d.total])) : betweenness(panelMap);
    return values;
    // Recomputed when the graph changes, not when someone drags.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [loops.graphKey, sizeBy, sizeBy === 'votes' ? votes : null]);
  const scaleOf = useMemo(() => {
    if (!sizes) return null;
    const max = Math.max(...sizes.values(), 0);
    return (id: string) => (max > 0 ? 1 + (0.9 * (sizes.get(id) ?? 0)) / max : 1);
  }, [sizes]);
  const ranking = useMemo(() => {
    if (!sizes) return [];
    const labels = new Map(panelMap.elements.map((e) => [e.id, e.label]));
    return rankElements(sizes, undefined, { limit: 5 })
      .filter((r) => r.value > 0)
      .map((r) => ({ label: labels.get(r.id) ?? '?', value: r.value }));
  }, [sizes, panelMap.elements]);
  const comments = useComments();
  const commentCounts = useMemo(() => openThreadCounts(comments), [comments]);
  const shownNodes = useMemo(() => {
    const inLoop = highlight ? new Set(highlight.elementIds) : null;
    const elementNodes = nodes.map((n) => {
      const outOfLens = kept !== null && !kept.has(n.id);
      if (!othersSelecting.has(n.id) && !inLoop && !outOfLens && !n.hidden && !commentCounts.has(n.id) && !scaleOf && !votes.has(n.id)) return n;
      return {
        ...n,
        hidden: outOfLens && lensMode === 'hide',
        data: {
          ...n.data,
          openComments: commentCounts.get(n.id),
          votes: votes.get(n.id),
          scale: scaleOf?.(n.id),
          selectedBy: othersSelecting.get(n.id),
          // A hovered loop wins over the lens while it is hovered.
          highlighted: inLoop?.has(n.id) ?? (kept?.has(n.id) ?? false),
          dimmed: inLoop ? !inLoop.has(n.id) : outOfLens,
        },
      };
    });
    return [...groupNodes, ...elementNodes];
  }, [nodes, groupNodes, othersSelecting, highlight, kept, lensMode, commentCounts, scaleOf, votes]);
  // What React Flow draws. Zoomed out, the canvas draws every element and connection, and React
  // Flow only the frames and the elements in play: pointed at, selected (here or by others),
  // dragged, or having their label edited.
  const flowNodes = useMemo(() => {
    if (!far) return shownNodes;
    return shownNodes.filter(
      (n) => n.type === 'group' || n.selected || n.dragging || n.id === hovered || n.id === focusLabelOf || othersSelecting.has(n.id),
    );
  }, [far, shownNodes, hovered, focusLabelOf, othersSelecting]);
  const allNodes = useRef(shownNodes);
  allNodes.current = shownNodes;
  const dragConnect = useDragConnect({
    getNodes: () => allNodes.current,
    connect: connectElements,
    say: setConnectNote,
    toFlow: flow.screenToFlowPosition,
    canvas: canvasRef,
  });
  const offerFrom = dragConnect.offer ? map.elements.find((e) => e.id === dragConnect.offer!.from) : undefined;
  /** Fits the view to the whole map, or to some of it, whether or not React Flow draws it all. */
  const fitMap = useCallback(
    (options: { ids?: readonly string[]; duration?: number; padding?: number; maxZoom?: number } = {}) => {
      const wanted = options.ids ? new Set(options.ids) : null;
      const bounds = boundsOf(wanted ? allNodes.current.filter((n) => wanted.has(n.id)) : allNodes.current);
      if (!bounds) return;
      // Within the zoom limits given to <ReactFlow>, as its own fitView keeps.
      const { minZoom, maxZoom } = storeApi.getState();
      showInOpen(bounds, minZoom, options.maxZoom ?? maxZoom, options.padding ?? 0.1, options.duration ?? 0);
    },
    [storeApi, showInOpen],
  );
  const shownEdges = useMemo(() => {
    const inLoop = highlight ? new Set(highlight.connectionIds) : null;
    return edges.map((e) => {
      const outOfLens = kept !== null && !(kept.has(e.source) && kept.has(e.target));
      if (!e.data || (!othersSelecting.has(e.id) && !inLoop && !outOfLens && !e.hidden)) return e;
      return {
        ...e,
        hidden: outOfLens && lensMode === 'hide',
        data: { ...e.data, selectedBy: othersSelecting.get(e.id), highlighted: inLoop?.has(e.id) ?? false, dimmed: inLoop ? !inLoop.has(e.id) : outOfLens },
      };
    });
  }, [edges, othersSelecting, highlight, kept, lensMode]);

  // A large map seen closer than the canvas's zoom: React Flow gets only the links whose curves
  // pass near the view (see edgesInView.ts), the same array while that set stays the same.
  const cell = useStore(large && !far ? viewCell : noCell);
  const keptEdges = useRef<ConnectionEdgeType[]>(NO_EDGES);
  const keptThrough = useRef<ConnectionEdgeType[]>(NO_EDGES);
  const boxOf = useMemo(() => {
    const boxes = new Map(nodes.map((n) => [n.id, n]));
    return (id: string) => {
      const node = boxes.get(id);
      return node && nodeBox(node);
    };
  }, [nodes]);
  const { flowEdges, throughEdges } = useMemo(() => {
    if (far) return { flowEdges: NO_EDGES, throughEdges: NO_EDGES };
    const rect = cellRect(cell);
    if (!large || !rect) return { flowEdges: shownEdges, throughEdges: NO_EDGES };
    // Selected links (here or by others) stay React Flow edges, to show and act on as such.
    const { near, through } = edgesMeeting(shownEdges, boxOf, rect, (e) => Boolean(e.selected) || othersSelecting.has(e.id));
    return {
      flowEdges: sameItems(keptEdges.current, near) ? keptEdges.current : (keptEdges.current = near),
      throughEdges: sameItems(keptThrough.current, through) ? keptThrough.current : (keptThrough.current = through),
    };
  }, [far, large, cell, boxOf, shownEdges, othersSelecting]);

  /**
   * A click on one of the plain curves of links passing across the view (`ThroughLinks`, not
   * elements of their own) selects the link nearest it, within a few pixels; selected, it is a
   * React Flow edge again, with its label and the inspector.
   */
  function selectThroughLink(event: ReactMouseEvent) {
    const point = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
    const hit = linkNear(throughEdges, boxOf, point, THROUGH_LINK_CLICK_PX / flow.getZoom());
    if (hit) select({ connection: hit.id });
  }

  function addTemplate(id: TemplateId) {
    // In free space near the middle of the view, never on top of what is already there.
    const data = placeMapData(map, instantiate(id, newId, { ...actor, at: new Date().toISOString() }), { near: viewCentre(), sizeOf: drawnSizes() });
    attempt(() => addMapData(conn.doc, data, actor));
    setTimeout(() => fitMap({ duration: glide }), 50);
  }

  const selectedGroup = useMemo(() => {
    const picked = groupNodes.filter((n) => n.selected);
    return picked.length === 1 ? (map.groups.find((g) => g.id === picked[0]!.id) ?? null) : null;
  }, [groupNodes, map.groups]);
  const selectedNodes = nodes.filter((n) => n.selected);
  const selectedEdges = edges.filter((e) => e.selected);
  const selectedElement = selectedNodes.length === 1 && selectedEdges.length === 0 ? (map.elements.find((e) => e.id === selectedNodes[0]!.id) ?? null) : null;
  const selectedConnection =
    selectedEdges.length === 1 && selectedNodes.length === 0 ? (map.connections.find((c) => c.id === selectedEdges[0]!.id) ?? null) : null;

  /**
   * Tidy layout of the whole map, or of `only` these elements around the others (which stay
   * put): one `moveElements`, so one undo step. Boxes are laid out at the size they are drawn
   * (estimated for those not on screen), in the shape of the canvas.
   */
  function tidy(only?: string[]) {
    const sizes = new Map<string, { width: number; height: number }>();
    for (const n of nodes) if (n.measured?.width && n.measured.height) sizes.set(n.id, { width: n.measured.width, height: n.measured.height });
    const canvas = document.querySelector('.map-canvas')?.getBoundingClientRect();
    const aspect = canvas && canvas.width > 0 && canvas.height > 0 ? canvas.width / canvas.height : undefined;
    moveElements(conn.doc, tidyLayout(map, { sizes, ...(aspect ? { aspect } : {}), ...(only ? { move: only } : {}) }));
    // A tidied selection is shown with what it is linked to, at no more than full size.
    const shown = only ? new Set(only) : null;
    if (shown) for (const c of map.connections) if (shown.has(c.from) || shown.has(c.to)) shown.add(c.from).add(c.to);
    setTimeout(() => fitMap({ duration: glide, ...(shown ? { ids: [...shown], padding: 0.2, maxZoom: 1 } : {}) }), 50);
  }

  const selectionIds = useMemo(() => [...selectedNodes.map((n) => n.id), ...selectedEdges.map((e) => e.id)], [selectedNodes, selectedEdges]);
  const dock = usePanelDock();
  // Selecting something opens its details (without taking focus from the canvas); closed, they
  // stay closed until the selection changes.
  const selectionKey = [...selectionIds, selectedGroup?.id ?? ''].join(' ').trim();
  const showPanel = dock.show;
  useEffect(() => {
    if (selectionKey) showPanel('details');
  }, [selectionKey, showPanel]);
  // A panel opened over the selected element (its details, most often) moves the view just
  // enough to show it beside the panel.
  const revealSelected = useRef<() => void>(() => undefined);
  revealSelected.current = () => {
    const node = selectedNodes.length === 1 ? selectedNodes[0]! : null;
    const size = node?.measured;
    if (node && !node.dragging && size?.width && size.height) reveal({ x: node.position.x, y: node.position.y, width: size.width, height: size.height });
  };
  useLayoutEffect(() => {
    if (dock.open.size > 0) revealSelected.current();
  }, [dock.open, selectionKey]);
  const publishCursor = usePublishMapPresence(selectionIds);

  // For the memoised panels: stable callbacks, and the maps read when acted on.
  const latest = useRef({ map, liveMap });
  latest.current = { map, liveMap };
  const getMap = useCallback(() => latest.current.map, []);
  const getLiveMap = useCallback(() => latest.current.liveMap, []);
  const loopNames = useMemo(() => new Map([...loops.notes].map(([key, note]) => [key, note.name])), [loops.notes]);
  const showMatches = useCallback(
    () => fitMap({ ids: [...(kept ?? [])], duration: glide, padding: 0.3 }),
    [fitMap, kept, glide],
  );
  const onNodesDelete = useCallback(
    (deleted: { id: string }[]) => {
      const ids = deleted.map((n) => n.id);
      for (const id of ids.filter((id) => groupIds.has(id))) removeGroup(conn.doc, id);
      removeElements(conn.doc, ids.filter((id) => !groupIds.has(id)));
    },
    [conn, groupIds],
  );
  const onEdgesDelete = useCallback((deleted: { id: string }[]) => removeConnections(conn.doc, deleted.map((e) => e.id)), [conn]);

  const panels: DockPanel[] = [
    {
      id: 'details',
      label: 'Details',
      content: (
        <Inspector
          map={panelMap}
          selectedElement={selectedElement}
          selectedConnection={selectedConnection}
          selectedGroup={selectedGroup}
          readOnly={readOnly}
          actor={actor}
          onSelect={select}
          focusLabelOf={focusLabelOf}
        />
      ),
    },
    {
      id: 'loops',
      label: 'Loops',
      count: loops.result.loops.length,
      content: <LoopsPanel map={panelMap} result={loops.result} notes={loops.notes} broken={loops.broken} readOnly={readOnly} actor={actor} onHighlight={setHighlight} />,
    },
    {
      id: 'lens',
      label: 'Look at',
      content: (
        <LensPanel
          map={panelMap}
          lens={lens}
          mode={lensMode}
          matches={kept?.size ?? panelMap.elements.length}
          onChange={setLens}
          onMode={setLensMode}
          sizeBy={sizeBy}
          onSizeBy={setSizeBy}
          ranking={ranking}
          onShowMatches={showMatches}
        />
      ),
    },
    { id: 'versions', label: 'Versions', content: <VersionsPanel getLiveMap={getLiveMap} readOnly={readOnly} viewing={viewing} onView={setViewing} /> },
    {
      id: 'import-export',
      label: 'Import and export',
      content: <ImportExport getMap={getMap} fitMap={fitMap} empty={map.elements.length === 0} title={title} readOnly={readOnly} actor={actor} />,
    },
    ...(room.panels ?? NO_PANELS),
  ];

  return (
    <div className={`map-editor${dock.open.size > 0 ? ' has-open-panel' : ''}`} ref={fullscreen.ref} onKeyDown={onKeyDown}>
      <header className="room-bar">
        {room.start}
        <div className="room-bar-tools">
          <div className="room-bar-group" role="group" aria-label="View">
            <button type="button" className="button-secondary" aria-pressed={view === 'canvas'} onClick={() => setView('canvas')}>
              Map
            </button>
            <button type="button" className="button-secondary" aria-pressed={view === 'outline'} onClick={() => setView('outline')}>
              Outline
            </button>
            <div className="field-check">
              <input id={`${kindId}-motion`} type="checkbox" checked={reduceMotion} onChange={(e) => setReduceMotion(e.target.checked)} />
              <label htmlFor={`${kindId}-motion`}>Reduce motion</label>
            </div>
          </div>
          {room.end}
          <div className="room-bar-group">
            <button type="button" className="button-secondary" aria-expanded={dock.open.has('import-export')} aria-controls="panel-import-export" onClick={() => dock.toggle('import-export', true)}>
              Export
            </button>
            {fullscreen.supported && (
              <button type="button" className="button-secondary map-fullscreen" aria-pressed={fullscreen.active} onClick={fullscreen.toggle}>
                Full screen
              </button>
            )}
          </div>
        </div>
      </header>
      <div className="map-stage">
        <div className="map-overlay">
          {!readOnly && (
            <MapTools
              kind={kind}
              onKind={setKind}
              onAdd={() => addNear(selectedElement)}
              onAddConnected={selectedElement ? () => addNear(selectedElement, true) : null}
              onAddFrame={addFrame}
              undo={canUndo ? undo : null}
              redo={canRedo ? redo : null}
              onTemplate={addTemplate}
              onTidy={map.elements.length < 2 ? null : () => tidy()}
              onTidySelection={selectedNodes.length > 0 ? () => tidy(selectedNodes.map((n) => n.id)) : null}
            />
          )}
          {room.notices}
          <ErrorMessage>{error ?? fullscreen.error}</ErrorMessage>
          <Status>{connectNote}</Status>
          {viewing && (
            <div className="notice viewing-version" role="status">
              Viewing the version “{viewing.name}” (read-only).{' '}
              <button type="button" className="button-secondary" onClick={() => setViewing(null)}>
                Back to the live map
              </button>
            </div>
          )}
          {!readOnly && view === 'canvas' && map.elements.length === 0 && map.groups.length === 0 && (
            <div className="map-empty" role="group" aria-label="Start from a template">
              <p>
                <strong>An empty map.</strong> Add an element, or start from a template:
              </p>
              <ul>
                {TEMPLATES.filter((t) => t.id !== 'blank').map((t) => (
                  <li key={t.id}>
                    <button type="button" className="button-link" onClick={() => addTemplate(t.id)}>
                      {t.name}
                    </button>
                    <span className="hint"> – {t.summary}</span>
                  </li>
                ))}
              </ul>
            </div>
          )}
        </div>
        {/* Before the canvas: Tab reaches the panels without passing every element on the map. */}
        <PanelRail panels={panels} dock={dock} />
        <PanelDock panels={panels} dock={dock} />
        {view === 'outline' && (
          <Outline
            map={panelMap}
            loops={loops.result.loops}
            loopNames={loopNames}
            selectedId={selectionIds.length === 1 ? selectionIds[0]! : null}
            onSelect={select}
          />
        )}
        <div
          ref={canvasRef}
          hidden={view !== 'canvas'}
          className={`map-canvas${far ? ' is-zoomed-out' : ''}`}
          aria-label="System map canvas"
          onPointerMove={(e) => {
            const point = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
            publishCursor(point);
            // Not while a button is down: a pan or a drag is under way.
            if (far && e.buttons === 0) {
              const id = elementAt(shownNodes, point);
              if (id !== hovered) setHovered(id);
            }
          }}
          onPointerLeave={(e) => {
            publishCursor(null);
            if (hovered && e.buttons === 0) setHovered(null);
          }}
        >
          <ElementStoreContext.Provider value={elementStore}>
            <EdgeLabelLayer hidden={edgeLabelsHidden}>
              <ReactFlow
                nodes={flowNodes}
                // A large map zoomed out draws its connections on a canvas instead (ZoomedOutCanvas).
                edges={flowEdges}
                nodeTypes={nodeTypes}
                edgeTypes={edgeTypes}
                onNodesChange={onNodesChange}
                onEdgesChange={onEdgesChange}
                onConnect={readOnly ? undefined : onConnect}
                onConnectStart={readOnly ? undefined : dragConnect.onConnectStart}
                onConnectEnd={readOnly ? undefined : dragConnect.onConnectEnd}
                // Loose: a drag may end on any of the target's handles, all of them sources.
                connectionMode={ConnectionMode.Loose}
                connectionRadius={CONNECTION_RADIUS}
                isValidConnection={distinctEnds}
                onNodesDelete={onNodesDelete}
                onEdgesDelete={onEdgesDelete}
                onPaneClick={throughEdges.length > 0 ? selectThroughLink : undefined}
                nodesDraggable={!readOnly}
                nodesConnectable={!readOnly}
                elementsSelectable
                deleteKeyCode={readOnly ? null : DELETE_KEYS}
                fitView
                fitViewOptions={FIT_VIEW_OPTIONS}
                onlyRenderVisibleElements
                minZoom={0.1}
                maxZoom={2.5}
                proOptions={PRO_OPTIONS}
              >
                <Background gap={24} />
                <Controls showInteractive={false} showFitView={false}>
                  {/* React Flow's own would fit what it draws, which zoomed out is not the whole map. */}
                  <ControlButton className="react-flow__controls-fitview" onClick={() => fitMap({ duration: glide })} title="Fit view" aria-label="Fit view">
                    <svg viewBox="0 0 32 30" aria-hidden="true">
                      <path d="M3.692 4.63c0-.53.4-.938.939-.938h5.215V0H4.708C2.13 0 0 2.054 0 4.63v5.216h3.692V4.631zM27.354 0h-5.2v3.692h5.17c.53 0 .984.4.984.939v5.215H32V4.631A4.624 4.624 0 0027.354 0zm.954 24.83c0 .532-.4.94-.939.94h-5.215v3.768h5.215c2.577 0 4.631-2.13 4.631-4.707v-5.139h-3.692v5.139zm-23.677.94c-.531 0-.939-.4-.939-.94v-5.138H0v5.139c0 2.577 2.13 4.707 4.708 4.707h5.138V25.77H4.631z" />
                    </svg>
                  </ControlButton>
                </Controls>
                {/* The minimap shows what React Flow draws, which zoomed out is a few elements, and
                    is an SVG of every node otherwise: a large map has the overview, drawn on a
                    canvas from our own list, at every zoom. Mounting the minimap's 2,000 nodes
                    was part of the slow frame of zooming in past the canvas. */}
                {large ? <MapOverview nodes={shownNodes} /> : <MiniMap pannable zoomable position="bottom-left" ariaLabel="Overview of the whole map" />}
                <RemoteCursors presences={remote} />
                {far && <ZoomedOutCanvas nodes={shownNodes} edges={shownEdges} />}
                {throughEdges.length > 0 && <ThroughLinks edges={throughEdges} boxOf={boxOf} />}
                <LoopMarkers loops={loops.result.loops} notes={loops.notes} boxOf={boxOf} />
              </ReactFlow>
            </EdgeLabelLayer>
          </ElementStoreContext.Provider>
          {offerFrom && !readOnly && (
            <ConnectOfferPopover
              offer={dragConnect.offer!}
              what={ELEMENT_KIND_LABELS[kind].toLowerCase()}
              fromLabel={offerFrom.label}
              onCancel={dragConnect.closeOffer}
              onAdd={() => {
                addNear(offerFrom, true, dragConnect.offer!.at);
                dragConnect.closeOffer();
              }}
            />
          )}
        </div>
        <p className="map-count" aria-live="off">
          {map.elements.length} elements · {map.connections.length} connections
        </p>
      </div>
    </div>
  );
}

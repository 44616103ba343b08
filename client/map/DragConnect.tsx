/**
 * Drawing a connection by dragging: where a drag from an element's handle ends decides what
 * happens. On another element's body, anywhere on it, it connects the two (React Flow only
 * connects a drop near a handle); on the element it started from, it says so; on empty canvas,
 * it offers to add a new element there, connected.
 */
import { useStoreApi, type Connection, type FinalConnectionState, type InternalNode, type Node } from '@xyflow/react';
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import { elementAt } from './ZoomedOutCanvas.js';

/** Where a dragged connection was dropped on empty canvas: in map coordinates and on screen. */
export type ConnectOffer = { from: string; at: { x: number; y: number }; left: number; top: number; flip: { x: boolean; y: boolean } };

/** A drag may connect two elements, never an element to itself. */
export function distinctEnds(c: Connection | { source: string; target: string }): boolean {
  return c.source !== c.target;
}

/**
 * Keeps `--map-zoom` on `ref`'s element at React Flow's zoom, for what is sized in screen pixels
 * at every zoom (the connection handles). Written to the DOM from a store subscription, not
 * rendered: a zoom re-renders nothing, and a pan writes nothing.
 */
export function useZoomVariable(ref: RefObject<HTMLElement | null>): void {
  const storeApi = useStoreApi();
  useEffect(() => {
    let written = 0;
    const write = (zoom: number) => {
      if (zoom === written || !ref.current) return;
      written = zoom;
      ref.current.style.setProperty('--map-zoom', String(zoom));
    };
    write(storeApi.getState().transform[2]);
    return storeApi.subscribe((state) => write(state.transform[2]));
  }, [storeApi, ref]);
}

/**
 * What a connection dragged from a handle does where it is dropped (React Flow's `onConnectEnd`).
 * A drop React Flow found valid (near a handle) has already been connected by `onConnect`.
 *
 * @example
 * const drag = useDragConnect({ getNodes: () => shownNodes, connect, say: setNote, toFlow: flow.screenToFlowPosition });
 * <ReactFlow onConnectStart={drag.onConnectStart} onConnectEnd={drag.onConnectEnd} ... />
 */
export function useDragConnect(options: {
  /** Every element node, drawn by React Flow or not (zoomed out, most are on a canvas). */
  getNodes: () => readonly Node[];
  connect: (from: string, to: string) => void;
  say: (note: string) => void;
  toFlow: (point: { x: number; y: number }) => { x: number; y: number };
  canvas: RefObject<HTMLElement | null>;
}) {
  const [offer, setOffer] = useState<ConnectOffer | null>(null);
  const latest = useRef(options);
  latest.current = options;
  const onConnectEnd = useCallback((event: MouseEvent | TouchEvent, state: FinalConnectionState<InternalNode>) => {
    const { getNodes, connect, say, toFlow, canvas } = latest.current;
    if (state.isValid || !state.fromNode) return;
    const from = state.fromNode.id;
    const pointer = 'changedTouches' in event ? event.changedTouches[0] : event;
    if (!pointer) return;
    const screen = { x: pointer.clientX, y: pointer.clientY };
    const at = toFlow(screen);
    const onto = elementAt(getNodes(), at);
    if (onto && onto !== from) return connect(from, onto);
    if (onto === from) return say('To connect, drop on another element.');
    // Over the pane, not a panel or control floating over it, nor outside the canvas.
    const under = document.elementFromPoint(screen.x, screen.y);
    const box = canvas.current?.getBoundingClientRect();
    if (!box || !under?.closest('.react-flow__pane')) return say('Not connected: drop on an element, or on empty space to add one.');
    const [left, top] = [screen.x - box.left, screen.y - box.top];
    // Opens towards the middle of the canvas, so that it is not cut off at an edge.
    setOffer({ from, at, left, top, flip: { x: left > box.width / 2, y: top > box.height / 2 } });
  }, []);
  // A new drag withdraws an offer still open and what the last one said.
  const onConnectStart = useCallback(() => {
    setOffer(null);
    latest.current.say('');
  }, []);
  return { onConnectStart, onConnectEnd, offer, closeOffer: useCallback(() => setOffer(null), []) };
}

/**
 * The offer made where a connection was dropped on empty canvas: add an element there,
 * connected from where the drag began. Escape, or Cancel, withdraws it.
 */
export function ConnectOfferPopover({ offer, what, fromLabel, onAdd, onCancel }: { offer: ConnectOffer; what: string; fromLabel: string; onAdd: () => void; onCancel: () => void }) {
  const add = useRef<HTMLButtonElement>(null);
  useEffect(() => add.current?.focus(), [offer]);
  return (
    <div
      className={`map-connect-offer${offer.flip.x ? ' is-flipped-x' : ''}${offer.flip.y ? ' is-flipped-y' : ''}`}
      role="dialog"
      aria-label="Add a connected element"
      style={{ left: offer.left, top: offer.top }}
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        event.stopPropagation();
        onCancel();
      }}
    >
      <p>
        Add a {what} here, connected from “{fromLabel}”?
      </p>
      <button type="button" ref={add} onClick={onAdd}>
        Add
      </button>{' '}
      <button type="button" className="button-secondary" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}

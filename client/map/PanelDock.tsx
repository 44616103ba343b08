/**
 * The map room's panels (details, loops, look at, versions, import and export, parking lot):
 * opened from a rail of buttons and drawn over the canvas, so the canvas keeps the whole window
 * whether or not a panel is open. Beside the canvas on a wide screen, a bottom sheet on a
 * phone (styles.css). Several may be open at once, stacked in the order of the rail.
 *
 * A closed panel stays mounted (hidden): what it holds (a half-typed note, an import's report,
 * the version being compared, the page of loops shown) is still there when it opens again.
 */
import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

export interface DockPanel {
  id: string;
  /** The rail button's name, and the panel's accessible name. */
  label: string;
  /** A number shown on the button (loops found, open comments). */
  count?: number;
  content: ReactNode;
}

export interface PanelDockState {
  open: ReadonlySet<string>;
  /** Opens or closes a panel; `focus` moves keyboard focus into it when it opens. */
  toggle(id: string, focus?: boolean): void;
  /** Opens a panel without moving focus (the details of what was just selected). */
  show(id: string): void;
  close(id: string): void;
  /** The panel a rail press asked to focus, read once by the dock. */
  focusRequest: React.MutableRefObject<string | null>;
}

export function usePanelDock(): PanelDockState {
  const [open, setOpen] = useState<ReadonlySet<string>>(() => new Set());
  const focusRequest = useRef<string | null>(null);
  const toggle = useCallback((id: string, focus = false) => {
    setOpen((was) => {
      const next = new Set(was);
      if (next.has(id)) next.delete(id);
      else {
        next.add(id);
        if (focus) focusRequest.current = id;
      }
      return next;
    });
  }, []);
  const show = useCallback((id: string) => setOpen((was) => (was.has(id) ? was : new Set(was).add(id))), []);
  const close = useCallback(
    (id: string) =>
      setOpen((was) => {
        if (!was.has(id)) return was;
        const next = new Set(was);
        next.delete(id);
        return next;
      }),
    [],
  );
  return { open, toggle, show, close, focusRequest };
}

const railButtonId = (id: string) => `panel-button-${id}`;
const panelId = (id: string) => `panel-${id}`;

/** The buttons that open and close the panels: always in view, one press from any panel. */
export function PanelRail({ panels, dock }: { panels: readonly DockPanel[]; dock: PanelDockState }) {
  return (
    <div className="panel-rail" role="toolbar" aria-label="Panels" aria-orientation="vertical">
      {panels.map((p) => (
        <button
          key={p.id}
          id={railButtonId(p.id)}
          type="button"
          className="panel-rail-button"
          aria-expanded={dock.open.has(p.id)}
          aria-controls={panelId(p.id)}
          onClick={() => dock.toggle(p.id, true)}
        >
          {p.label}
          {p.count !== undefined && <span className="panel-rail-count"> ({p.count})</span>}
        </button>
      ))}
    </div>
  );
}

/**
 * The open panels, each with a close button; Escape (outside a field) closes the panel it is
 * pressed in and gives focus back to its button on the rail.
 */
export function PanelDock({ panels, dock }: { panels: readonly DockPanel[]; dock: PanelDockState }) {
  const refs = useRef(new Map<string, HTMLDivElement>());
  useEffect(() => {
    const id = dock.focusRequest.current;
    if (!id || !dock.open.has(id)) return;
    dock.focusRequest.current = null;
    const panel = refs.current.get(id);
    panel?.focus();
    panel?.scrollIntoView({ block: 'nearest' });
  }, [dock.open, dock.focusRequest]);

  function closeAndReturn(id: string) {
    dock.close(id);
    document.getElementById(railButtonId(id))?.focus();
  }

  function onKeyDown(id: string, event: KeyboardEvent) {
    if (event.key !== 'Escape' || event.defaultPrevented) return;
    // A field's own Escape (cancel an edit, close a list) comes first.
    if ((event.target as HTMLElement).closest('input, textarea, select, [contenteditable="true"]')) return;
    event.preventDefault();
    closeAndReturn(id);
  }

  const anyOpen = panels.some((p) => dock.open.has(p.id));
  return (
    <div className="panel-dock" hidden={!anyOpen}>
      {panels.map((p) => (
        <div
          key={p.id}
          id={panelId(p.id)}
          ref={(el) => {
            if (el) refs.current.set(p.id, el);
            else refs.current.delete(p.id);
          }}
          className={`dock-panel dock-panel-${p.id}`}
          // The panel names itself (its own section and heading); this is where focus lands.
          tabIndex={-1}
          hidden={!dock.open.has(p.id)}
          onKeyDown={(e) => onKeyDown(p.id, e)}
        >
          <button type="button" className="dock-close" aria-label={`Close ${p.label.toLowerCase()}`} title="Close (Esc)" onClick={() => closeAndReturn(p.id)}>
            ×
          </button>
          {p.content}
        </div>
      ))}
    </div>
  );
}

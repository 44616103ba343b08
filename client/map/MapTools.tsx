/**
 * The map's tools, floating over the top of the canvas: add an element (of the chosen kind),
 * a connected one or a frame, undo and redo, a template, and tidy. A tool that cannot act now
 * is given no handler (null) and shows disabled, or not at all for Tidy selection.
 */
import { useId } from 'react';
import { ELEMENT_KINDS, ELEMENT_KIND_LABELS, type ElementKind } from '../../shared/map/model.js';
import { TEMPLATES, type TemplateId } from '../../shared/map/templates.js';

type Action = (() => void) | null;

export interface MapToolsProps {
  kind: ElementKind;
  onKind(kind: ElementKind): void;
  onAdd(): void;
  onAddConnected: Action;
  onAddFrame(): void;
  undo: Action;
  redo: Action;
  onTemplate(id: TemplateId): void;
  onTidy: Action;
  onTidySelection: Action;
}

export function MapTools(props: MapToolsProps) {
  const id = useId();
  return (
    <div className="toolbar map-toolbar" role="toolbar" aria-label="Map tools">
      <label htmlFor={id} className="visually-hidden">
        Kind of element to add
      </label>
      <select id={id} value={props.kind} onChange={(e) => props.onKind(e.target.value as ElementKind)}>
        {ELEMENT_KINDS.map((k) => (
          <option key={k} value={k}>
            {ELEMENT_KIND_LABELS[k]}
          </option>
        ))}
      </select>
      <button type="button" onClick={props.onAdd}>
        Add element
      </button>
      <button
        type="button"
        className="button-secondary"
        onClick={props.onAddConnected ?? undefined}
        disabled={!props.onAddConnected}
        aria-keyshortcuts="Control+Enter Meta+Enter"
        title="Add an element connected from the selected one (Ctrl+Enter)"
      >
        Add connected element
      </button>
      <button type="button" className="button-secondary" onClick={props.onAddFrame}>
        Add frame
      </button>
      <button type="button" className="button-secondary" onClick={props.undo ?? undefined} disabled={!props.undo} aria-keyshortcuts="Control+Z">
        Undo
      </button>
      <button type="button" className="button-secondary" onClick={props.redo ?? undefined} disabled={!props.redo} aria-keyshortcuts="Control+Shift+Z">
        Redo
      </button>
      <label htmlFor={`${id}-template`} className="visually-hidden">
        Add a template
      </label>
      <select
        id={`${id}-template`}
        value=""
        onChange={(e) => {
          if (e.target.value) props.onTemplate(e.target.value as TemplateId);
        }}
      >
        <option value="">Add a template…</option>
        {TEMPLATES.filter((t) => t.id !== 'blank').map((t) => (
          <option key={t.id} value={t.id}>
            {t.name}
          </option>
        ))}
      </select>
      <button type="button" className="button-secondary" disabled={!props.onTidy} onClick={props.onTidy ?? undefined}>
        Tidy layout
      </button>
      {props.onTidySelection && (
        <button type="button" className="button-secondary" onClick={props.onTidySelection} title="Arrange the selected elements around the others, which stay where they are">
          Tidy selection
        </button>
      )}
    </div>
  );
}

/**
 * The menu that opens when someone types "@" in a document: the site's map elements and named
 * loops that match what follows, chosen with the arrow keys and Enter (or a click). It is a
 * listbox tied to the editor with aria-activedescendant, so a screen reader announces the
 * highlighted choice while focus stays in the text.
 */
import { forwardRef, useEffect, useImperativeHandle, useState } from 'react';
import type { Mentionable } from '../../shared/api.js';

export interface MentionMenuProps {
  items: Mentionable[];
  loading: boolean;
  error: string | null;
  query: string;
  command: (item: Mentionable) => void;
}

export interface MentionMenuHandle {
  onKeyDown: (event: KeyboardEvent) => boolean;
}

export const MENTION_MENU_ID = 'mention-menu';
export const mentionOptionId = (i: number) => `mention-option-${i}`;

export const MentionMenu = forwardRef<MentionMenuHandle, MentionMenuProps>(function MentionMenu({ items, loading, error, query, command }, ref) {
  const [active, setActive] = useState(0);
  useEffect(() => setActive(0), [items]);
  // Focus stays in the text; the editor points assistive technology at the highlighted choice.
  useEffect(() => {
    document.querySelector(`[aria-controls="${MENTION_MENU_ID}"]`)?.setAttribute('aria-activedescendant', mentionOptionId(active));
  }, [active]);

  useImperativeHandle(ref, () => ({
    onKeyDown(event) {
      if (event.key === 'ArrowDown') {
        setActive((i) => (items.length ? (i + 1) % items.length : 0));
        return true;
      }
      if (event.key === 'ArrowUp') {
        setActive((i) => (items.length ? (i - 1 + items.length) % items.length : 0));
        return true;
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        const item = items[active];
        if (!item) return false;
        command(item);
        return true;
      }
      return false;
    },
  }));

  return (
    <div className="mention-menu" role="listbox" id={MENTION_MENU_ID} aria-label="Map elements and loops to mention">
      {error ? (
        <p className="mention-empty">{error}</p>
      ) : items.length === 0 ? (
        <p className="mention-empty">{loading ? 'Looking…' : query ? `No element or named loop matches “${query}”.` : 'Type to find a map element or loop.'}</p>
      ) : (
        items.map((item, i) => (
          <div
            key={`${item.roomId}:${item.targetId}`}
            id={mentionOptionId(i)}
            role="option"
            aria-selected={i === active}
            className="mention-option"
            onMouseDown={(e) => {
              e.preventDefault();
              command(item);
            }}
            onMouseEnter={() => setActive(i)}
          >
            <span className="mention-kind">{item.targetKind === 'loop' ? 'Loop' : 'Element'}</span> {item.label}
            <span className="hint"> · {item.roomTitle}</span>
          </div>
        ))
      )}
    </div>
  );
});

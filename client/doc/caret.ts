/**
 * How other people's carets look in a document: a bar in their colour with their name and
 * organisation, so "who is typing here" also says which agency. Built with DOM text nodes:
 * awareness comes from other browsers and is never trusted as HTML.
 */
import { PRESENCE_FIELD, readPresence } from '../../shared/doc/presence.js';

export function renderCaret(state: Record<string, unknown>): HTMLElement {
  // The caret extension passes the awareness `user` field (ours: PresenceUser) with a
  // sanitised `color` added.
  const person = readPresence({ [PRESENCE_FIELD]: state });
  const colour = person?.colour ?? '#555555';
  const caret = document.createElement('span');
  caret.className = 'collaboration-carets__caret';
  caret.style.borderColor = colour;
  const label = document.createElement('span');
  label.className = 'collaboration-carets__label';
  label.style.backgroundColor = colour;
  label.textContent = person ? (person.organisation ? `${person.name} · ${person.organisation}` : person.name) : 'Someone';
  caret.append(label);
  return caret;
}

/**
 * Hygiene for the one-line text people give the workspace and everyone else sees: room titles,
 * site names, people's names and organisations. Such text is shown in lists, headings,
 * breadcrumbs, presence and exports, so characters that are invisible or that change how the
 * text around them is drawn are refused:
 *
 * - C0 and C1 control characters (U+0000–U+001F, U+007F–U+009F), NUL, tab and newline
 *   included: nothing legitimate in a name needs them, and NUL or an escape breaks logs,
 *   terminals (the CLI's tables) and CSV exports;
 * - U+2028 and U+2029, line and paragraph separators: line breaks in disguise;
 * - the bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): one of these
 *   makes text display in an order other than the one it is stored in, so a title with U+202E
 *   in the middle reads backwards from there ("Trojan Source", CVE-2021-42574), and an unclosed one
 *   reorders the text after it on the page;
 * - lone surrogates: broken UTF-16 that storage would silently turn into U+FFFD.
 *
 * Allowed on purpose: the directional marks U+200E, U+200F and U+061C (LRM, RLM, ALM). They
 * are how a name mixing Arabic or Hebrew with Latin script is written correctly, and, being
 * invisible strong characters rather than embeddings, they only settle the direction of the
 * neutral characters next to them: they cannot reverse a run of text. Zero-width joiners and
 * non-joiners (U+200C, U+200D) are allowed too: Persian, Indic scripts and emoji need them.
 *
 * The zod schemas in `shared/api.ts` refuse such text (400 with the message from
 * `unsafeTextMessage`), so the server and the client agree; `cleanText` removes it, for forms
 * where the person could not see, let alone delete, what was pasted.
 */

export type UnsafeKind = 'control' | 'line break' | 'bidi control' | 'broken character';

export interface UnsafeCharacter {
  /** UTF-16 index in the text. */
  index: number;
  codePoint: number;
  kind: UnsafeKind;
}

const BIDI_NAMES: Record<number, string> = {
  0x202a: 'left-to-right embedding',
  0x202b: 'right-to-left embedding',
  0x202c: 'pop directional formatting',
  0x202d: 'left-to-right override',
  0x202e: 'right-to-left override',
  0x2066: 'left-to-right isolate',
  0x2067: 'right-to-left isolate',
  0x2068: 'first strong isolate',
  0x2069: 'pop directional isolate',
};

function kindOf(codePoint: number): UnsafeKind | null {
  if (codePoint <= 0x1f || (codePoint >= 0x7f && codePoint <= 0x9f)) {
    return codePoint === 0x0a || codePoint === 0x0d ? 'line break' : 'control';
  }
  if (codePoint === 0x2028 || codePoint === 0x2029) return 'line break';
  if (codePoint in BIDI_NAMES) return 'bidi control';
  // Iterating a string yields a surrogate on its own only when it is unpaired.
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return 'broken character';
  return null;
}

/**
 * The first character of `text` that one-line text may not hold, or null when there is none.
 *
 * @example
 * findUnsafeCharacter('Budget\u202Etxt') // { index: 6, codePoint: 0x202e, kind: 'bidi control' }
 * findUnsafeCharacter('Torbay \u200Fمرحبا') // null: a right-to-left mark is allowed
 */
export function findUnsafeCharacter(text: string): UnsafeCharacter | null {
  let index = 0;
  for (const char of text) {
    const codePoint = char.codePointAt(0)!;
    const kind = kindOf(codePoint);
    if (kind) return { index, codePoint, kind };
    index += char.length;
  }
  return null;
}

function hex(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * What is wrong with `text`, said so a person can fix it, or null when nothing is.
 *
 * @example
 * unsafeTextMessage('Loops\u202E') // 'contains an invisible right-to-left override (U+202E) at character 6, which can make text show in a misleading order; remove it'
 */
export function unsafeTextMessage(text: string): string | null {
  const found = findUnsafeCharacter(text);
  if (!found) return null;
  const at = `at character ${found.index + 1}`;
  switch (found.kind) {
    case 'bidi control':
      return `contains an invisible ${BIDI_NAMES[found.codePoint]} (${hex(found.codePoint)}) ${at}, which can make text show in a misleading order; remove it`;
    case 'line break':
      return `contains a line break ${at}; keep it on one line`;
    case 'broken character':
      return `contains a broken character (an unpaired ${hex(found.codePoint)}) ${at}; retype it`;
    case 'control':
      return found.codePoint === 0x09
        ? `contains a tab ${at}; use a space instead`
        : `contains an invisible control character (${hex(found.codePoint)}) ${at}; remove it`;
  }
}

/**
 * `text` without what `findUnsafeCharacter` refuses: tabs and line breaks become spaces (a
 * pasted spreadsheet cell or a two-line name stays readable), everything else is removed.
 *
 * @example
 * cleanText('Torbay\tmap\u202E') // 'Torbay map'
 */
export function cleanText(text: string): string {
  let out = '';
  for (const char of text) {
    const codePoint = char.codePointAt(0)!;
    const kind = kindOf(codePoint);
    if (kind === null) out += char;
    else if (kind === 'line break' || codePoint === 0x09) out += ' ';
  }
  return out;
}

/**
 * `text` within `max` characters: as it is when it fits, else cut with an ellipsis as its last
 * character.
 *
 * @example
 * shorten('Workshop record: Spring mapping', 20) // 'Workshop record: Sp…'
 */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  // A cut between the two halves of a surrogate pair would leave half an emoji.
  let end = max - 1;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

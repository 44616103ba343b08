import { describe, expect, it } from 'vitest';
import { cleanText, findUnsafeCharacter, shorten, unsafeTextMessage } from './text.js';

const char = (codePoint: number) => String.fromCodePoint(codePoint);

describe('findUnsafeCharacter', () => {
  it.each([
    ['NUL', 0x00, 'control'],
    ['bell', 0x07, 'control'],
    ['tab', 0x09, 'control'],
    ['newline', 0x0a, 'line break'],
    ['carriage return', 0x0d, 'line break'],
    ['escape', 0x1b, 'control'],
    ['unit separator', 0x1f, 'control'],
    ['DEL', 0x7f, 'control'],
    ['C1 padding character', 0x80, 'control'],
    ['C1 next line', 0x85, 'control'],
    ['C1 application program command', 0x9f, 'control'],
    ['line separator', 0x2028, 'line break'],
    ['paragraph separator', 0x2029, 'line break'],
    ['left-to-right embedding', 0x202a, 'bidi control'],
    ['right-to-left embedding', 0x202b, 'bidi control'],
    ['pop directional formatting', 0x202c, 'bidi control'],
    ['left-to-right override', 0x202d, 'bidi control'],
    ['right-to-left override', 0x202e, 'bidi control'],
    ['left-to-right isolate', 0x2066, 'bidi control'],
    ['right-to-left isolate', 0x2067, 'bidi control'],
    ['first strong isolate', 0x2068, 'bidi control'],
    ['pop directional isolate', 0x2069, 'bidi control'],
    ['lone high surrogate', 0xd83d, 'broken character'],
    ['lone low surrogate', 0xdc4d, 'broken character'],
  ])('refuses a %s', (_name, codePoint, kind) => {
    expect(findUnsafeCharacter(`Loops ${char(codePoint)} here`)).toEqual({ index: 6, codePoint, kind });
  });

  it.each([
    ['plain ASCII', 'Torbay system map'],
    ['accents and other scripts', 'Café – Ōtautahi – 東京 – Ελληνικά'],
    ['emoji, including joined sequences and astral characters', 'Team 👩‍👩‍👧 🧭 𝔐'],
    ['right-to-left text with its marks (LRM, RLM, ALM)', `שלום ${char(0x200f)}Torbay${char(0x200e)} مرحبا${char(0x061c)}`],
    ['zero-width (non-)joiners', `می${char(0x200c)}خواهم क्${char(0x200d)}ष`],
    ['non-breaking and other spaces', `a${char(0xa0)}b${char(0x2009)}c`],
    ['the empty string', ''],
  ])('allows %s', (_what, text) => {
    expect(findUnsafeCharacter(text)).toBeNull();
  });

  it('reports the first unsafe character by its UTF-16 index, after astral characters', () => {
    expect(findUnsafeCharacter(`🧭🧭${char(0x202e)}x${char(0)}`)).toEqual({ index: 4, codePoint: 0x202e, kind: 'bidi control' });
  });
});

describe('unsafeTextMessage', () => {
  it('names the character, where it is, and what to do', () => {
    expect(unsafeTextMessage(`Budget${char(0x202e)}fdp.exe`)).toBe(
      'contains an invisible right-to-left override (U+202E) at character 7, which can make text show in a misleading order; remove it',
    );
    expect(unsafeTextMessage('a\tb')).toBe('contains a tab at character 2; use a space instead');
    expect(unsafeTextMessage('a\nb')).toBe('contains a line break at character 2; keep it on one line');
    expect(unsafeTextMessage(`a${char(0)}`)).toBe('contains an invisible control character (U+0000) at character 2; remove it');
    expect(unsafeTextMessage(`a${char(0x9b)}`)).toBe('contains an invisible control character (U+009B) at character 2; remove it');
    expect(unsafeTextMessage(`a${char(0xd800)}`)).toBe('contains a broken character (an unpaired U+D800) at character 2; retype it');
  });

  it('is null for text that is fine', () => {
    expect(unsafeTextMessage(`Torbay ${char(0x200f)}`)).toBeNull();
  });
});

describe('cleanText', () => {
  it('turns tabs and line breaks into spaces and drops the rest', () => {
    expect(cleanText(`Torbay\tmap\r\nnotes${char(0x2028)}x`)).toBe('Torbay map  notes x');
    expect(cleanText(`${char(0x202e)}Budget${char(0x2066)} ${char(0)}${char(0x85)}${char(0xdc00)}plan${char(0x202c)}`)).toBe('Budget plan');
  });

  it('leaves allowed text exactly as it was', () => {
    const text = `שלום ${char(0x200f)}Torbay 👩‍👩‍👧 می${char(0x200c)}خواهم`;
    expect(cleanText(text)).toBe(text);
  });

  it('leaves nothing findUnsafeCharacter refuses, whatever the input', () => {
    // Every BMP code point, and a few astral ones, through one string.
    let all = '';
    for (let cp = 0; cp <= 0xffff; cp++) all += String.fromCharCode(cp);
    all += '🧭𝔐';
    const cleaned = cleanText(all);
    expect(findUnsafeCharacter(cleaned)).toBeNull();
    expect(cleaned).toContain('🧭𝔐');
  });
});

describe('shorten', () => {
  it('keeps text that fits, and cuts longer text to the limit with an ellipsis', () => {
    expect(shorten('Torbay', 6)).toBe('Torbay');
    expect(shorten('Torbay map', 6)).toBe('Torba…');
    expect(shorten('Torbay map', 6)).toHaveLength(6);
  });
});

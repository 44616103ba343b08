import { describe, expect, it } from 'vitest';
import { absoluteUrl, count, excerpt, lessonAnchor, tagList, text, timeElement } from './html.js';

describe('text', () => {
  it('escapes and drops invisible controls', () => {
    expect(text('<b>Torbay</b> & "Paignton" \'x\'')).toBe('&lt;b&gt;Torbay&lt;/b&gt; &amp; &quot;Paignton&quot; &#39;x&#39;');
    expect(text('abc\u202Edef\u0000')).toBe('abcdef');
  });
});

describe('timeElement', () => {
  it('says the day in the UK, in words, with the day as its datetime', () => {
    expect(timeElement('2026-03-03T10:00:00.000Z')).toBe('<time datetime="2026-03-03">3 March 2026</time>');
    // 23:30 UTC in summer is already the next day in the UK.
    expect(timeElement('2026-06-30T23:30:00.000Z')).toBe('<time datetime="2026-07-01">1 July 2026</time>');
    expect(timeElement('2026-01-14')).toBe('<time datetime="2026-01-14">14 January 2026</time>');
  });

  it('leaves text that is not a date as escaped text', () => {
    expect(timeElement('soon <b>')).toBe('soon &lt;b&gt;');
  });
});

describe('excerpt', () => {
  it('keeps short text whole, with spacing made single', () => {
    expect(excerpt('  Older people\n\nliving   alone. ', 30)).toBe('Older people living alone.');
  });

  it('cuts long text at a word, with an ellipsis', () => {
    expect(excerpt('Older people living alone call 999 twice as often.', 30)).toBe('Older people living alone call…');
    expect(excerpt('Older people living alone, call 999', 26)).toBe('Older people living alone…');
    expect(excerpt('x'.repeat(50), 10)).toBe(`${'x'.repeat(10)}…`);
  });
});

describe('small helpers', () => {
  it('count, absoluteUrl, lessonAnchor and tagList', () => {
    expect(count(1, 'lesson')).toBe('1 lesson');
    expect(count(0, 'summary', 'summaries')).toBe('0 summaries');
    expect(absoluteUrl({ baseUrl: 'http://localhost:3000//' }, '/learning')).toBe('http://localhost:3000/learning');
    expect(lessonAnchor('a\u202Eb')).toBe('lesson-ab');
    expect(tagList('Themes', [])).toBe('');
    expect(tagList('Themes', [{ label: 'A & B', href: '/learning/lessons?theme=a&site=b' }])).toBe(
      '<ul class="tags" aria-label="Themes"><li><a href="/learning/lessons?theme=a&amp;site=b">A &amp; B</a></li></ul>',
    );
  });
});

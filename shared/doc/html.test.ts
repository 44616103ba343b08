import { HtmlValidate } from 'html-validate';
import { describe, expect, it } from 'vitest';
import { doc, mapRef, paragraph as p, text } from './build.js';
import { normaliseDocJson } from './extensions.js';
import { EVERY_BLOCK } from './fixtures/everyBlock.js';
import { escapeHtml, exportHref, isSafeHref, jsonToHtml, jsonToHtmlFragment } from './html.js';

const ref = (targetKind: 'element' | 'loop', targetId: string, label: string) => mapRef({ roomId: 'torbay-map-0001', targetKind, targetId, label });

describe('HTML export', () => {
  const sample = normaliseDocJson(
    doc(
      { type: 'heading', attrs: { level: 2 }, content: [text('Actions <now>')] },
      p(text('Ask '), text('the ICB', [{ type: 'link', attrs: { href: 'https://example.nhs.uk' } }]), text(' & '), ref('element', 'gp', 'GP <list>')),
      p(text('bad', [{ type: 'link', attrs: { href: 'javascript:alert(1)' } }]), text(' <script>alert(1)</script>')),
      { type: 'taskList', content: [{ type: 'taskItem', attrs: { checked: true }, content: [p(text('Done'))] }] },
      {
        type: 'table',
        content: [
          { type: 'tableRow', content: [{ type: 'tableHeader', content: [p(text('Agency'))] }] },
          { type: 'tableRow', content: [{ type: 'tableCell', content: [p(text('Police'))] }] },
        ],
      },
    ),
  );

  it('writes escaped text, safe links and map references as links to the map', () => {
    const html = jsonToHtmlFragment(sample);
    expect(html).toContain('<h2>Actions &lt;now&gt;</h2>');
    expect(html).toMatch(/<a [^>]*href="https:\/\/example\.nhs\.uk"[^>]*>the ICB<\/a> &amp; /);
    expect(html).toMatch(/<a data-map-ref="" href="\/rooms\/torbay-map-0001\?select=gp"[^>]*>GP &lt;list&gt;<\/a>/);
    expect(html).not.toContain('javascript:');
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toMatch(/<input type="checkbox" checked disabled>/);
    expect(html).toMatch(/<th[^>]*><p>Agency<\/p><\/th>/);
  });

  it('makes a standalone page with a title and a print stylesheet', () => {
    const page = jsonToHtml(sample, { title: 'Torbay & friends' });
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).toContain('<title>Torbay &amp; friends</title>');
    expect(page).toContain('<h1 class="doc-title">Torbay &amp; friends</h1>');
    expect(page).toContain('@media print');
    expect(jsonToHtml(sample)).toContain('<title>Actions &lt;now&gt;</title>');
  });

  it('allows web, mail and relative links, never other schemes or other hosts', () => {
    expect(['https://a.uk', 'http://a.uk', 'mailto:x@a.uk', '/rooms/x', '#s', 'notes/2024.md', './a b.md', '../up', '?q=1', 'https://a.uk/?q=a\tb'].every(isSafeHref)).toBe(true);
    const refused = ['javascript:alert(1)', ' JavaScript:x', 'java\tscript:x', 'java\nscript:x', '\u0001javascript:x', 'data:text/html,x', '//evil.example', '/\\evil.example', '\\\\evil.example', 'file:///etc/passwd', 'javascript&colon;alert(1)', 'vbscript:x', ''];
    expect(refused.filter(isSafeHref)).toEqual([]);
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('makes relative addresses absolute to the workspace when given its address', () => {
    expect(exportHref('/rooms/r1?select=a', 'https://workspace.example')).toBe('https://workspace.example/rooms/r1?select=a');
    expect(exportHref('/rooms/r1', 'https://workspace.example/torbay/')).toBe('https://workspace.example/torbay/rooms/r1');
    expect(exportHref('notes/a.md', 'https://workspace.example/torbay')).toBe('https://workspace.example/torbay/notes/a.md');
    expect(exportHref('#actions', 'https://workspace.example')).toBe('#actions');
    expect(exportHref('https://nhs.uk/x', 'https://workspace.example')).toBe('https://nhs.uk/x');
    expect(exportHref('notes/a.md')).toBe('notes/a.md');
    expect(exportHref('javascript:alert(1)', 'https://workspace.example')).toBeNull();
    expect(() => exportHref('/x', 'ftp://workspace.example')).toThrow(RangeError);
  });

  it('keeps a relative link as a link with its href, and leaves a refused one as words only', () => {
    const json = normaliseDocJson(doc(p(text('notes', [{ type: 'link', attrs: { href: 'notes/2024.md' } }]), text(' '), text('bad', [{ type: 'link', attrs: { href: 'javascript:alert(1)' } }]))));
    expect(jsonToHtmlFragment(json)).toBe('<p><a rel="noopener noreferrer nofollow" href="notes/2024.md">notes</a> bad</p>');
    expect(jsonToHtmlFragment(json, { baseUrl: 'https://workspace.example' })).toContain('href="https://workspace.example/notes/2024.md"');
  });

  it('writes map references and links to rooms absolute with a base URL', () => {
    const html = jsonToHtml(EVERY_BLOCK, { baseUrl: 'https://workspace.example' });
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((match) => match[1]!);
    expect(hrefs).toContain('https://workspace.example/rooms/torbay-map-0001?select=footfall');
    expect(hrefs).toContain('https://workspace.example/rooms/torbay-map-0001');
    expect(hrefs.every((href) => /^(?:https:\/\/|mailto:)/.test(href))).toBe(true);
  });

  it('writes headings 4 to 6 at their own level', () => {
    expect(jsonToHtmlFragment(EVERY_BLOCK).match(/<h([1-6])>/g)).toEqual(['<h1>', '<h2>', '<h3>', '<h4>', '<h5>', '<h6>']);
  });

  it.each([
    ['without options', {}],
    ['with a title and a base URL', { title: 'Torbay & friends', baseUrl: 'https://workspace.example' }],
  ])('writes a page with every block type that html-validate finds no fault in (%s)', async (_, options) => {
    const report = await new HtmlValidate().validateString(jsonToHtml(EVERY_BLOCK, options));
    const faults = report.results.flatMap((result) => result.messages.map((m) => `${m.ruleId} (${m.line}:${m.column}): ${m.message}`));
    expect(faults).toEqual([]);
    expect(report.valid).toBe(true);
  });

  it('writes a page html-validate accepts even with refused links and comment marks', async () => {
    const report = await new HtmlValidate().validateString(jsonToHtml(sample));
    expect(report.results.flatMap((result) => result.messages.map((m) => m.message))).toEqual([]);
  });
});

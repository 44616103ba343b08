import { describe, expect, it } from 'vitest';
import { doc, mapRef, paragraph as p, text } from './build.js';
import { normaliseDocJson } from './extensions.js';
import { escapeHtml, isSafeHref, jsonToHtml, jsonToHtmlFragment } from './html.js';

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
    expect(html).toMatch(/<input type="checkbox" checked="checked" disabled="disabled">/);
    expect(html).toMatch(/<th[^>]*><p>Agency<\/p><\/th>/);
  });

  it('makes a standalone page with a title and a print stylesheet', () => {
    const page = jsonToHtml(sample, { title: 'Torbay & friends' });
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).toContain('<title>Torbay &amp; friends</title>');
    expect(page).toContain('<h1 class="doc-title">Torbay &amp; friends</h1>');
    expect(page).toContain('@media print');
    expect(jsonToHtml(sample)).toContain('<title>Actions &lt;now&gt;</title>');
  });

  it('allows only web, mail and same-site links', () => {
    expect(['https://a.uk', 'http://a.uk', 'mailto:x@a.uk', '/rooms/x', '#s'].every(isSafeHref)).toBe(true);
    expect(['javascript:alert(1)', ' JavaScript:x', 'data:text/html,x', '//evil.example', 'file:///etc/passwd'].some(isSafeHref)).toBe(false);
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

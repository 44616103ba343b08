import { describe, expect, it } from 'vitest';
import { DOCUMENT_HTML_ALLOW_LIST } from '../../../shared/doc/paste.js';
import { dropInvisible, sanitizeHtml, textToHtml } from './sanitize.js';

describe('sanitizeHtml', () => {
  it('keeps the documents’ structure and nothing active', () => {
    const html = '<h2>Actions</h2><p onclick="x()">Book <strong>the</strong> <em>venue</em></p><ul><li>One</li></ul><table><tr><td colspan="2">a</td></tr></table><blockquote>q</blockquote>';
    expect(sanitizeHtml(html)).toBe('<h2>Actions</h2><p>Book <strong>the</strong> <em>venue</em></p><ul><li>One</li></ul><table><tr><td colspan="2">a</td></tr></table><blockquote>q</blockquote>');
  });

  it('drops active and media elements with everything inside them', () => {
    expect(sanitizeHtml('<p>a<script>alert(1)</script>b</p>')).toBe('<p>ab</p>');
    expect(sanitizeHtml('<iframe src="https://evil.example">inside</iframe>after')).toBe('after');
    expect(sanitizeHtml('<svg><a href="https://x.example">in svg</a></svg>tail')).toBe('tail');
    expect(sanitizeHtml('<style>p{}</style><img src=x onerror=alert(1)>text')).toBe('text');
  });

  it('unwraps elements it does not keep, keeping their words', () => {
    expect(sanitizeHtml('<div><span class="x">Hello</span> <font face="Arial">there</font></div>')).toBe('Hello there');
  });

  it('keeps links only to http, https and mailto, as a paste does', () => {
    expect(sanitizeHtml('<a href="https://www.torbay.gov.uk">web</a> <a href="mailto:a@b.example">mail</a>')).toBe('<a href="https://www.torbay.gov.uk">web</a> <a href="mailto:a@b.example">mail</a>');
    // Relative, protocol-relative, script and data addresses: the link goes, the words stay.
    for (const href of ['/learning', '//evil.example/x', 'javascript:alert(1)', 'jAvAsCrIpT:alert(1)', 'java\tscript:alert(1)', 'data:text/html,<b>x</b>', 'vbscript:x']) {
      expect(sanitizeHtml(`<p><a href="${href.replace(/"/g, '&quot;')}">words</a> after</p>`)).toBe('<p>words after</p>');
    }
    // Several refused links in a row close properly (renaming the tag did not, in sanitize-html 2.18).
    expect(sanitizeHtml('<a href="/a">a</a> <a href="/b">b</a> <a href="https://ok.example">ok</a>')).toBe('a b <a href="https://ok.example">ok</a>');
  });

  it('keeps only the allowed attributes', () => {
    expect(sanitizeHtml('<ol start="3" class="x" style="color:red"><li title="t">x</li></ol>')).toBe('<ol start="3"><li>x</li></ol>');
  });

  it('uses exactly the documents’ allow-list', () => {
    expect(DOCUMENT_HTML_ALLOW_LIST.tags).toContain('blockquote');
    expect(DOCUMENT_HTML_ALLOW_LIST.tags).not.toContain('img');
    expect(DOCUMENT_HTML_ALLOW_LIST.attributes).toEqual(['href', 'colspan', 'rowspan', 'start']);
    for (const tag of DOCUMENT_HTML_ALLOW_LIST.tags) {
      const html = tag === 'br' || tag === 'hr' ? `<${tag}>` : tag === 'a' ? '<a href="https://x.example">x</a>' : `<${tag}>x</${tag}>`;
      expect(sanitizeHtml(html), tag).toContain(`<${tag}`);
    }
  });
});

describe('textToHtml', () => {
  it('makes a paragraph of each block and a line break of each single newline', () => {
    expect(textToHtml('One\ntwo\n\nThree\r\n\r\n\n  Four  ')).toBe('<p>One<br />two</p><p>Three</p><p>Four</p>');
    expect(textToHtml('   \n\n ')).toBe('');
  });

  it('escapes every character that means something in HTML', () => {
    expect(textToHtml('<b>bold</b> & "quotes" \'too\'')).toBe('<p>&lt;b&gt;bold&lt;/b&gt; &amp; "quotes" \'too\'</p>');
    expect(textToHtml('<script>alert(1)</script>')).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
  });

  it('links bare web addresses, leaving the sentence’s punctuation outside', () => {
    expect(textToHtml('See https://www.torbay.gov.uk/jsna.')).toBe('<p>See <a href="https://www.torbay.gov.uk/jsna">https://www.torbay.gov.uk/jsna</a>.</p>');
    expect(textToHtml('(https://example.org/a?b=1&c=2), then')).toBe('<p>(<a href="https://example.org/a?b=1&amp;c=2">https://example.org/a?b=1&amp;c=2</a>), then</p>');
    expect(textToHtml('https://en.wikipedia.org/wiki/A_(b)')).toBe('<p><a href="https://en.wikipedia.org/wiki/A_(b)">https://en.wikipedia.org/wiki/A_(b)</a></p>');
  });

  it('never makes a link of anything but http and https, nor lets an address break out of its attribute', () => {
    expect(textToHtml('javascript:alert(1) and mailto:a@b.example')).toBe('<p>javascript:alert(1) and mailto:a@b.example</p>');
    expect(textToHtml('https://example.org/"onmouseover="alert(1)')).toBe('<p><a href="https://example.org/">https://example.org/</a>"onmouseover="alert(1)</p>');
    expect(textToHtml('xhttps://example.org')).toBe('<p>xhttps://example.org</p>');
    expect(textToHtml('https://')).toBe('<p>https://</p>');
  });

  it('drops invisible characters that reorder or corrupt text', () => {
    expect(textToHtml('Budget\u202Etxt.exe\u0000')).toBe('<p>Budgettxt.exe</p>');
    expect(dropInvisible('a\u2066b\u2069c\u0007\td\ne')).toBe('abc\td\ne');
    // Marks that write mixed-script names correctly are kept.
    expect(dropInvisible('Torbay \u200Fمرحبا')).toBe('Torbay \u200Fمرحبا');
  });
});

import type { JSONContent } from '@tiptap/core';
import { describe, expect, it } from 'vitest';
import { doc, mapRef, paragraph as p, text } from './build.js';
import { mapRefHref, normaliseDocJson } from './extensions.js';
import { jsonToMarkdown, markdownToJson } from './markdown.js';

const ref = (targetKind: 'element' | 'loop', targetId: string, label: string) => mapRef({ roomId: 'torbay-map-0001', targetKind, targetId, label });

/** Markdown → JSON → Markdown → JSON keeps the content; the second Markdown equals the first. */
function roundTrip(md: string): { json: JSONContent; md: string } {
  const json = markdownToJson(md);
  const again = jsonToMarkdown(json);
  expect(markdownToJson(again)).toEqual(json);
  return { json, md: again };
}

describe('Markdown', () => {
  it('round-trips headings, emphasis and links', () => {
    const { json, md } = roundTrip('# Loneliness in Torbay\n\n## Why it is wicked\n\n### Notes\n\nSome **bold**, *italic* and [the JSNA](https://www.torbay.gov.uk/jsna) text.\n');
    expect(json.content!.map((b) => [b.type, b.attrs?.level])).toEqual([
      ['heading', 1],
      ['heading', 2],
      ['heading', 3],
      ['paragraph', undefined],
    ]);
    expect(md).toContain('[the JSNA](https://www.torbay.gov.uk/jsna)');
    expect(md).toContain('**bold**');
  });

  it('round-trips bullet, ordered and task lists', () => {
    const { json, md } = roundTrip('- one\n- two\n\n1. first\n2. second\n\n- [ ] book the venue\n- [x] invite the police\n');
    expect(json.content!.map((b) => b.type)).toEqual(['bulletList', 'orderedList', 'taskList']);
    expect(json.content![2]!.content!.map((i) => i.attrs?.checked)).toEqual([false, true]);
    expect(md).toContain('- [x] invite the police');
  });

  it('round-trips tables with a header row', () => {
    const { json } = roundTrip('| Agency | Perspective |\n| --- | --- |\n| Police | Calls about welfare |\n| NHS | Frequent attenders |\n');
    const table = json.content![0]!;
    expect(table.type).toBe('table');
    expect(table.content).toHaveLength(3);
    expect(table.content![0]!.content![0]!.type).toBe('tableHeader');
    expect(table.content![2]!.content![1]!.content![0]!.content![0]!.text).toBe('Frequent attenders');
  });

  it('round-trips quotes, inline code and code blocks', () => {
    const { json, md } = roundTrip('> Nobody owns this.\n\nRun `npm start`.\n\n```sh\nnpm install\n```\n');
    expect(json.content!.map((b) => b.type)).toEqual(['blockquote', 'paragraph', 'codeBlock']);
    expect(json.content![2]!.attrs?.language).toBe('sh');
    expect(md).toContain('> Nobody owns this.');
  });

  it('writes map references as links that come back as mapRef nodes, kind included', () => {
    const json = normaliseDocJson(doc(p(text('See '), ref('element', 'footfall', 'Town centre [footfall]'), text(' and '), ref('loop', 'a>b>a', 'R1 Isolation'))));
    const md = jsonToMarkdown(json);
    expect(md).toContain('[Town centre \\[footfall\\]](/rooms/torbay-map-0001?select=footfall "map element")');
    expect(md).toContain(`(${mapRefHref({ roomId: 'torbay-map-0001', targetId: 'a>b>a' })} "map loop")`);
    expect(markdownToJson(md)).toEqual(json);
  });

  it('keeps ordinary links to rooms without a select as links', () => {
    const json = markdownToJson('[the map](/rooms/torbay-map-0001)');
    expect(json.content![0]!.content![0]!.marks![0]!.type).toBe('link');
  });

  it('exports commented text without the comment, and reads an empty file as one empty paragraph', () => {
    const json = doc(p(text('We need '), text('more data', [{ type: 'comment', attrs: { threadId: 't1' } }]), text('.')));
    expect(jsonToMarkdown(json)).toBe('We need more data.\n');
    expect(markdownToJson('')).toEqual(doc({ type: 'paragraph' }));
  });
});


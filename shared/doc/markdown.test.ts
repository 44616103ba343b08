import type { JSONContent } from '@tiptap/core';
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { doc, mapRef, paragraph as p, text } from './build.js';
import { mapRefHref, normaliseDocJson } from './extensions.js';
import { EVERY_BLOCK, FIXTURE_MAP_ROOM } from './fixtures/everyBlock.js';
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

  it('escapes pipes in table cells, code spans included, and reads them back', () => {
    const json = normaliseDocJson(
      doc({
        type: 'table',
        content: [
          { type: 'tableRow', content: [{ type: 'tableHeader', content: [p('Agency | team')] }, { type: 'tableHeader', content: [p()] }] },
          { type: 'tableRow', content: [{ type: 'tableCell', content: [p('NHS | ICB')] }, { type: 'tableCell', content: [p(text('a || b', [{ type: 'code' }]))] }] },
        ],
      }),
    );
    const md = jsonToMarkdown(json);
    expect(md).toContain('Agency \\| team');
    expect(md).toContain('`a \\|\\| b`');
    // Every row still has two cells: three pipes outside escapes.
    for (const row of md.trim().split('\n')) expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(4);
    expect(markdownToJson(md)).toEqual(json);
  });

  it('keeps heading levels 4 to 6', () => {
    const md = ['# Report', ...Array.from({ length: 13 }, (_, i) => `#### Finding ${i + 1}`), '##### Detail', '###### Footnote'].join('\n\n');
    const json = markdownToJson(md);
    const levels = json.content!.map((block) => block.attrs?.level as number);
    expect(levels.filter((level) => level === 1)).toHaveLength(1);
    expect(levels.filter((level) => level === 4)).toHaveLength(13);
    expect(levels.slice(-2)).toEqual([5, 6]);
    expect(jsonToMarkdown(json)).toContain('\n###### Footnote\n');
  });

  it('writes an empty task item as "- [ ] " and reads it back as a task item, with or without the space', () => {
    const json = normaliseDocJson(doc({ type: 'taskList', content: [{ type: 'taskItem', attrs: { checked: false }, content: [p()] }, { type: 'taskItem', attrs: { checked: true }, content: [p('Done')] }, { type: 'taskItem', attrs: { checked: false }, content: [p()] }] }));
    const md = jsonToMarkdown(json);
    expect(md).toBe('- [ ] \n- [x] Done\n- [ ] \n');
    expect(markdownToJson(md)).toEqual(json);
    // Editors strip trailing spaces; the item is still a task.
    expect(markdownToJson('- [ ]\n- [x] Done\n- [ ]')).toEqual(json);
    // …but not inside fenced code, whose text is kept exactly.
    expect(markdownToJson('```\n- [ ]\n```').content![0]!.content![0]!.text).toBe('- [ ]');
  });

  it('keeps relative links, drops unsafe ones, and makes both absolute with a base URL', () => {
    const json = markdownToJson('[notes](notes/2024.md), [map](/rooms/torbay-map-0001), [bad](javascript:alert(1)) and [far](//evil.example/x)');
    const hrefs = json.content![0]!.content!.flatMap((node) => node.marks?.map((mark) => mark.attrs?.href) ?? []);
    expect(hrefs).toEqual(['notes/2024.md', '/rooms/torbay-map-0001']);
    expect(jsonToMarkdown(json)).toContain('[notes](notes/2024.md), [map](/rooms/torbay-map-0001), bad and far');
    const absolute = jsonToMarkdown(json, { baseUrl: 'https://workspace.example/torbay/' });
    expect(absolute).toContain('[notes](https://workspace.example/torbay/notes/2024.md)');
    expect(absolute).toContain('[map](https://workspace.example/torbay/rooms/torbay-map-0001)');
  });

  it('writes map references absolute with a base URL, and still reads them back as map references', () => {
    const json = normaliseDocJson(doc(p(text('See '), ref('element', 'footfall', 'Town centre footfall'), text(' and '), ref('loop', 'a>b>a', 'R1'))));
    const md = jsonToMarkdown(json, { baseUrl: 'https://workspace.example' });
    expect(md).toContain('[Town centre footfall](https://workspace.example/rooms/torbay-map-0001?select=footfall "map element")');
    expect(md).toContain('(https://workspace.example/rooms/torbay-map-0001?select=a%3Eb%3Ea "map loop")');
    expect(markdownToJson(md)).toEqual(json);
    // An absolute link to a room without the title is somebody's ordinary link.
    expect(markdownToJson('[x](https://elsewhere.example/rooms/r?select=y)').content![0]!.content![0]!.marks![0]!.type).toBe('link');
  });
});

/** The fixture without what Markdown cannot hold: comment marks (the threads stay in the room). */
function withoutComments(node: JSONContent): JSONContent {
  const next: JSONContent = { ...node };
  if (node.marks) next.marks = node.marks.filter((mark) => mark.type !== 'comment');
  if (node.content) next.content = node.content.map(withoutComments);
  return next;
}

/** What a Markdown reader should find in the document: blocks by kind, links by address. */
function expectedCounts(json: JSONContent) {
  const counts = { headings: [0, 0, 0, 0, 0, 0], th: 0, td: 0, bulletLists: 0, orderedLists: 0, items: 0, open: 0, done: 0, quotes: 0, fences: 0, rules: 0, links: [] as string[] };
  const walk = (node: JSONContent) => {
    const type = node.type;
    if (type === 'heading') counts.headings[(node.attrs!.level as number) - 1]! += 1;
    if (type === 'tableHeader') counts.th += 1;
    if (type === 'tableCell') counts.td += 1;
    if (type === 'bulletList' || type === 'taskList') counts.bulletLists += 1;
    if (type === 'orderedList') counts.orderedLists += 1;
    if (type === 'listItem' || type === 'taskItem') counts.items += 1;
    if (type === 'taskItem') counts[node.attrs!.checked ? 'done' : 'open'] += 1;
    if (type === 'blockquote') counts.quotes += 1;
    if (type === 'codeBlock') counts.fences += 1;
    if (type === 'horizontalRule') counts.rules += 1;
    if (type === 'mapRef') counts.links.push(mapRefHref({ roomId: node.attrs!.roomId, targetId: node.attrs!.targetId }));
    for (const mark of node.marks ?? []) if (mark.type === 'link') counts.links.push(mark.attrs!.href);
    node.content?.forEach(walk);
  };
  walk(json);
  return counts;
}

/** The same counts as markdown-it (CommonMark with GFM tables) reads the Markdown. */
function markdownItCounts(md: string) {
  const counts = { headings: [0, 0, 0, 0, 0, 0], th: 0, td: 0, bulletLists: 0, orderedLists: 0, items: 0, open: 0, done: 0, quotes: 0, fences: 0, rules: 0, links: [] as string[] };
  const tokens = new MarkdownIt().parse(md, {});
  tokens.forEach((token, i) => {
    if (token.type === 'heading_open') counts.headings[Number(token.tag.slice(1)) - 1]! += 1;
    if (token.type === 'th_open') counts.th += 1;
    if (token.type === 'td_open') counts.td += 1;
    if (token.type === 'bullet_list_open') counts.bulletLists += 1;
    if (token.type === 'ordered_list_open') counts.orderedLists += 1;
    if (token.type === 'list_item_open') {
      counts.items += 1;
      // Task lists are not in markdown-it's core: an item is a task by its text, `[ ]` or `[x]`.
      const inline = tokens[i + 2];
      if (tokens[i + 1]?.type === 'paragraph_open' && inline?.type === 'inline') {
        if (/^\[ \](?:\s|$)/.test(inline.content)) counts.open += 1;
        if (/^\[x\](?:\s|$)/i.test(inline.content)) counts.done += 1;
      }
    }
    if (token.type === 'blockquote_open') counts.quotes += 1;
    if (token.type === 'fence') counts.fences += 1;
    if (token.type === 'hr') counts.rules += 1;
    for (const child of token.children ?? []) if (child.type === 'link_open') counts.links.push(String(child.attrGet('href')));
  });
  return counts;
}

describe('Markdown round trip of every block type', () => {
  const md = jsonToMarkdown(EVERY_BLOCK);

  it('comes back as the same document (comments aside)', () => {
    expect(markdownToJson(md)).toEqual(normaliseDocJson(withoutComments(EVERY_BLOCK)));
  });

  it('reads the same in a standard parser: headings per level, table cells, lists, tasks, quotes, code, rules and links', () => {
    const expected = expectedCounts(normaliseDocJson(EVERY_BLOCK));
    expect(expected.headings).toEqual([1, 1, 1, 1, 1, 1]);
    expect(markdownItCounts(md)).toEqual(expected);
  });

  it('with a base URL, every relative link and map reference is absolute and still comes back', () => {
    const absolute = jsonToMarkdown(EVERY_BLOCK, { baseUrl: 'https://workspace.example' });
    const links = markdownItCounts(absolute).links;
    expect(links.every((href) => /^(?:https:\/\/|mailto:)/.test(href))).toBe(true);
    expect(links).toContain(`https://workspace.example/rooms/${FIXTURE_MAP_ROOM}?select=footfall`);
    const back = markdownToJson(absolute);
    expect(back.content!.filter((block) => block.type === 'paragraph').flatMap((block) => block.content ?? []).filter((node) => node.type === 'mapRef')).toHaveLength(2);
  });
});


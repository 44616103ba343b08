import type { JSONContent } from '@tiptap/core';
import { describe, expect, it } from 'vitest';
import { documentSchema, normaliseDocJson } from './extensions.js';
import { jsonToMarkdown } from './markdown.js';
import { DEFAULT_AGENCIES, DOC_TEMPLATE_IDS, DOC_TEMPLATES, templateJson, type DocTemplateId } from './templates.js';

const plain = (json: JSONContent) => documentSchema().nodeFromJSON(json).textContent;
const headings = (json: JSONContent) => json.content!.filter((b) => b.type === 'heading').map(plain);
const tableAfter = (json: JSONContent, headingText: string) => {
  const start = json.content!.findIndex((b) => b.type === 'heading' && plain(b) === headingText);
  return json.content!.slice(start).find((b) => b.type === 'table')!;
};
const rowTexts = (tableJson: JSONContent) => tableJson.content!.map((row) => row.content!.map(plain));

describe('document templates', () => {
  it('lists every template once, each with a name and a one-line summary', () => {
    expect(DOC_TEMPLATES.map((t) => t.id)).toEqual([...DOC_TEMPLATE_IDS]);
    for (const t of DOC_TEMPLATES) {
      expect(t.name.length).toBeGreaterThan(3);
      expect(t.summary).toMatch(/\.$/);
    }
  });

  it.each(DOC_TEMPLATE_IDS)('%s is a valid document of the schema that exports to Markdown', (id) => {
    const json = templateJson(id);
    expect(() => normaliseDocJson(json)).not.toThrow();
    expect(json.content![0]!.type).toBe('heading');
    expect(jsonToMarkdown(json)).toMatch(/^# /);
  });

  it('puts the site and date under the title when given', () => {
    const json = templateJson('workshop-notes', { siteName: 'Torbay', date: '2026-11-22' });
    expect(plain(json.content![0]!)).toBe('Workshop notes: Torbay');
    expect(plain(json.content![1]!)).toBe('Date: 2026-11-22');
    expect(plain(templateJson('workshop-notes').content![1]!)).not.toMatch(/Date/);
  });

  it('frames a wicked problem with critical, tame or wicked and one table row per agency', () => {
    const json = templateJson('wicked-problem');
    expect(headings(json)).toEqual(expect.arrayContaining(['The issue', 'Critical, tame or wicked?', 'How each agency sees it']));
    const rows = rowTexts(tableAfter(json, 'How each agency sees it'));
    expect(rows.slice(1).map((r) => r[0])).toEqual([...DEFAULT_AGENCIES]);
    const own = rowTexts(tableAfter(templateJson('wicked-problem', { agencies: ['Torbay Council', 'Devon and Cornwall Police'] }), 'How each agency sees it'));
    expect(own.slice(1).map((r) => r[0])).toEqual(['Torbay Council', 'Devon and Cornwall Police']);
  });

  it('runs an action learning set: check-in, airtime per presenter, question log, actions as tasks', () => {
    const json = templateJson('action-learning-set');
    expect(headings(json)).toEqual(expect.arrayContaining(['Check-in', 'Airtime', 'Question log', 'Actions carried forward']));
    expect(rowTexts(tableAfter(json, 'Airtime'))[0]).toEqual(['Presenter', 'Issue brought', 'Minutes', 'What shifted']);
    const actions = json.content!.findIndex((b) => plain(b) === 'Actions carried forward');
    expect(json.content![actions + 1]!.type).toBe('taskList');
  });

  it('refuses an unknown template', () => {
    expect(() => templateJson('nonsense' as DocTemplateId)).toThrow(/no document template/);
  });
});

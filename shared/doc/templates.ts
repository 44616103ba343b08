/**
 * Documents to start from, as Tiptap JSON the editor inserts: framing a wicked problem, an
 * action learning set session, a theory of change, workshop notes. Prompts are written as the
 * text to replace, in the language of the Systems Leadership programme, so a group with no
 * facilitator in the room still knows what goes where.
 */
import type { JSONContent } from '@tiptap/core';
import { blockquote, bulletList, doc, heading, paragraph, table, taskList, text } from './build.js';

export const DOC_TEMPLATE_IDS = ['wicked-problem', 'action-learning-set', 'theory-of-change', 'workshop-notes'] as const;
export type DocTemplateId = (typeof DOC_TEMPLATE_IDS)[number];

export interface DocTemplateInfo {
  id: DocTemplateId;
  name: string;
  /** One sentence on when to use it. */
  summary: string;
}

export const DOC_TEMPLATES: readonly DocTemplateInfo[] = [
  {
    id: 'wicked-problem',
    name: 'Wicked problem framing',
    summary: 'Set out the issue, whether it is critical, tame or wicked and why, and how each agency sees it.',
  },
  {
    id: 'action-learning-set',
    name: 'Action learning set session',
    summary: 'Check in, share airtime between presenters, log the questions asked and carry actions forward.',
  },
  {
    id: 'theory-of-change',
    name: 'Theory of change',
    summary: 'Work back from the long-term change you want to the outcomes, activities and assumptions behind it.',
  },
  {
    id: 'workshop-notes',
    name: 'Workshop notes',
    summary: 'Who came, what was discussed and decided, the actions and what was parked.',
  },
];

/** The agencies a local system usually brings to the table; one row each in the framing. */
export const DEFAULT_AGENCIES = [
  'Integrated care board / NHS trust',
  'Council: adult and children’s services',
  'Public health',
  'Police',
  'Voluntary and community sector',
  'Residents and people with lived experience',
] as const;

export interface TemplateOptions {
  /** The site's place name, put in the title ("Torbay"). */
  siteName?: string;
  /** The date of the session (ISO `YYYY-MM-DD` or any text), put under the title. */
  date?: string;
  /** Agencies for the framing's perspectives table; DEFAULT_AGENCIES otherwise. */
  agencies?: readonly string[];
}

const bold = (value: string) => text(value, [{ type: 'bold' }]);
const italic = (value: string) => text(value, [{ type: 'italic' }]);

function title(name: string, options: TemplateOptions): JSONContent[] {
  const site = options.siteName?.trim();
  const date = options.date?.trim();
  return [heading(1, site ? `${name}: ${site}` : name), ...(date ? [paragraph(bold('Date: '), date)] : [])];
}

type Build = (options: TemplateOptions) => JSONContent[];

const BUILDS: Record<DocTemplateId, Build> = {
  'wicked-problem': (options) => [
    ...title('Framing the issue', options),
    heading(2, 'The issue'),
    paragraph(italic('Say in a sentence or two what is happening, for whom, and why it matters now.')),
    heading(2, 'Critical, tame or wicked?'),
    paragraph(
      italic(
        'Critical: a crisis with no time to deliberate, which needs command. Tame: complicated but solved before, which needs good management. Wicked: no agreed definition, no single owner, no stopping point, and every attempt changes the problem, which needs leadership across the system.',
      ),
    ),
    paragraph(bold('We think it is: '), italic('critical / tame / wicked')),
    heading(3, 'Why'),
    bulletList('Who disagrees about what the problem is?', 'What has been tried, and what did it change?', 'Which agencies hold part of it, and none of it all?'),
    heading(2, 'How each agency sees it'),
    table(
      ['Agency', 'How they see the issue', 'What they hold', 'What they need from others'],
      (options.agencies?.length ? options.agencies : DEFAULT_AGENCIES).map((agency) => [agency, '', '', '']),
    ),
    heading(2, 'Whose voices are missing?'),
    paragraph(),
    heading(2, 'Questions to take forward'),
    bulletList(''),
  ],
  'action-learning-set': (options) => [
    ...title('Action learning set', options),
    heading(2, 'Check-in'),
    paragraph(italic('A round: how is everyone arriving, and what has happened since the last set?')),
    bulletList(''),
    heading(2, 'Airtime'),
    table(
      ['Presenter', 'Issue brought', 'Minutes', 'What shifted'],
      [
        ['', '', '20', ''],
        ['', '', '20', ''],
        ['', '', '20', ''],
      ],
    ),
    heading(2, 'Question log'),
    paragraph(italic('The open questions asked of each presenter; note the ones that opened something up.')),
    table(['Presenter', 'Question', 'Asked by'], [['', '', '']]),
    heading(2, 'Actions carried forward'),
    taskList('', ''),
    heading(2, 'Reflection on the process'),
    blockquote(paragraph(italic('What did we notice about how we asked questions today?'))),
  ],
  'theory-of-change': (options) => [
    ...title('Theory of change', options),
    heading(2, 'The long-term change we want'),
    paragraph(italic('What will be different for people and places, in their words, in five to ten years?')),
    heading(2, 'Outcomes on the way'),
    table(['Outcome', 'How we will know (indicator)', 'Who contributes'], [['', '', ''], ['', '', '']]),
    heading(2, 'What we will do'),
    bulletList(''),
    heading(2, 'Assumptions'),
    paragraph(italic('Why we believe each step leads to the next, and the evidence for it.')),
    bulletList(''),
    heading(2, 'Risks and what is outside our control'),
    bulletList(''),
  ],
  'workshop-notes': (options) => [
    ...title('Workshop notes', options),
    heading(2, 'Purpose'),
    paragraph(),
    heading(2, 'Who took part'),
    table(['Name', 'Organisation', 'Role'], [['', '', '']]),
    heading(2, 'Discussion'),
    paragraph(),
    heading(2, 'Decisions'),
    bulletList(''),
    heading(2, 'Actions'),
    taskList(''),
    heading(2, 'Parked for later'),
    bulletList(''),
  ],
};

/**
 * A template as a Tiptap document, ready for `editor.commands.setContent` or (its `content`)
 * `insertContent`.
 *
 * @example
 * templateJson('action-learning-set', { siteName: 'Torbay', date: '2026-11-22' })
 * // { type: 'doc', content: [{ type: 'heading', attrs: { level: 1 }, content: [{ type: 'text', text: 'Action learning set: Torbay' }] }, …] }
 */
export function templateJson(id: DocTemplateId, options: TemplateOptions = {}): JSONContent {
  const build = BUILDS[id];
  if (!build) throw new RangeError(`There is no document template “${String(id)}”.`);
  return doc(...build(options));
}

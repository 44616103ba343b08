/**
 * The filter of the index and of lessons across sites: an ordinary GET form, so it works with
 * no JavaScript and every filtered view has an address people can share.
 */
import { LEARNING_FILTER_KEYS, type FilterOption, type FilterOptions, type LearningFilter } from '../../../shared/summaries/public.js';
import { text } from './html.js';

type FilterKey = (typeof LEARNING_FILTER_KEYS)[number];

const FIELDS: Record<FilterKey, { label: string; any: string }> = {
  theme: { label: 'Theme', any: 'Any theme' },
  behaviour: { label: 'Behaviour', any: 'Any behaviour' },
  archetype: { label: 'Systems archetype', any: 'Any archetype' },
  agency: { label: 'Type of agency involved', any: 'Any type of agency' },
  site: { label: 'Site', any: 'Any site' },
};

/** Whether any filter is set. */
export function filterActive(filter: LearningFilter): boolean {
  return LEARNING_FILTER_KEYS.some((key) => Boolean(filter[key]));
}

function select(key: FilterKey, options: readonly FilterOption[], current: string | undefined): string {
  const field = FIELDS[key];
  // A value in the address that the options no longer offer (nothing has it now) stays
  // chosen, so applying other filters does not silently drop it.
  const all = current && !options.some((o) => o.id === current) ? [...options, { id: current, label: current, count: 0 }] : options;
  if (all.length === 0) return '';
  const choices = all.map((o) => `<option value="${text(o.id)}"${o.id === current ? ' selected' : ''}>${text(o.label)} (${o.count})</option>`);
  return [
    '<div class="field">',
    `<label for="filter-${key}">${field.label}</label>`,
    `<select id="filter-${key}" name="${key}"><option value="">${field.any}</option>${choices.join('')}</select>`,
    '</div>',
  ].join('');
}

/**
 * The filter form: a labelled select per filter that has options (each with how many match),
 * the current filter chosen, an "Apply filters" button and, when filtered, "Clear filters".
 *
 * @example
 * filterForm({ action: '/learning', filter: { theme: 'prevention' }, options, name: 'Filter summaries' })
 */
export function filterForm(args: { action: string; filter: LearningFilter; options: FilterOptions; name: string }): string {
  const { action, filter, options } = args;
  const fields = LEARNING_FILTER_KEYS.map((key) => select(key, options[key], filter[key])).join('');
  return [
    `<form class="filters" method="get" action="${text(action)}" role="search" aria-label="${text(args.name)}">`,
    `<div class="filter-fields">${fields}</div>`,
    '<div class="filter-actions"><button type="submit" class="button">Apply filters</button>',
    filterActive(filter) ? ` <a href="${text(action)}">Clear filters</a>` : '',
    '</div></form>',
  ].join('');
}

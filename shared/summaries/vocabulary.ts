/**
 * The shared words of published learning, so lessons from different sites can be compared:
 * themes (a vocabulary the programme keeps; these are its starting list), systems archetypes
 * (the standard set from the systems thinking literature) and types of agency. Behaviours are
 * the learning log's (`shared/log/behaviours.ts`).
 *
 * Ids are stable: summaries store them and cross-site analysis groups by them.
 */

export interface VocabularyTerm {
  id: string;
  label: string;
  description: string;
}

/** The programme's themes as first installed; the programme edits its own list (`/api/learning/themes`). */
export const DEFAULT_THEMES: readonly VocabularyTerm[] = [
  { id: 'shared-purpose', label: 'Shared purpose', description: 'Agreeing what the system is for, across agencies and with residents.' },
  { id: 'data-sharing', label: 'Data and information sharing', description: 'Getting the right information to the right people, lawfully and in time.' },
  { id: 'lived-experience', label: 'Lived experience', description: 'Residents and people who use services shaping the work.' },
  { id: 'community-assets', label: 'Community assets', description: 'Building on what places and people already have.' },
  { id: 'prevention', label: 'Prevention and early help', description: 'Acting before problems become crises.' },
  { id: 'workforce', label: 'Workforce and roles', description: 'Roles, skills and permission for front-line staff to work differently.' },
  { id: 'governance', label: 'Governance and accountability', description: 'Who decides, who answers for what, across organisational boundaries.' },
  { id: 'funding', label: 'Funding and commissioning', description: 'Money, contracts and incentives that help or hinder the system.' },
  { id: 'place', label: 'Place-based working', description: 'Organising around a neighbourhood or town rather than a service.' },
  { id: 'measurement', label: 'Measuring what matters', description: 'Evidence, indicators and learning loops that show whether it works.' },
];

/** Systems archetypes (Senge; Kim) a loop can be an instance of. */
export const ARCHETYPES: readonly VocabularyTerm[] = [
  { id: 'fixes-that-fail', label: 'Fixes that fail', description: 'A quick fix eases the symptom but feeds the problem later.' },
  { id: 'shifting-the-burden', label: 'Shifting the burden', description: 'A symptomatic solution weakens the capacity for the fundamental one.' },
  { id: 'limits-to-growth', label: 'Limits to growth', description: 'Growth meets a constraint that slows it.' },
  { id: 'tragedy-of-the-commons', label: 'Tragedy of the commons', description: 'Each agency’s sensible use of a shared resource exhausts it for all.' },
  { id: 'success-to-the-successful', label: 'Success to the successful', description: 'Early success wins more resources, starving the alternative.' },
  { id: 'escalation', label: 'Escalation', description: 'Two parties respond to each other with ever more of the same.' },
  { id: 'eroding-goals', label: 'Eroding goals', description: 'A gap is closed by lowering the goal rather than acting.' },
  { id: 'growth-and-underinvestment', label: 'Growth and underinvestment', description: 'Capacity is not built in time, so demand falls back.' },
  { id: 'accidental-adversaries', label: 'Accidental adversaries', description: 'Partners undermine each other without meaning to.' },
];

/** Types of agency, for filtering lessons by who was involved. */
export const AGENCY_TYPES: readonly VocabularyTerm[] = [
  { id: 'nhs', label: 'NHS', description: 'NHS trusts, integrated care boards, primary care.' },
  { id: 'local-authority', label: 'Local authority', description: 'County, district, unitary and borough councils.' },
  { id: 'public-health', label: 'Public health', description: 'Public health teams and agencies.' },
  { id: 'police', label: 'Police', description: 'Police forces and police and crime commissioners.' },
  { id: 'fire', label: 'Fire and rescue', description: 'Fire and rescue services.' },
  { id: 'voluntary', label: 'Voluntary sector', description: 'Charities, community and faith groups.' },
  { id: 'housing', label: 'Housing', description: 'Housing associations and housing services.' },
  { id: 'education', label: 'Education', description: 'Schools, colleges and universities.' },
  { id: 'business', label: 'Business', description: 'Local businesses and business groups.' },
  { id: 'residents', label: 'Residents', description: 'Residents, carers and community members.' },
  { id: 'other', label: 'Other', description: 'Any other kind of organisation.' },
];

export const VOCABULARY_LIMITS = {
  idMax: 60,
  labelMax: 80,
  descriptionMax: 300,
  themesMax: 100,
} as const;

/** The label of a term by id, or the id itself when the vocabulary no longer has it. */
export function termLabel(terms: readonly VocabularyTerm[], id: string): string {
  return terms.find((t) => t.id === id)?.label ?? id;
}

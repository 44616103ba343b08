/**
 * Seeded, realistic published summaries for the cross-site tests and the publishing benchmark:
 * English places, issues a systems leadership site works on, lessons tagged with the default
 * themes and behaviours, agencies of several types, one diagram with a feedback loop, evidence,
 * a quotation and contributors. The same options and seed always give the same summaries.
 *
 * Lessons are drawn from a pool of distinct lessons and from a few families of paraphrases (the
 * same lesson in different words), so lessons across sites both differ and, deliberately,
 * sometimes say much the same thing: what `similarLessons` should find.
 */
import { DEFAULT_BEHAVIOURS } from '../../shared/log/behaviours.js';
import { seededRandom } from '../../shared/random.js';
import type { PublishedSummary } from '../../shared/summaries/published.js';
import { ARCHETYPES, DEFAULT_THEMES } from '../../shared/summaries/vocabulary.js';
import type { LiveSummary } from './crossSite.js';

export interface SampleOptions {
  sites: number;
  summariesPerSite: number;
  /** 1 unless given. */
  seed?: number;
}

/** Site names in the order sites are made; after these, "Site 26", "Site 27", … */
export const SAMPLE_SITE_NAMES: readonly string[] = [
  'Torbay', 'West Cheshire', 'Gloucestershire', 'Barnsley', 'North Tyneside', 'Calderdale', 'Wiltshire',
  'Plymouth', 'Lincolnshire', 'Stockport', 'Sunderland', 'Somerset', 'Doncaster', 'Cumbria', 'Norfolk',
  'Thurrock', 'Wigan', 'Bradford', 'Lewisham', 'Hackney', 'Dorset', 'Cornwall', 'Northumberland',
  'Derbyshire', 'Isle of Wight',
];

export interface SampleLesson {
  text: string;
  themes: string[];
  behaviours: string[];
  archetype: string;
}

const lesson = (text: string, themes: string[], behaviours: string[], archetype = ''): SampleLesson => ({ text, themes, behaviours, archetype });

/** A behaviour a site added to the defaults, so labels come from the summary's own terms. */
const SITE_BEHAVIOURS: Record<string, string> = { 'listening-walks': 'Listening walks' };

// Distinct lessons: no two of these share enough words to be linked by `similarLessons`
// (the fixtures test holds that).
export const SAMPLE_DISTINCT_LESSONS: readonly SampleLesson[] = [
  lesson('Benches on the high street help people with dementia stay in town for longer.', ['community-assets', 'place'], ['co-producing']),
  lesson('A shared front door for housing, debt and health advice cut the number of times residents told their story.', ['data-sharing', 'prevention'], ['across-boundaries']),
  lesson('Giving neighbourhood teams a small pot of money they could spend at once solved problems in days.', ['workforce', 'funding'], ['distributed-leadership', 'sharing-power']),
  lesson('Counting footfall on market days told us more than the quarterly performance report.', ['measurement', 'place'], ['curiosity']),
  lesson('Quick discharges came back as readmissions within a month.', ['prevention'], ['whole-system'], 'fixes-that-fail'),
  lesson('The youth club closed when the grant ended, and antisocial behaviour calls rose the next winter.', ['prevention', 'funding'], ['whole-system'], 'fixes-that-fail'),
  lesson('Police officers and mental health nurses in the same car meant fewer detentions under the Mental Health Act.', ['workforce', 'prevention'], ['across-boundaries']),
  lesson('Each agency’s eligibility rules pushed families between services until someone went into crisis.', ['governance'], ['whole-system'], 'accidental-adversaries'),
  lesson('Residents who had used the service were better at spotting gaps than any consultant.', ['lived-experience'], ['giving-voice', 'co-producing']),
  lesson('Pooling a modest sum across three organisations bought more goodwill than it bought services.', ['funding', 'governance'], ['sharing-power', 'building-trust']),
  lesson('We stopped counting referrals and started asking whether people felt safer at home.', ['measurement'], ['learning-from-failure']),
  lesson('The food bank knew which households were struggling months before any statutory service did.', ['community-assets', 'data-sharing'], ['giving-voice']),
  lesson('Rotating the chair of the partnership board between agencies changed who spoke in meetings.', ['governance'], ['sharing-power', 'distributed-leadership']),
  lesson('Short contracts made providers compete when they needed to collaborate.', ['funding'], ['across-boundaries'], 'accidental-adversaries'),
  lesson('A walk round the estate with firefighters showed us hazards no database recorded.', ['place', 'data-sharing'], ['curiosity', 'listening-walks']),
  lesson('Waiting-time targets were quietly lowered each year instead of fixing the bottleneck.', ['measurement'], ['learning-from-failure'], 'eroding-goals'),
  lesson('Volunteer drivers took pressure off the ambulance service for routine outpatient appointments.', ['community-assets'], ['across-boundaries']),
  lesson('When the pilot grew faster than the team could train staff, quality slipped and referrals dropped.', ['workforce'], ['holding-uncertainty'], 'limits-to-growth'),
  lesson('Each school excluding pupils to protect its own results left the pupil referral unit overwhelmed.', ['governance', 'prevention'], ['whole-system'], 'tragedy-of-the-commons'),
  lesson('Telling the story of one family’s year persuaded the cabinet more than any spreadsheet.', ['lived-experience', 'measurement'], ['giving-voice']),
  lesson('Community champions from the mosque and the church reached people our leaflets never did.', ['community-assets', 'lived-experience'], ['co-producing']),
  lesson('A ninety-day trial of a single care plan showed what the agreement really needed to allow.', ['data-sharing'], ['experimenting']),
  lesson('Investing in the successful neighbourhood scheme starved the smaller ones that were still learning.', ['funding', 'place'], ['learning-from-failure'], 'success-to-the-successful'),
  lesson('Hospital and council escalated disputes over delayed transfers until the two chief executives sat down together.', ['governance'], ['building-trust'], 'escalation'),
  lesson('Apprenticeships for care workers kept young people in the town and filled vacancies.', ['workforce', 'place'], ['whole-system']),
  lesson('Mapping the system together took three workshops but saved months of arguing about causes.', ['shared-purpose'], ['whole-system']),
  lesson('Loneliness among older men dropped where allotments and sheds were run by the men themselves.', ['community-assets', 'prevention'], ['co-producing']),
  lesson('Recording what went wrong in a shared learning log made it safe to admit mistakes.', ['measurement'], ['learning-from-failure']),
  lesson('Landlords dealt with damp and mould faster once tenants’ photos went straight to environmental health.', ['data-sharing', 'lived-experience'], ['giving-voice']),
  lesson('A single outcome everyone could name — children ready for school — held the partnership together through a reorganisation.', ['shared-purpose'], ['shared-purpose']),
  lesson('Commissioning for outcomes rather than activity let the charity redesign its service midway.', ['funding', 'measurement'], ['experimenting', 'sharing-power']),
  lesson('Paying for more crisis beds relieved pressure for a year while investment in early help fell.', ['funding', 'prevention'], ['whole-system'], 'shifting-the-burden'),
  lesson('Surgery receptionists were the first to notice people who came in every few days for company.', ['workforce', 'lived-experience'], ['distributed-leadership']),
  lesson('Translating letters into Polish and Romanian halved missed appointments at the clinic.', ['lived-experience'], ['giving-voice']),
  lesson('Buses that stopped at six decided who could take evening jobs.', ['place'], ['whole-system']),
  lesson('Planners and public health agreed a rule against new hot-food takeaways near schools.', ['prevention', 'place'], ['across-boundaries']),
  lesson('Secondments between the police and children’s social care outlasted the programme.', ['workforce'], ['building-trust', 'across-boundaries']),
  lesson('Nobody owned the problem of hoarding, so each agency closed the case and it came back.', ['governance'], ['whole-system'], 'fixes-that-fail'),
  lesson('Ward councillors opened doors to tenants’ associations that officers could not.', ['community-assets', 'governance'], ['distributed-leadership']),
  lesson('A dashboard refreshed monthly was ignored; a weekly huddle over three numbers changed practice.', ['measurement'], ['experimenting']),
  lesson('Asking young carers what they needed turned up transport, not counselling.', ['lived-experience'], ['curiosity', 'giving-voice']),
  lesson('The business improvement district paid for town centre ambassadors who also checked on vulnerable shopkeepers.', ['community-assets', 'funding'], ['across-boundaries']),
  lesson('Homeless patients found a home sooner when a housing officer joined the ward round twice a week.', ['prevention', 'workforce'], ['across-boundaries']),
  lesson('One caseload list held jointly by the fire service and adult social care found isolated people at risk of fires.', ['data-sharing', 'prevention'], ['across-boundaries']),
  lesson('We had to stop the project we were proudest of because it helped the wrong people.', ['measurement'], ['learning-from-failure', 'holding-uncertainty']),
  lesson('Library staff trained as digital champions helped residents apply for benefits online.', ['community-assets', 'workforce'], ['distributed-leadership']),
  lesson('Turnover in home care meant every family had to build a relationship from scratch with each new carer.', ['workforce'], ['building-trust'], 'growth-and-underinvestment'),
  lesson('Demand for social prescribing outgrew link workers, and waiting lists put doctors off referring.', ['workforce', 'funding'], ['whole-system'], 'growth-and-underinvestment'),
  lesson('Agreeing what counts as a “vulnerable” household was slow, and saved arguments later.', ['shared-purpose', 'data-sharing'], ['holding-uncertainty']),
  lesson('Flood wardens on every road kept lists of neighbours needing help before the emergency services arrived.', ['community-assets', 'place'], ['distributed-leadership']),
  lesson('Residents scored the bids for the community fund, and chose projects officers had ranked low.', ['lived-experience', 'funding'], ['sharing-power']),
  lesson('The regeneration board had no resident on it until a petition forced the question.', ['governance', 'lived-experience'], ['giving-voice']),
  lesson('Parks rangers running walking groups did more for activity levels than the gym referral scheme.', ['prevention', 'community-assets'], ['experimenting']),
  lesson('Swapping the annual plan for a quarterly review let us drop what was failing sooner.', ['governance', 'measurement'], ['experimenting', 'holding-uncertainty']),
];

// Families of paraphrases: each family is one lesson in different words, as different sites
// would write it.
export const SAMPLE_LESSON_FAMILIES: readonly (readonly SampleLesson[])[] = [
  [
    lesson('Involve the budget holders from the start, not once the plan is written.', ['funding', 'governance'], ['across-boundaries']),
    lesson('Begin by involving budget holders early, before options are fixed.', ['funding'], ['sharing-power']),
    lesson('Start with the people who hold the budget: bring budget holders in at the beginning.', ['funding', 'shared-purpose'], ['whole-system']),
  ],
  [
    lesson('Pay people with lived experience for their time, as you would any expert adviser.', ['lived-experience'], ['co-producing']),
    lesson('Experts by experience should be paid for their time like every other adviser.', ['lived-experience', 'funding'], ['giving-voice']),
    lesson('Paying residents with lived experience for their time showed we valued their expertise.', ['lived-experience'], ['co-producing', 'sharing-power']),
  ],
  [
    lesson('Trust between agencies takes time: spend the first months building relationships, not plans.', ['governance', 'shared-purpose'], ['building-trust']),
    lesson('Building relationships between agencies took longer than the plan allowed, and the trust was worth the time.', ['governance'], ['building-trust', 'holding-uncertainty']),
    lesson('Relationships and trust between agencies come before joint plans; give them time.', ['shared-purpose'], ['building-trust', 'across-boundaries']),
  ],
  [
    lesson('Data sharing stalled on legal worries until the information governance leads met in person.', ['data-sharing', 'governance'], ['across-boundaries']),
    lesson('Meeting the information governance leads face to face unblocked data sharing that months of emails had not.', ['data-sharing'], ['building-trust']),
    lesson('Legal worries about sharing data eased once the information governance leads talked in person.', ['data-sharing'], ['curiosity']),
  ],
  [
    lesson('Small tests of change won more support than a big launch.', ['measurement'], ['experimenting']),
    lesson('Start with small tests of change rather than a launch; support grows from what works.', ['measurement', 'workforce'], ['experimenting', 'holding-uncertainty']),
    lesson('A series of small tests built support for change that a big launch never would have.', ['measurement'], ['experimenting']),
  ],
  [
    lesson('Give frontline workers permission to bend the rules, and back them when they do.', ['workforce'], ['distributed-leadership']),
    lesson('Frontline workers changed practice only when leaders gave clear permission to bend rules.', ['workforce', 'governance'], ['distributed-leadership', 'sharing-power']),
    lesson('Permission for frontline workers to bend the rules mattered more than any new process.', ['workforce'], ['sharing-power']),
  ],
];

interface SampleTopic {
  title: string;
  issue: string;
  loop: readonly string[];
}

const TOPICS: readonly SampleTopic[] = [
  {
    title: 'Keeping older people well at home',
    issue: 'Too many older people reach hospital in a crisis that earlier, joined-up help at home could have prevented.',
    loop: ['Emergency admissions', 'Pressure on hospital beds', 'Delayed discharges', 'Loss of independence', 'Need for home care', 'Care staff stretched', 'Early help at home'],
  },
  {
    title: 'A dementia-friendly town centre',
    issue: 'People living with dementia and their carers stop coming into town, and lose touch with shops, friends and services.',
    loop: ['Confidence to go out', 'Time spent in town', 'Shopkeepers’ understanding', 'Places to rest', 'Isolation', 'Carer strain'],
  },
  {
    title: 'Families with many needs',
    issue: 'Families known to six or more services tell their story again and again, and still fall between eligibility rules.',
    loop: ['Referrals between services', 'Families repeating their story', 'Trust in services', 'Early engagement', 'Crisis interventions', 'Cost of crisis care'],
  },
  {
    title: 'Young people and antisocial behaviour',
    issue: 'Calls about antisocial behaviour rise each winter while youth provision has shrunk.',
    loop: ['Youth provision', 'Young people with somewhere to go', 'Antisocial behaviour calls', 'Enforcement activity', 'Young people’s trust in police'],
  },
  {
    title: 'Damp, mould and children’s health',
    issue: 'Children in poorly maintained rented homes are admitted with breathing problems that damp and mould make worse.',
    loop: ['Damp and mould', 'Children’s breathing problems', 'Hospital attendances', 'Reports to landlords', 'Repairs completed', 'Tenants’ confidence to complain'],
  },
  {
    title: 'Loneliness and isolation',
    issue: 'Loneliness is rising among older men and new parents, and the services that notice it are not the ones that can help.',
    loop: ['Social contact', 'Loneliness', 'Visits to the surgery', 'Referrals to community groups', 'Capacity of community groups', 'Volunteers recruited', 'Sense of belonging'],
  },
  {
    title: 'Getting people into good work',
    issue: 'People out of work with a health condition meet employment, health and benefits services that do not talk to each other.',
    loop: ['People in good work', 'Health and wellbeing', 'Employer confidence', 'Job offers', 'Support in work', 'Time out of work'],
  },
  {
    title: 'Leaving hospital without a home',
    issue: 'People who are homeless are discharged to the street, and come back to hospital sicker.',
    loop: ['Discharges to the street', 'Readmissions', 'Beds occupied', 'Housing options at discharge', 'Housing officer time on wards'],
  },
  {
    title: 'Mental health crisis response',
    issue: 'People in mental health crisis wait for hours in police custody or A&E because no other place is open.',
    loop: ['People in crisis', 'Police time on mental health', 'Detentions', 'Crisis café opening hours', 'Early support', 'Trust between police and NHS'],
  },
  {
    title: 'Healthy weight in childhood',
    issue: 'One child in four leaves primary school above a healthy weight, with the highest rates in the poorest wards.',
    loop: ['Takeaways near schools', 'Children’s diet', 'Healthy weight', 'Active travel to school', 'Safe routes', 'Parents’ confidence'],
  },
  {
    title: 'Cold homes and fuel poverty',
    issue: 'Households choose between heating and eating, and cold homes fill winter beds.',
    loop: ['Cold homes', 'Winter admissions', 'Energy advice given', 'Homes insulated', 'Fuel debt', 'Household income'],
  },
  {
    title: 'A safer night-time economy',
    issue: 'Violence and vulnerability in the town centre at night fall to police and A&E alone.',
    loop: ['Footfall at night', 'Incidents of violence', 'Street pastors out', 'Venues’ confidence', 'Police presence', 'Perceptions of safety'],
  },
];

type AgencyTemplate = readonly [name: (site: string) => string, type: string];

const AGENCY_TEMPLATES: readonly AgencyTemplate[] = [
  [(s) => `NHS ${s} Integrated Care Board`, 'nhs'],
  [(s) => `${s} Community Health NHS Trust`, 'nhs'],
  [(s) => `${s} Public Health`, 'public-health'],
  [(s) => `${s} Police`, 'police'],
  [(s) => `${s} Fire and Rescue Service`, 'fire'],
  [(s) => `Age UK ${s}`, 'voluntary'],
  [(s) => `Citizens Advice ${s}`, 'voluntary'],
  [(s) => `${s} Community Voluntary Service`, 'voluntary'],
  [(s) => `${s} Homes`, 'housing'],
  [(s) => `${s} College`, 'education'],
  [(s) => `${s} Chamber of Commerce`, 'business'],
  [(s) => `${s} Residents’ Forum`, 'residents'],
  [() => 'Department for Work and Pensions', 'other'],
];

const INTERVENTIONS: readonly string[] = [
  'A shared front door staffed by three agencies',
  'Monthly learning sessions open to frontline staff',
  'A pooled fund for small, fast spending decisions',
  'Joint home visits by health and housing staff',
  'A residents’ panel that scores proposals',
  'A single care plan held by the family',
  'Weekly multi-agency huddles',
  'Community champions paid for their time',
];
const ENABLERS: readonly string[] = [
  'A chief executive who chaired the first meetings herself',
  'A data-sharing agreement signed early',
  'Time protected for staff to meet across agencies',
  'A trusted voluntary sector partner',
  'Flexible funding with light reporting',
];
const BARRIERS: readonly string[] = [
  'Annual funding cycles',
  'Different IT systems in every agency',
  'Staff turnover in key roles',
  'Performance targets set nationally',
  'A reorganisation halfway through',
];
const QUOTATIONS: readonly string[] = [
  'For the first time, nobody asked me to start again from the beginning.',
  'We stopped arguing about whose problem it was once we drew it on one page.',
  'I was told I could just do the right thing, and then someone backed me when I did.',
  'The map showed us we were all pushing the same loop from different ends.',
  'It felt slower at the start and much faster by the end.',
];
const FIRST_NAMES: readonly string[] = ['Aisha', 'Ben', 'Carys', 'Dev', 'Eleanor', 'Femi', 'Gareth', 'Hannah', 'Imran', 'Joanne', 'Kwame', 'Lucy', 'Mo', 'Niamh', 'Owen', 'Priya'];
const LAST_NAMES: readonly string[] = ['Ahmed', 'Baker', 'Clarke', 'Davies', 'Evans', 'Fletcher', 'Green', 'Hughes', 'Iqbal', 'Jones', 'Khan', 'Lewis', 'Morgan', 'Patel', 'Roberts', 'Shaw'];

const themeLabels = new Map(DEFAULT_THEMES.map((t) => [t.id, t.label]));
const behaviourLabels = new Map([...DEFAULT_BEHAVIOURS.map((b) => [b.id, b.label] as const), ...Object.entries(SITE_BEHAVIOURS)]);

const DAY = 24 * 60 * 60 * 1000;
// Fixed, so the summaries do not depend on when the tests run.
const FIRST_DATE = Date.UTC(2025, 0, 6, 9, 30);

function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[’']/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * The name of the site at a place in the list: real-sounding first, then "Site 26" and on.
 *
 * @example
 * sampleSiteName(0) // 'Torbay'
 * sampleSiteName(25) // 'Site 26'
 */
export function sampleSiteName(index: number): string {
  return SAMPLE_SITE_NAMES[index] ?? `Site ${index + 1}`;
}

class Picker {
  constructor(private readonly random: () => number) {}

  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  one<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  /** `n` different items (all of them when there are fewer), in a random order. */
  some<T>(items: readonly T[], n: number): T[] {
    const pool = [...items];
    for (let i = pool.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    return pool.slice(0, n);
  }

  id(): string {
    let out = '';
    for (let i = 0; i < 12; i++) out += '0123456789abcdefghijklmnopqrstuvwxyz'[Math.floor(this.random() * 36)];
    return out;
  }
}

// How sites open a lesson. With 125 summaries the pools repeat, so the same lesson from two
// sites reads a little differently; the openers' words are so common across lessons that they
// never link two different lessons on their own.
const OPENERS: readonly string[] = ['', '', '', '', 'We learned that ', 'On reflection, ', 'In hindsight, ', 'Our biggest lesson was that ', 'What surprised us: '];

function withOpener(pick: Picker, text: string): string {
  const opener = pick.one(OPENERS);
  // Lower-case the first letter after an opener, unless it starts an acronym ("NHS").
  return opener && !/^\p{Lu}\p{Lu}/u.test(text) ? opener + text[0]!.toLowerCase() + text.slice(1) : opener + text;
}

function pickLessons(pick: Picker): SampleLesson[] {
  const count = pick.int(4, 8);
  const chosen: SampleLesson[] = [];
  while (chosen.length < count) {
    // About one lesson in five is a paraphrase of a lesson other sites also drew.
    const candidate = pick.chance(0.2) ? pick.one(pick.one(SAMPLE_LESSON_FAMILIES)) : pick.one(SAMPLE_DISTINCT_LESSONS);
    if (!chosen.includes(candidate)) chosen.push(candidate);
  }
  return chosen;
}

function diagram(pick: Picker, topic: SampleTopic): PublishedSummary['diagrams'][number] {
  const labels = pick.some(topic.loop, pick.int(5, Math.min(8, topic.loop.length)));
  const radius = 220;
  const elements = labels.map((label, i) => ({
    id: pick.id(),
    kind: 'variable' as const,
    label,
    x: Math.round(radius * Math.cos((2 * Math.PI * i) / labels.length)),
    y: Math.round(radius * Math.sin((2 * Math.PI * i) / labels.length)),
  }));
  const connections = elements.map((from, i) => ({
    id: pick.id(),
    from: from.id,
    to: elements[(i + 1) % elements.length]!.id,
    polarity: pick.chance(0.3) ? ('-' as const) : ('+' as const),
    delay: pick.chance(0.2),
  }));
  // An odd number of negative links makes a loop balancing; an even number, reinforcing.
  const negatives = connections.filter((c) => c.polarity === '-').length;
  const type = negatives % 2 === 0 ? ('reinforcing' as const) : ('balancing' as const);
  const archetype = pick.chance(0.7) ? pick.one(ARCHETYPES).id : '';
  return {
    n: 1,
    title: `${topic.title}: the loop we found`,
    caption: `How “${labels[0]}” and “${labels[1]}” feed each other, as the partners drew it together.`,
    archetype,
    elements,
    connections,
    loops: [{ name: type === 'reinforcing' ? 'The vicious circle' : 'The brake', type, elementIds: elements.map((e) => e.id) }],
  };
}

function summary(pick: Picker, siteIndex: number, n: number): LiveSummary {
  const siteName = sampleSiteName(siteIndex);
  const site = { slug: slugify(siteName), name: siteName };
  const round = Math.floor(n / TOPICS.length);
  const topic = TOPICS[(siteIndex * 5 + n) % TOPICS.length]!;
  const title = round === 0 ? topic.title : `${topic.title}, phase ${round + 1}`;

  const agencies = [
    { name: `${siteName} Council`, type: 'local-authority' },
    ...pick.some(AGENCY_TEMPLATES, pick.int(2, 5)).map(([name, type]) => ({ name: name(siteName), type })),
  ];
  const organisations = agencies.map((a) => a.name);
  const lessons = pickLessons(pick).map((l) => ({ id: pick.id(), text: withOpener(pick, l.text), themes: [...l.themes], behaviours: [...l.behaviours], archetype: l.archetype }));
  const usedThemes = new Set(lessons.flatMap((l) => l.themes));
  const usedBehaviours = new Set(lessons.flatMap((l) => l.behaviours));

  const first = FIRST_DATE + pick.int(0, 420) * DAY + pick.int(0, 8 * 60) * 60_000;
  const version = pick.int(1, 3);
  const published = first + (version - 1) * pick.int(3, 40) * DAY;
  const logDate = new Date(first - pick.int(10, 120) * DAY).toISOString().slice(0, 10);

  const contributors = Array.from({ length: pick.int(2, 4) }, () => ({
    // About one person in four did not consent to be named.
    name: pick.chance(0.25) ? '' : `${pick.one(FIRST_NAMES)} ${pick.one(LAST_NAMES)}`,
    organisation: pick.one(organisations),
  }));
  const named = contributors.find((c) => c.name !== '');

  const data: PublishedSummary = {
    site,
    slug: slugify(title),
    version,
    title,
    publishedAt: new Date(published).toISOString(),
    issue: topic.issue,
    agencies,
    diagrams: [diagram(pick, topic)],
    interventions: pick.some(INTERVENTIONS, pick.int(1, 3)),
    enablers: pick.some(ENABLERS, pick.int(1, 3)),
    barriers: pick.some(BARRIERS, pick.int(1, 2)),
    lessons,
    evidence: [
      {
        kind: 'log',
        title: 'Workshop with frontline staff',
        text: 'Staff from four agencies mapped one family’s journey and found eleven hand-offs.',
        url: '',
        date: logDate,
        organisations: pick.some(organisations, 2),
      },
      {
        kind: 'link',
        title: `${siteName} partnership evaluation`,
        text: 'The independent evaluation’s interim findings.',
        url: `https://example.org/${site.slug}/evaluation`,
        date: '',
        organisations: [organisations[0]!],
      },
    ],
    quotations: [{ text: pick.one(QUOTATIONS), attribution: named ? named.name : contributors[0]!.organisation }],
    contributors,
    terms: {
      themes: Object.fromEntries([...usedThemes].map((id) => [id, themeLabels.get(id) ?? id])),
      behaviours: Object.fromEntries([...usedBehaviours].map((id) => [id, behaviourLabels.get(id) ?? id])),
    },
  };
  return { summary: data, firstPublishedAt: new Date(first).toISOString() };
}

/**
 * `sites` × `summariesPerSite` published summaries, site by site; the same options always give
 * the same summaries.
 *
 * @example
 * sampleSummaries({ sites: 25, summariesPerSite: 5 }).length // 125
 * sampleSummaries({ sites: 2, summariesPerSite: 1 })[1]!.summary.site // { slug: 'west-cheshire', name: 'West Cheshire' }
 */
export function sampleSummaries(options: SampleOptions): LiveSummary[] {
  const pick = new Picker(seededRandom(options.seed ?? 1));
  const out: LiveSummary[] = [];
  for (let s = 0; s < options.sites; s++) {
    for (let n = 0; n < options.summariesPerSite; n++) out.push(summary(pick, s, n));
  }
  return out;
}

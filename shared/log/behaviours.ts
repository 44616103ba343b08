/**
 * The shared vocabulary of leadership behaviours that learning-log entries are tagged with.
 * The Local Vision programme draws lessons about these behaviours across sites, so they are
 * structured data with stable ids, not free text: every site starts from the same defaults and
 * may add its own.
 *
 * Schema: `doc.getArray('logBehaviours')` holds the site's additions as plain objects
 * ({ id, label, description, added }). Adding is append-only, so two people adding different
 * behaviours at once both keep theirs; two people adding the same label at once both land, and
 * readers treat the first as the one (see `behaviourAliases`).
 */
import type * as Y from 'yjs';
import { readAttribution } from '../map/comments.js';
import type { Actor } from '../map/doc.js';
import type { Attribution } from '../map/model.js';

export const LOG_BEHAVIOURS_ROOT = 'logBehaviours';

export const BEHAVIOUR_LIMITS = {
  labelMax: 80,
  descriptionMax: 500,
  /** How many behaviours a site may add to the defaults. */
  customMax: 100,
} as const;

export interface Behaviour {
  id: string;
  label: string;
  description: string;
}

/** A behaviour a site added, with who added it. */
export interface CustomBehaviour extends Behaviour {
  added: Attribution;
}

/** A behaviour as listed for a site: the defaults first, then the site's own. */
export interface ListedBehaviour extends Behaviour {
  /** Who added it, for a site's own; null for the shared defaults. */
  added: Attribution | null;
}

/**
 * Behaviours drawn from the systems leadership literature (the Leadership Centre's "The Art of
 * Change Making", the Local Vision evaluation) that the programme looks for across sites.
 * Ids are stable: entries store them, and cross-site analysis groups by them.
 */
export const DEFAULT_BEHAVIOURS: readonly Behaviour[] = [
  { id: 'across-boundaries', label: 'Working across boundaries', description: 'Working beyond the edges of your own organisation, profession or sector, and making it easy for others to do the same.' },
  { id: 'whole-system', label: 'Seeing the whole system', description: 'Looking at how the parts connect — people, services, places, incentives — rather than at one organisation’s piece of it.' },
  { id: 'co-producing', label: 'Co-producing with communities', description: 'Designing and deciding with residents and people with lived experience, not for them.' },
  { id: 'sharing-power', label: 'Sharing power', description: 'Giving up control of decisions, money or the agenda so that others can lead.' },
  { id: 'curiosity', label: 'Curiosity and enquiry', description: 'Asking questions before proposing answers; testing assumptions, including your own.' },
  { id: 'holding-uncertainty', label: 'Holding uncertainty', description: 'Acting without a full plan or guaranteed outcome, and staying with not knowing long enough to learn.' },
  { id: 'distributed-leadership', label: 'Distributed leadership', description: 'Leadership shown by whoever is best placed, at every level, not only by those with the title.' },
  { id: 'building-trust', label: 'Building trust and relationships', description: 'Investing time in relationships across agencies so that hard conversations become possible.' },
  { id: 'learning-from-failure', label: 'Learning from failure', description: 'Treating what did not work as information, saying so openly, and changing course.' },
  { id: 'shared-purpose', label: 'Creating a shared purpose', description: 'Finding and naming the outcome people care about across agencies, beyond each one’s targets.' },
  { id: 'experimenting', label: 'Experimenting and iterating', description: 'Trying small things quickly, watching what happens, and adapting.' },
  { id: 'giving-voice', label: 'Giving voice to the unheard', description: 'Bringing in perspectives usually missing from the room: frontline staff, carers, marginalised groups.' },
];

const additions = (doc: Y.Doc) => doc.getArray<unknown>(LOG_BEHAVIOURS_ROOT);

const labelKey = (label: string) => label.replace(/\s+/g, ' ').trim().toLowerCase();

/** Every well-formed addition in the order added, duplicates of a label included. */
function readAdditions(doc: Y.Doc): CustomBehaviour[] {
  const out: CustomBehaviour[] = [];
  for (const item of additions(doc).toArray()) {
    if (typeof item !== 'object' || item === null) continue;
    const v = item as Record<string, unknown>;
    const added = readAttribution(v.added);
    if (typeof v.id !== 'string' || typeof v.label !== 'string' || !v.label.trim() || !added) continue;
    out.push({ id: v.id, label: v.label, description: typeof v.description === 'string' ? v.description : '', added });
  }
  return out;
}

/**
 * The site's vocabulary: the defaults, then the site's own behaviours in the order they were
 * added. A label that repeats one listed before it (two people adding it at once, offline) is
 * left out; `behaviourAliases` maps its id to the one listed.
 *
 * @example
 * listBehaviours(doc).map((b) => b.label) // ['Working across boundaries', …, 'Listening walks']
 */
export function listBehaviours(doc: Y.Doc): ListedBehaviour[] {
  const out: ListedBehaviour[] = DEFAULT_BEHAVIOURS.map((b) => ({ ...b, added: null }));
  const seen = new Set(out.map((b) => labelKey(b.label)));
  const ids = new Set(out.map((b) => b.id));
  for (const b of readAdditions(doc)) {
    if (seen.has(labelKey(b.label)) || ids.has(b.id)) continue;
    seen.add(labelKey(b.label));
    ids.add(b.id);
    out.push(b);
  }
  return out;
}

/**
 * Every known behaviour id (listed or a duplicate) → the id of the behaviour it stands for in
 * `listBehaviours`, so entries tagged with a duplicate count under the listed one.
 */
export function behaviourAliases(doc: Y.Doc): Map<string, string> {
  const listed = listBehaviours(doc);
  const byLabel = new Map(listed.map((b) => [labelKey(b.label), b.id]));
  const aliases = new Map(listed.map((b) => [b.id, b.id]));
  for (const b of readAdditions(doc)) if (!aliases.has(b.id)) aliases.set(b.id, byLabel.get(labelKey(b.label)) ?? b.id);
  return aliases;
}

/**
 * Adds a behaviour to the site's vocabulary, unless one with the same label (any case and
 * spacing) is already there, defaults included; returns the id to tag entries with.
 *
 * @example
 * addBehaviour(doc, { id: newId(), label: 'Listening walks', description: 'Walking the patch with residents.' }, actor)
 */
export function addBehaviour(doc: Y.Doc, input: Behaviour, actor: Actor, now = new Date()): string {
  const label = input.label.replace(/\s+/g, ' ').trim();
  const description = input.description.trim();
  if (!label) throw new RangeError('A behaviour needs a name.');
  if (label.length > BEHAVIOUR_LIMITS.labelMax) throw new RangeError(`A behaviour’s name can be at most ${BEHAVIOUR_LIMITS.labelMax} characters.`);
  if (description.length > BEHAVIOUR_LIMITS.descriptionMax) {
    throw new RangeError(`A behaviour’s description can be at most ${BEHAVIOUR_LIMITS.descriptionMax} characters.`);
  }
  const existing = listBehaviours(doc).find((b) => labelKey(b.label) === labelKey(label));
  if (existing) return existing.id;
  if (DEFAULT_BEHAVIOURS.some((b) => b.id === input.id) || readAdditions(doc).some((b) => b.id === input.id)) {
    throw new RangeError('That behaviour id is taken.');
  }
  if (readAdditions(doc).length >= BEHAVIOUR_LIMITS.customMax) {
    throw new RangeError(`A site can add at most ${BEHAVIOUR_LIMITS.customMax} behaviours.`);
  }
  const added: Attribution = { userId: actor.userId, name: actor.name, organisation: actor.organisation, at: now.toISOString() };
  doc.transact(() => additions(doc).push([{ id: input.id, label, description, added }]));
  return input.id;
}

/** Calls `onChange` when the site's vocabulary changes; returns the unsubscribe. */
export function observeBehaviours(doc: Y.Doc, onChange: () => void): () => void {
  const array = additions(doc);
  array.observe(onChange);
  return () => array.unobserve(onChange);
}

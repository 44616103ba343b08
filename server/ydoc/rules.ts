/**
 * The room's rules, checked on what a client's update did to the doc: which roots it wrote or
 * deleted from (the kind's registry says which exist and who writes each), and whether the
 * attributions it wrote name the sender.
 *
 * Checked on the finished transaction (`afterTransaction`, before Yjs garbage-collects what it
 * deleted), because only an integrated item knows its parent: an update names a parent for
 * few of its items and Yjs finds the rest through their neighbours. A refused update has
 * then been applied to the room's live doc, but not stored or relayed: the room throws the doc
 * away and reloads it from storage (as after any failed update).
 */
import { createHash } from 'node:crypto';
import * as Y from 'yjs';
import { ATTRIBUTION_FIELDS, mayWriteRoot, type RoomKindRules } from '../../shared/rooms/kinds.js';
import type { SiteRole } from '../../shared/roles.js';
import { newItems } from './guard.js';

/** A client's update broke the room's rules: refused with 1008, nothing stored or relayed. */
export class RuleViolation extends Error {
  override name = 'RuleViolation';
}

/** The sender, as its account says: an attribution must name this person and agency. */
export interface Writer {
  userId: string;
  role: SiteRole;
  presence: { name: string; organisation: string };
}

/** Whether an attribution names the writer: account, name and organisation. */
function namesWriter(attribution: Record<string, unknown>, field: 'userId' | 'id', writer: Writer): boolean {
  return (
    attribution[field] === writer.userId &&
    attribution.name === writer.presence.name &&
    attribution.organisation === writer.presence.organisation
  );
}

/**
 * Attributions a place in the doc has held. Writing one back is not a forgery: undo does it
 * (undoing a deletion re-creates an element with its `created`; undoing an edit restores the
 * previous `updated`). So an attribution that names someone else is accepted only when this
 * place held exactly it before. Kept as hashes of place and value, in memory while the room
 * is loaded and in storage with the updates that wrote them (`appendUpdate`'s
 * `attributions`), so a room that reloads still knows those its doc held and no longer holds.
 */
export class AttributionLedger {
  private readonly known = new Set<string>();

  static key(path: string, value: Record<string, unknown>): string {
    const canonical = JSON.stringify(Object.keys(value).sort().map((k) => [k, value[k]]));
    return createHash('sha1').update(path).update('\u0000').update(canonical).digest('base64');
  }

  has(key: string): boolean {
    return this.known.has(key);
  }

  /** Learns `keys`; returns those it did not know (to store with the next update). */
  add(keys: Iterable<string>): string[] {
    const added: string[] = [];
    for (const key of keys) {
      if (this.known.has(key)) continue;
      this.known.add(key);
      added.push(key);
    }
    return added;
  }

  get size(): number {
    return this.known.size;
  }

  /** Learns every attribution the doc holds now (on load); returns those it did not know. */
  learn(doc: Y.Doc, rules: RoomKindRules): string[] {
    const learned: string[] = [];
    const learnType = (type: Y.Map<unknown> | Y.Array<unknown>, path: string): void => {
      const visit = (value: unknown, key: string | null) => {
        const at = `${path}/${key ?? '*'}`;
        if (value instanceof Y.Map || value instanceof Y.Array) learnType(value, at);
        else if (!(value instanceof Y.AbstractType)) {
          forEachAttribution(value, at, key, (p, attribution) => learned.push(...this.add([AttributionLedger.key(p, attribution)])));
        }
      };
      if (type instanceof Y.Map) type.forEach((value, key) => visit(value, key));
      else type.forEach((value) => visit(value, null));
    };
    for (const name of Object.keys(rules.roots)) {
      const root = doc.share.get(name);
      if (root instanceof Y.Map || root instanceof Y.Array) learnType(root, name);
    }
    return learned;
  }
}

/**
 * Calls `found` for every attribution in a plain value stored at `path` under `key` (the value
 * itself when the key is an attribution key, and any nested under one).
 */
function forEachAttribution(
  value: unknown,
  path: string,
  key: string | null,
  found: (path: string, attribution: Record<string, unknown>, field: 'userId' | 'id') => void,
): void {
  // Iterative: values may nest 64 deep (the guard's limit), and most hold no attribution.
  const stack: [unknown, string, string | null][] = [[value, path, key]];
  while (stack.length > 0) {
    const [v, p, k] = stack.pop()!;
    if (v === null || typeof v !== 'object' || v instanceof Uint8Array) continue;
    const field = k !== null ? ATTRIBUTION_FIELDS[k] : undefined;
    if (field && !Array.isArray(v)) found(p, v as Record<string, unknown>, field);
    if (Array.isArray(v)) for (const child of v) stack.push([child, `${p}/*`, null]);
    else for (const [ck, child] of Object.entries(v as Record<string, unknown>)) stack.push([child, `${p}/${ck}`, ck]);
  }
}

/** The root a type sits in, and the path of keys to it (`*` for a list position). */
function placeOf(type: Y.AbstractType<unknown>, roots: Map<unknown, string>): { root: string | undefined; path: string } {
  const steps: string[] = [];
  let t = type;
  // Bounded by the guard's depth limits; a loop here would need a cycle Yjs cannot build.
  while (t._item !== null) {
    steps.push(t._item.parentSub ?? '*');
    t = t._item.parent as Y.AbstractType<unknown>;
  }
  const root = roots.get(t);
  steps.push(root ?? '?');
  return { root, path: steps.reverse().join('/') };
}

/** XML types hold a document's body: their attributes are formatting, never attributions. */
const isXml = (type: Y.AbstractType<unknown>) => type instanceof Y.XmlFragment || type instanceof Y.XmlText || type instanceof Y.XmlHook;

/**
 * Checks one finished transaction of a client's update against the room's rules. Returns the
 * first rule broken (as a RuleViolation), or null with the attributions the transaction wrote,
 * for the ledger once the update is accepted.
 */
export function checkTransaction(
  transaction: Y.Transaction,
  rules: RoomKindRules,
  writer: Writer,
  ledger: AttributionLedger,
): { violation: RuleViolation } | { attributions: string[] } {
  const doc = transaction.doc;
  const roots = new Map<unknown, string>();
  for (const [name, type] of doc.share) roots.set(type, name);
  const attributions: string[] = [];

  const mayWrite = (parent: Y.AbstractType<unknown>, what: string): RuleViolation | { path: string } => {
    const { root, path } = placeOf(parent, roots);
    const rule = root !== undefined ? rules.roots[root] : undefined;
    if (!rule) return new RuleViolation(`${what} ${path}, which a ${rules.kind} room does not have`);
    // A lock is decided per connection (a locked room's members read only), not here.
    if (!mayWriteRoot(rule, writer.role, false)) {
      return new RuleViolation(`${what} ${root}, which ${rule.write === 'server' ? 'only the server writes' : 'only facilitators write'}`);
    }
    return { path };
  };

  for (const item of newItems(transaction)) {
    if (!(item.parent instanceof Y.AbstractType)) continue;
    const allowed = mayWrite(item.parent, 'writes to');
    if (allowed instanceof RuleViolation) return { violation: allowed };
    if (item.deleted || isXml(item.parent)) continue;
    const content = item.content;
    if (!(content instanceof Y.ContentAny || content instanceof Y.ContentJSON)) continue;
    const path = `${allowed.path}/${item.parentSub ?? '*'}`;
    for (const value of content.arr as unknown[]) {
      let problem: string | null = null;
      forEachAttribution(value, path, item.parentSub, (p, attribution, field) => {
        const key = AttributionLedger.key(p, attribution);
        if (problem === null && !namesWriter(attribution, field, writer) && !ledger.has(key)) {
          problem = `writes an attribution at ${p} that does not name the sender as their account does`;
        }
        attributions.push(key);
      });
      if (problem !== null) return { violation: new RuleViolation(problem) };
    }
  }

  let refusedDeletion: RuleViolation | null = null;
  Y.iterateDeletedStructs(transaction, transaction.deleteSet, (struct) => {
    if (refusedDeletion || !(struct instanceof Y.Item) || !(struct.parent instanceof Y.AbstractType)) return;
    const allowed = mayWrite(struct.parent, 'deletes from');
    if (allowed instanceof RuleViolation) refusedDeletion = allowed;
  });
  if (refusedDeletion) return { violation: refusedDeletion };
  return { attributions };
}

/** Gives the kind's roots their Yjs types in a doc the server holds, so checks see typed lists. */
export function typeRoots(doc: Y.Doc, rules: RoomKindRules): void {
  for (const [name, rule] of Object.entries(rules.roots)) {
    if (rule.type === 'map') doc.getMap(name);
    else if (rule.type === 'array') doc.getArray(name);
    else if (rule.type === 'xml') doc.getXmlFragment(name);
    else doc.getText(name);
  }
}

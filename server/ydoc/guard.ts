/**
 * Guards between untrusted Yjs updates and a room's live doc.
 *
 * `Y.decodeUpdate` only proves an update is well-formed bytes. Yjs trusts what they say: an
 * item of length 0, or one whose origin, right origin or parent is a later clock of its own
 * client, decodes fine and then throws half-way through the transaction that integrates it
 * (in `findIndexSS`, "Unexpected case"), leaving the doc with a transaction that never
 * finished: every later change is neither emitted nor stored, and the doc can no longer be
 * encoded. Yjs's own comment on `getItem` says a missing id "throws or is an infinite loop".
 *
 * So every update is checked here, on its decoded structs, against the invariants an honest
 * Yjs encoder always keeps (`checkDecodedUpdate`); `applyGuarded` then applies it and reports
 * any failure Yjs still raises, including a transaction left unfinished, so the room can throw
 * the doc away and reload it from storage. `sanitizeUpdate` rewrites stored bytes that break
 * the invariants (written before this guard existed) so a room that holds them still opens.
 */
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

/**
 * Clocks count one session's characters and list entries: no honest client gets near 2^31
 * (two billion keystrokes in one sitting). Past it, Yjs's arithmetic is not safe: a deletion
 * 2^31 long, applied with an offset, decoded fine and left a doc that fails when replayed.
 */
export const MAX_CLOCK = 2 ** 31;
/** Nesting deeper than this in a value (attributes, embeds, JSON) is not a workspace's data. */
export const MAX_VALUE_DEPTH = 64;
/** Root type names and map keys are short names in this workspace's schema. */
export const MAX_KEY_LENGTH = 1024;

type Struct = Y.Item | Y.GC | Y.Skip;
type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>;
export type UpdateMeta = ReturnType<typeof Y.parseUpdateMeta>;

/** How deeply a decoded value nests, stopping (and returning past the limit) once over it. */
function depthOf(value: unknown, limit: number): number {
  if (value === null || typeof value !== 'object') return 1;
  // Iterative, so a hostile value cannot overflow the stack of the check meant to catch it.
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (depth > max) max = depth;
    if (max > limit) return max;
    if (v !== null && typeof v === 'object' && !(v instanceof Uint8Array)) {
      for (const child of Array.isArray(v) ? v : Object.values(v as Record<string, unknown>)) {
        if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
      }
    }
  }
  return max;
}

function contentProblem(content: Y.Item["content"]): string | null {
  if (content instanceof Y.ContentDoc) return 'carries a subdocument, which this workspace does not use';
  let values: unknown[] = [];
  if (content instanceof Y.ContentAny || content instanceof Y.ContentJSON) values = content.arr;
  else if (content instanceof Y.ContentEmbed) values = [content.embed];
  else if (content instanceof Y.ContentFormat) {
    if (content.key.length > MAX_KEY_LENGTH) return 'has a format key over the length limit';
    values = [content.value];
  }
  for (const v of values) {
    if (depthOf(v, MAX_VALUE_DEPTH) > MAX_VALUE_DEPTH) return `holds a value nested deeper than ${MAX_VALUE_DEPTH}`;
  }
  return null;
}

/** Why one decoded struct could break a doc it is applied to, or null when it is sound. */
export function structProblem(struct: Struct): string | null {
  const { client, clock } = struct.id;
  if (!(struct.length >= 1)) return `struct ${client}:${clock} has length ${struct.length}`;
  if (clock + struct.length > MAX_CLOCK) return `struct ${client}:${clock} runs past the largest clock`;
  if (!(struct instanceof Y.Item)) return null;
  if (struct.content.getLength() !== struct.length) return `item ${client}:${clock} has content of another length`;
  // An item may point at its own client's earlier structs only: Yjs does not look for those in
  // the update (it assumes a client's structs arrive in order) and fails on a later one.
  const problem =
    refProblem('origin', struct.origin, client, clock) ??
    refProblem('right origin', struct.rightOrigin, client, clock) ??
    refProblem('parent', struct.parent instanceof Y.ID ? struct.parent : null, client, clock);
  if (problem) return problem;
  // Left of and right of one character at once: Yjs splits the item so that both neighbours are
  // the same item, and the text then reads differently here and in a doc replayed from it.
  if (struct.origin && struct.rightOrigin && Y.compareIDs(struct.origin, struct.rightOrigin)) {
    return `item ${client}:${clock} has the same origin on both sides`;
  }
  const parent: unknown = struct.parent;
  if (typeof parent === 'string' && parent.length > MAX_KEY_LENGTH) return `item ${client}:${clock} has a root name over the length limit`;
  if (struct.parentSub !== null && struct.parentSub.length > MAX_KEY_LENGTH) return `item ${client}:${clock} has a key over the length limit`;
  const content = contentProblem(struct.content);
  return content ? `item ${client}:${clock} ${content}` : null;
}

function refProblem(what: string, id: Y.ID | null, client: number, clock: number): string | null {
  if (!id) return null;
  if (id.clock >= MAX_CLOCK) return `item ${client}:${clock} has a ${what} past the largest clock`;
  if (id.client === client && id.clock >= clock) return `item ${client}:${clock} has a ${what} that is not earlier`;
  return null;
}

/** Which clocks of which clients an update holds, as `Y.parseUpdateMeta` says, from its structs. */
export function metaOf(decoded: DecodedUpdate): UpdateMeta {
  const from = new Map<number, number>();
  const to = new Map<number, number>();
  for (const struct of decoded.structs as Struct[]) {
    const { client, clock } = struct.id;
    if (!from.has(client)) from.set(client, clock);
    if (!(struct instanceof Y.Skip)) to.set(client, clock + struct.length);
  }
  return { from, to };
}

/** Why a decoded update could break a doc it is applied to, or null when every part is sound. */
export function checkDecodedUpdate(decoded: DecodedUpdate): string | null {
  for (const struct of decoded.structs as Struct[]) {
    const problem = structProblem(struct);
    if (problem) return problem;
  }
  for (const [client, ranges] of decoded.ds.clients) {
    for (const { clock, len } of ranges) {
      // Yjs records deletions in struct lengths (never 0); an empty range fails while applied.
      if (!(len >= 1)) return `deletion of ${client}:${clock} has length ${len}`;
      if (clock + len > MAX_CLOCK) return `deletion of ${client}:${clock} runs past the largest clock`;
    }
  }
  return null;
}

/** `checkDecodedUpdate` for bytes; a problem also when they do not decode. */
export function checkUpdate(update: Uint8Array): string | null {
  let decoded: DecodedUpdate;
  try {
    decoded = Y.decodeUpdate(update);
  } catch (error) {
    return `does not decode: ${(error as Error).message}`;
  }
  return checkDecodedUpdate(decoded);
}

/**
 * The update without what `doc` already has. Yjs integrates a struct the doc partly knows from
 * the middle, taking its left neighbour from the doc but its parent from the origin the sender
 * wrote: a lie there links the item into one list while it claims another, and the doc fails
 * later (when a root is given its type, or when it is encoded). Trimmed as `diffUpdate` writes
 * it, the rest's origin is the doc's own item, so its parent is always that item's.
 */
export function withoutKnown(doc: Y.Doc, update: Uint8Array, meta: UpdateMeta = Y.parseUpdateMeta(update)): Uint8Array {
  for (const client of meta.to.keys()) {
    // Trimmed whenever any of it is known: an update Yjs keeps pending is kept whole, and the
    // known structs in it would later be merged with the doc's own in `encodeStateAsUpdate`.
    if ((meta.from.get(client) ?? 0) < Y.getState(doc.store, client)) {
      return Y.diffUpdate(update, Y.encodeStateVector(doc));
    }
  }
  return update;
}

interface DocInternals {
  _transaction: unknown;
  _transactionCleanups: unknown[];
}

/** True when a transaction on `doc` started and never finished (the doc is unusable). */
export function leftMidTransaction(doc: Y.Doc): boolean {
  const internals = doc as unknown as DocInternals;
  return internals._transaction !== null || internals._transactionCleanups.length > 0;
}

/** The doc holds structs or deletions waiting for updates it has not seen. */
export function hasPending(doc: Y.Doc): boolean {
  return doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
}

/**
 * Forgets what the doc holds waiting for missing updates. Yjs keeps such structs unchecked
 * against the doc and hands them on in every `encodeStateAsUpdate`; a room instead asks the
 * sender again for everything it lacks (sync step 1), which an honest client answers whole.
 *
 * @returns whether there was anything to forget.
 */
export function dropPending(doc: Y.Doc): boolean {
  if (!hasPending(doc)) return false;
  doc.store.pendingStructs = null;
  doc.store.pendingDs = null;
  return true;
}

/**
 * Applies an update and says whether the doc is still sound. On a failure the doc must be
 * thrown away: Yjs may have integrated part of the update, and its transaction may not have
 * finished (then no later change to this doc is ever emitted).
 *
 * @returns null when applied cleanly, otherwise the error.
 */
export function applyGuarded(
  doc: Y.Doc,
  update: Uint8Array,
  origin?: unknown,
  options: {
    /** Also refuse content put where readers cannot read it (for client input, not storage). */
    checkPlacement?: boolean;
    /** A further check of each finished transaction (the room's rules); an Error refuses. */
    inspect?: (transaction: Y.Transaction) => Error | null;
  } = {},
): Error | null {
  let misplaced: Error | null = null;
  // Every transaction the apply runs is inspected, and the first finding kept: Yjs follows a
  // remote change to formatted text with a cleanup transaction of its own, which must not
  // overwrite what the first one found.
  const inspect = (transaction: Y.Transaction): void => {
    if (misplaced) return;
    if (options.checkPlacement) {
      const problem = misplacedContent(transaction);
      if (problem) misplaced = new Error(problem);
    }
    misplaced ??= options.inspect?.(transaction) ?? null;
  };
  doc.on('afterTransaction', inspect);
  try {
    Y.applyUpdate(doc, update, origin);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  } finally {
    doc.off('afterTransaction', inspect);
  }
  if (leftMidTransaction(doc)) return new Error('the update left the doc mid-transaction');
  return misplaced;
}

type ContentClass = 'node' | 'text' | 'value' | 'none';

/**
 * What kind of list entry a content is: an XML node (only XML types hold those), text (only
 * text types), a value (arrays), or a deletion (fits anywhere).
 */
function classOf(content: Y.Item['content']): ContentClass {
  if (content instanceof Y.ContentDeleted) return 'none';
  if (content instanceof Y.ContentString || content instanceof Y.ContentFormat || content instanceof Y.ContentEmbed) return 'text';
  if (content instanceof Y.ContentType) {
    const t = content.type;
    if (t instanceof Y.XmlElement || t instanceof Y.XmlText || t instanceof Y.XmlHook) return 'node';
  }
  return 'value';
}

/**
 * The class of the nearest entries beside an item that were there before this transaction
 * (new ones could vouch for each other), for roots no one has typed yet.
 */
function neighbourClass(item: Y.Item, transaction: Y.Transaction): ContentClass {
  const isNew = (n: Y.Item) => n.id.clock >= (transaction.beforeState.get(n.id.client) ?? 0);
  for (const step of ['left', 'right'] as const) {
    let n = item[step];
    // Bounded: a long run of deleted entries only makes the check less strict, never slow.
    for (let i = 0; n !== null && i < 32; i++, n = n[step]) {
      if (isNew(n)) continue;
      const c = classOf(n.content);
      if (c !== 'none') return c;
    }
  }
  return 'none';
}

/**
 * Whether a list may hold an item's content. An item's parent is only known once Yjs has
 * integrated it (it follows the item's origin), so this is checked on the transaction.
 * Content of the wrong kind breaks readers rather than Yjs: a plain value in an XML fragment
 * makes `toString()` throw on the server and the editor fail in every browser.
 */
function listAccepts(parent: Y.AbstractType<unknown>, item: Y.Item, transaction: Y.Transaction): boolean {
  const cls = classOf(item.content);
  if (cls === 'none') return true;
  if (parent instanceof Y.XmlText || parent instanceof Y.Text) return cls === 'text' || item.content instanceof Y.ContentType;
  // (XmlElement extends XmlFragment.)
  if (parent instanceof Y.XmlFragment) return cls === 'node';
  if (parent instanceof Y.Array || parent instanceof Y.Map) return !(item.content instanceof Y.ContentFormat);
  // A root the server has not given a type (it knows roots only by name): its entries must be
  // of one kind, as those of every typed list are.
  const beside = neighbourClass(item, transaction);
  return beside === 'none' || beside === cls;
}

/**
 * Steps from an item looking for its origins. Honest items have only concurrent inserts
 * between them and their origins, so the walk is short; past this, it is treated as not there.
 */
const MAX_NEIGHBOUR_WALK = 10_000;

/** Whether `id` is one of the clocks of `n`. */
function holds(n: Y.Item, id: Y.ID): boolean {
  return n.id.client === id.client && n.id.clock <= id.clock && id.clock < n.id.clock + n.length;
}

/**
 * The item's origin is to its left and its right origin to its right, in its own list, as
 * Yjs's conflict resolution assumes. (An origin one clock past its right origin, in one run of
 * text, makes Yjs split that run so the item lands between them: the doc reads one way live
 * and another when replayed from its encoding.)
 */
function betweenItsOrigins(item: Y.Item): boolean {
  for (const [target, step] of [
    [item.origin, 'left'],
    [item.rightOrigin, 'right'],
  ] as const) {
    if (!target) continue;
    let n = item[step];
    let found = false;
    for (let i = 0; n !== null && i < MAX_NEIGHBOUR_WALK; i++, n = n[step]) {
      if (holds(n, target)) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

/**
 * The items a finished transaction integrated, in the doc's store. On 'afterTransaction'
 * Yjs has not merged them with their neighbours yet, so their ids are as sent.
 */
export function* newItems(transaction: Y.Transaction): Generator<Y.Item> {
  const store = transaction.doc.store;
  for (const [client, after] of transaction.afterState) {
    const before = transaction.beforeState.get(client) ?? 0;
    if (after <= before) continue;
    const structs = store.clients.get(client);
    if (!structs) continue;
    for (let i = Y.findIndexSS(structs, before); i < structs.length; i++) {
      const struct = structs[i]!;
      if (struct instanceof Y.Item) yield struct;
    }
  }
}

/**
 * What a finished transaction put where it cannot be read or replayed, or null. Runs on
 * 'afterTransaction', before Yjs merges the transaction's structs, so their ids are as sent.
 */
function misplacedContent(transaction: Y.Transaction): string | null {
  for (const struct of newItems(transaction)) {
    const id = `${struct.id.client}:${struct.id.clock}`;
    // Origins out of order (or in another list) are integrated without complaint, and a doc
    // replayed from this one then orders the text differently: the room and every client
    // syncing from it would diverge.
    if (struct.parent !== null && !betweenItsOrigins(struct)) return `item ${id} is not between its origins`;
    if (struct.parentSub !== null) continue;
    const parent = struct.parent;
    if (parent instanceof Y.AbstractType && !listAccepts(parent, struct, transaction)) {
      return `item ${id} puts ${struct.content.constructor.name} into a ${parent.constructor.name}`;
    }
  }
  return null;
}

/**
 * Rewrites an update so that every struct failing `structProblem` becomes garbage of the same
 * length (as Yjs's own garbage collection leaves deleted content), keeping every sound struct
 * and the clocks around them. For stored bytes from before the guard, not for client input.
 *
 * @returns the rewritten update and how many structs were replaced; the same bytes when none was.
 */
export function sanitizeUpdate(update: Uint8Array): { update: Uint8Array; replaced: number } {
  const decoded = Y.decodeUpdate(update);
  // Decoded structs come grouped by client in clock order, as `encodeStructs` writes them.
  const kept: Struct[] = [];
  let replaced = 0;
  for (const struct of decoded.structs as Struct[]) {
    if (structProblem(struct) === null) kept.push(struct);
    else {
      replaced++;
      // A struct with no length has no clock range to hold: leaving it out keeps the clocks.
      if (struct.length >= 1 && struct.id.clock + struct.length <= MAX_CLOCK) kept.push(new Y.GC(struct.id, struct.length));
    }
  }
  if (replaced === 0) return { update, replaced };
  return { update: encodeStructs(kept, decoded.ds.clients), replaced };
}

/**
 * Writes structs and deletions as a V1 update, as Yjs itself writes them: per client, the
 * number of structs, the client, the first clock, then each struct; then the delete set.
 * Structs of one client must be in clock order with no gaps.
 */
export function encodeStructs(
  structs: readonly Struct[],
  deletions: ReadonlyMap<number, readonly { clock: number; len: number }[]> = new Map(),
): Uint8Array {
  const byClient = new Map<number, Struct[]>();
  for (const struct of structs) {
    const list = byClient.get(struct.id.client);
    if (list) list.push(struct);
    else byClient.set(struct.id.client, [struct]);
  }
  const encoder = new Y.UpdateEncoderV1();
  encoding.writeVarUint(encoder.restEncoder, byClient.size);
  for (const [client, list] of byClient) {
    encoding.writeVarUint(encoder.restEncoder, list.length);
    encoder.writeClient(client);
    encoding.writeVarUint(encoder.restEncoder, list[0]!.id.clock);
    for (const struct of list) struct.write(encoder, 0);
  }
  const ds = [...deletions].filter(([, ranges]) => ranges.length > 0);
  encoding.writeVarUint(encoder.restEncoder, ds.length);
  for (const [client, ranges] of ds) {
    encoder.resetDsCurVal();
    encoding.writeVarUint(encoder.restEncoder, client);
    encoding.writeVarUint(encoder.restEncoder, ranges.length);
    for (const { clock, len } of ranges) {
      encoder.writeDsClock(clock);
      encoder.writeDsLen(len);
    }
  }
  return encoder.toUint8Array();
}

/**
 * The room rules through the real server: attribution checked, locks, the sender recorded.
 * Clients are unmodified y-websocket providers writing through the shared helpers, as the page
 * does; forgeries are the same helpers given someone else's name.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UndoManager, type Doc } from 'yjs';
import { CloseCode, LOCKED_REASON, READ_ONLY_REASON } from '../shared/closeCodes.js';
import { addElement, readMap, removeElements, updateElement, type Actor } from '../shared/map/doc.js';
import {
  api,
  connectClient,
  createPerson,
  createRoom,
  eventually,
  startTestServer,
  type Person,
  type SyncClient,
  type TestServer,
} from './helpers/server.js';
import { storedDoc } from './helpers/sync.js';

let server: TestServer;
let facilitator: Person;
let member: Person;
let viewer: Person;
const clients: SyncClient[] = [];

const actorOf = (p: Person, name: string, organisation: string): Actor => ({ userId: p.id, name, organisation });
let memberActor: Actor;
let facilitatorActor: Actor;

beforeAll(async () => {
  server = await startTestServer();
  facilitator = await createPerson(server, { site: 'torbay', role: 'facilitator', name: 'Fran', organisation: 'Torbay Council' });
  member = await createPerson(server, { site: 'torbay', role: 'member', name: 'Mo', organisation: 'Devon Police' });
  viewer = await createPerson(server, { site: 'torbay', role: 'viewer', name: 'Vi', organisation: 'Healthwatch' });
  memberActor = actorOf(member, 'Mo', 'Devon Police');
  facilitatorActor = actorOf(facilitator, 'Fran', 'Torbay Council');
});
afterAll(async () => server?.dispose());
afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
});

function connect(roomId: string, person: Person): SyncClient {
  const c = connectClient(server.wsUrl, roomId, person.token);
  clients.push(c);
  return c;
}

const labels = (doc: Doc) => readMap(doc).elements.map((e) => e.label).sort();

describe('attribution is checked by the server', () => {
  it('refuses an element "added by" someone else with 1008, and stores and relays none of it', async () => {
    const roomId = await createRoom(server, member, 'torbay');
    const forger = connect(roomId, member);
    const witness = connect(roomId, facilitator);
    await Promise.all([forger.synced, witness.synced]);
    addElement(forger.doc, { id: 'honest', kind: 'variable', label: 'Carer stress', x: 0, y: 0 }, memberActor);
    await eventually(() => expect(labels(witness.doc)).toEqual(['Carer stress']));

    addElement(forger.doc, { id: 'forged', kind: 'actor', label: 'Torbay says so', x: 0, y: 0 }, facilitatorActor);
    await eventually(() => expect(forger.closeCodes).toContain(CloseCode.PolicyViolation));
    // The witness stays connected and never sees the forged element; storage never held it.
    const later = connect(roomId, facilitator);
    await later.synced;
    expect(labels(later.doc)).toEqual(['Carer stress']);
    expect(labels(witness.doc)).toEqual(['Carer stress']);
    const { doc } = await storedDoc(server.storage, roomId);
    expect(labels(doc)).toEqual(['Carer stress']);
    // The room goes on taking honest edits.
    updateElement(witness.doc, 'honest', { label: 'Carer strain' }, facilitatorActor);
    await eventually(async () => expect(labels((await storedDoc(server.storage, roomId)).doc)).toEqual(['Carer strain']));
  });

  it('refuses the sender’s own account under another agency’s name', async () => {
    const roomId = await createRoom(server, member, 'torbay');
    const c = connect(roomId, member);
    await c.synced;
    addElement(c.doc, { id: 'e', kind: 'actor', label: 'Claims Torbay', x: 0, y: 0 }, { ...memberActor, organisation: 'Torbay Council' });
    await eventually(() => expect(c.closeCodes).toContain(CloseCode.PolicyViolation));
    expect(labels((await storedDoc(server.storage, roomId)).doc)).toEqual([]);
  });

  it('refuses a root the kind does not have, and records who stored each accepted update', async () => {
    const roomId = await createRoom(server, member, 'torbay');
    const c = connect(roomId, member);
    await c.synced;
    addElement(c.doc, { id: 'e', kind: 'variable', label: 'Kept', x: 0, y: 0 }, memberActor);
    await eventually(async () => expect(labels((await storedDoc(server.storage, roomId)).doc)).toEqual(['Kept']));
    const editors = await server.storage.listRoomEditors(roomId);
    expect(editors.map((e) => e.userId)).toEqual([member.id]);
    c.doc.getMap('notAMapRoot').set('junk', 'x'.repeat(1000));
    await eventually(() => expect(c.closeCodes).toContain(CloseCode.PolicyViolation));
    const { doc } = await storedDoc(server.storage, roomId);
    expect(doc.share.has('notAMapRoot') && doc.getMap('notAMapRoot').size > 0).toBe(false);
  });
});

describe('undo across a reload', () => {
  it('accepts someone else’s element re-created by an undo after the room was unloaded and loaded again', async () => {
    const idle = await startTestServer({ ROOM_IDLE_MS: 20 });
    try {
      const fran = await createPerson(idle, { site: 'torbay', role: 'facilitator', name: 'Fran', organisation: 'Torbay Council' });
      const mo = await createPerson(idle, { site: 'torbay', role: 'member', name: 'Mo', organisation: 'Devon Police' });
      const roomId = await createRoom(idle, fran, 'torbay');
      const f = connectClient(idle.wsUrl, roomId, fran.token);
      await f.synced;
      addElement(f.doc, { id: 'frans', kind: 'variable', label: 'Fran’s factor', x: 0, y: 0 }, actorOf(fran, 'Fran', 'Torbay Council'));
      await eventually(async () => expect(labels((await storedDoc(idle.storage, roomId)).doc)).toEqual(['Fran’s factor']));
      f.destroy();

      const m = connectClient(idle.wsUrl, roomId, mo.token);
      clients.push(m);
      await m.synced;
      const undo = new UndoManager(m.doc.getMap('mapElements'), { trackedOrigins: new Set([null]) });
      removeElements(m.doc, ['frans']);
      await eventually(async () => expect(labels((await storedDoc(idle.storage, roomId)).doc)).toEqual([]));
      // Everyone leaves: the room unloads, forgetting what it held in memory.
      m.provider.disconnect();
      await eventually(() => expect(idle.sync.liveDoc(roomId)).toBeUndefined());
      m.provider.connect();
      await m.synced;
      await eventually(() => expect(idle.sync.liveDoc(roomId)).toBeDefined());
      undo.undo();
      await eventually(async () => expect(labels((await storedDoc(idle.storage, roomId)).doc)).toEqual(['Fran’s factor']));
      expect(m.closeCodes).not.toContain(CloseCode.PolicyViolation);
    } finally {
      await idle.dispose();
    }
  });
});

describe('locks', () => {
  it('only facilitators lock; the room then drops everyone else’s edits and says so; unlocking lets them write again', async () => {
    const roomId = await createRoom(server, member, 'torbay');
    expect((await api(server, `/api/rooms/${roomId}`, { method: 'PATCH', token: member.token, body: { locked: true } })).status).toBe(403);

    const m = connect(roomId, member);
    const f = connect(roomId, facilitator);
    const v = connect(roomId, viewer);
    await Promise.all([m.synced, f.synced, v.synced]);
    const locked = await api(server, `/api/rooms/${roomId}`, { method: 'PATCH', token: facilitator.token, body: { locked: true } });
    expect(locked.status).toBe(200);
    expect(locked.body).toMatchObject({ locked: true, lockedBy: { id: facilitator.id, name: 'Fran', organisation: 'Torbay Council' } });
    expect((await api(server, `/api/rooms/${roomId}`, { token: member.token })).body).toMatchObject({ locked: true, lockedBy: { name: 'Fran' } });

    // The member is told at once, before editing; the viewer's reason is unchanged.
    await eventually(() => expect(m.permissionDenied).toContain(LOCKED_REASON));
    expect(v.permissionDenied).not.toContain(LOCKED_REASON);

    addElement(m.doc, { id: 'dropped', kind: 'note', label: 'While locked', x: 0, y: 0 }, memberActor);
    addElement(f.doc, { id: 'kept', kind: 'note', label: 'Facilitator’s', x: 0, y: 0 }, facilitatorActor);
    await eventually(() => expect(labels(v.doc)).toEqual(['Facilitator’s']));
    await eventually(async () => expect(labels((await storedDoc(server.storage, roomId)).doc)).toEqual(['Facilitator’s']));
    expect(m.closeCodes).toEqual([]);

    const unlocked = await api(server, `/api/rooms/${roomId}`, { method: 'PATCH', token: facilitator.token, body: { locked: false } });
    expect(unlocked.body).toMatchObject({ locked: false, lockedBy: null, lockedAt: null });
    // The server asks the member for what it lacks: the edit made while locked arrives now.
    await eventually(() => expect(labels(f.doc)).toEqual(['Facilitator’s', 'While locked']));
    addElement(m.doc, { id: 'after', kind: 'note', label: 'After', x: 0, y: 0 }, memberActor);
    await eventually(async () => expect(labels((await storedDoc(server.storage, roomId)).doc)).toEqual(['After', 'Facilitator’s', 'While locked']));
  });

  it('keeps a viewer read-only for its own reason in a room that is not locked', async () => {
    const roomId = await createRoom(server, member, 'torbay');
    const v = connect(roomId, viewer);
    await v.synced;
    addElement(v.doc, { id: 'x', kind: 'note', label: 'Viewer', x: 0, y: 0 }, actorOf(viewer, 'Vi', 'Healthwatch'));
    await eventually(() => expect(v.permissionDenied).toEqual([READ_ONLY_REASON]));
    expect(labels((await storedDoc(server.storage, roomId)).doc)).toEqual([]);
  });
});

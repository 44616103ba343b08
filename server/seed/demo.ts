/**
 * `npm run demo`: a worked example to explore, on its own data folder. Two people from
 * different agencies on Torbay's site ("create dementia aware high streets"), and a system map
 * of the issue drawn from the programme's listening events, with its loops named, and two
 * learning-log entries linked to elements and loops of that map; and Torbay's learning summary,
 * published (`demoSummaries.ts`).
 *
 * Idempotent: a second start finds the demo already there and only reports it.
 */
import { readFileSync } from 'node:fs';
import * as Y from 'yjs';
import { addParkingLotItem } from '../../shared/doc/parkingLot.js';
import { newId } from '../../shared/ids.js';
import { addEntry, type LogLink } from '../../shared/log/doc.js';
import { addMapData, readMap, setLoopNote, type Actor } from '../../shared/map/doc.js';
import type { MapData } from '../../shared/map/model.js';
import { importKumuCsv } from '../../shared/map/kumuCsv.js';
import { findLoops } from '../../shared/map/loops.js';
import type { AuthService } from '../auth/service.js';
import { projectFile } from '../paths.js';
import type { Logger } from '../logger.js';
import type { Storage } from '../storage/types.js';
import { seedDemoSummaries } from './demoSummaries.js';

export const DEMO_SITE = 'torbay';
export const DEMO_PEOPLE = [
  { email: 'dee.facilitator@demo.example', password: 'demo workspace', name: 'Dee Facilitator', organisation: 'Torbay Council', role: 'facilitator' },
  { email: 'pat.partner@demo.example', password: 'demo workspace', name: 'Pat Partner', organisation: 'Devon and Cornwall Police', role: 'member' },
] as const;
export const DEMO_MAP_TITLE = 'Dementia-friendly high streets (worked example)';

const fixture = (name: string) => readFileSync(projectFile('shared', 'map', 'fixtures', name), 'utf8');

export interface DemoInfo {
  people: readonly { email: string; password: string; name: string; organisation: string }[];
  mapRoomId: string;
}

export async function seedDemo(storage: Storage, auth: AuthService, logger: Logger): Promise<DemoInfo> {
  const site = await storage.getSite(DEMO_SITE);
  if (!site) throw new Error(`The demo needs the ${DEMO_SITE} site; start with SEED_SITES=true.`);
  const users = [];
  for (const person of DEMO_PEOPLE) {
    const user =
      (await storage.getUserByEmail(person.email)) ??
      (await auth.createUser({ email: person.email, password: person.password, name: person.name, organisation: person.organisation, isAdmin: false }));
    await storage.setRole(site.id, user.id, person.role);
    users.push(user);
  }
  const existing = (await storage.listRooms(site.id, { includeArchived: true })).find((r) => r.title === DEMO_MAP_TITLE);
  if (existing) return { people: DEMO_PEOPLE, mapRoomId: existing.id };

  const [dee, pat] = users as [(typeof users)[0], (typeof users)[0]];
  const actor = { userId: dee.id, name: dee.name, organisation: dee.organisation };
  const room = await storage.createRoom({ siteId: site.id, kind: 'map', title: DEMO_MAP_TITLE, createdBy: dee.id });
  const doc = new Y.Doc();
  const imported = importKumuCsv(
    { elements: fixture('torbay-dementia-elements.csv'), connections: fixture('torbay-dementia-connections.csv') },
    { newId, by: { ...actor, at: new Date().toISOString() } },
  );
  if (!imported.ok) throw new Error(`The demo map does not import: ${imported.errors.map((e) => e.message).join('; ')}`);
  addMapData(doc, imported.map, actor);
  // Name the shortest loops, as a facilitator would after a first workshop.
  const names = ['The confidence loop', 'Footfall keeps shops open', 'Staff awareness spreads'];
  findLoops(readMap(doc))
    .loops.slice(0, names.length)
    .forEach((loop, i) => setLoopNote(doc, loop.key, { name: names[i]!, note: 'Named at the first workshop; check it with people living with dementia.' }, actor));
  addParkingLotItem(doc, 'Ask the Business Improvement District for footfall counts by month', { id: pat.id, name: pat.name, organisation: pat.organisation }, newId());
  await storage.appendUpdate(room.id, Y.encodeStateAsUpdate(doc));
  const log = await storage.getOrCreateLogRoom(site.id);
  const logDoc = new Y.Doc();
  seedLearningLog(logDoc, room.id, readMap(doc), actor, { userId: pat.id, name: pat.name, organisation: pat.organisation });
  await storage.appendUpdate(log.id, Y.encodeStateAsUpdate(logDoc));
  await storage.createRoom({ siteId: site.id, kind: 'doc', title: 'Framing the issue: wicked, tame or critical?', createdBy: dee.id });
  await seedDemoSummaries(storage, { torbay: site, mapRoomId: room.id, facilitator: dee, log: logger });
  return { people: DEMO_PEOPLE, mapRoomId: room.id };
}

/** Two worked entries of Torbay's learning log, each linked to elements and a named loop of the map. */
function seedLearningLog(doc: Y.Doc, mapRoomId: string, map: MapData, dee: Actor, pat: Actor): void {
  const element = (label: string): LogLink => {
    const found = map.elements.find((e) => e.label === label);
    if (!found) throw new Error(`The demo map has no element "${label}".`);
    return { roomId: mapRoomId, targetKind: 'element', targetId: found.id, label };
  };
  const loop = (name: string): LogLink[] =>
    map.loopNotes.filter((n) => n.name === name).map((n) => ({ roomId: mapRoomId, targetKind: 'loop', targetId: n.key, label: name }));
  const author = (a: Actor) => ({ userId: a.userId, name: a.name, organisation: a.organisation });
  addEntry(
    doc,
    {
      id: newId(),
      date: '2026-01-20',
      title: 'Dementia Friends sessions in Paignton shops',
      authors: [author(dee), author(pat), { userId: null, name: 'Jo Hart', organisation: 'Torbay Dementia Action Alliance' }],
      behaviours: ['across-boundaries', 'building-trust', 'learning-from-failure'],
      links: [element('Dementia Friends sessions for businesses'), element('Staff trained as Dementia Friends'), element('Retail staff turnover'), ...loop('Staff awareness spreads')],
      text: {
        tried: 'Four one-hour Dementia Friends sessions in shops and cafés on Paignton’s main street, booked through the Alliance, with a police community support officer at each.',
        happened: '23 staff from 11 businesses took part, and two cafés put up clear toilet signs that week.\nBy March a third of those staff had moved on: seasonal turnover.',
        learned: 'Training on its own fades fast in a tourist economy: it has to come round every season, or be part of induction.\nHaving the police there made it a town effort rather than a council scheme.',
        evidence: 'Alliance booking sheets; follow-up calls to the businesses in March.',
      },
    },
    dee,
    new Date('2026-01-21T17:00:00.000Z'),
  );
  addEntry(
    doc,
    {
      id: newId(),
      date: '2026-02-11',
      title: 'Listening walk on Union Street with people living with dementia',
      authors: [author(pat), { userId: null, name: 'Sam Ellis', organisation: 'Carers Trust' }],
      behaviours: ['co-producing', 'giving-voice', 'curiosity', 'holding-uncertainty'],
      links: [element('Confidence to go out'), element('Accessible toilets and seating'), element('Bus services to town centres'), ...loop('The confidence loop')],
      text: {
        tried: 'We walked Union Street in Torquay with six people living with dementia and their carers, and asked them to show us where they feel unsure.',
        happened: 'Nobody started with the shops. They talked about nowhere to sit, toilets they could not find and the bus stop that moved; two had stopped going into town at all.',
        learned: 'What keeps people at home is the street more than the shops. We had been counting trained businesses; we should ask people how confident they feel going out.',
        evidence: 'Notes and photographs from the walk, taken with consent; quotes added to “Confidence to go out” on the map.',
      },
    },
    pat,
    new Date('2026-02-12T09:30:00.000Z'),
  );
}

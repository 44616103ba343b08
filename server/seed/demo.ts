/**
 * `npm run demo`: a worked example to explore, on its own data folder. Two people from
 * different agencies on Torbay's site ("create dementia aware high streets"), and a system map
 * of the issue drawn from the programme's listening events, with its loops named.
 *
 * Idempotent: a second start finds the demo already there and only reports it.
 */
import { readFileSync } from 'node:fs';
import * as Y from 'yjs';
import { addParkingLotItem } from '../../shared/doc/parkingLot.js';
import { newId } from '../../shared/ids.js';
import { addMapData, readMap, setLoopNote } from '../../shared/map/doc.js';
import { importKumuCsv } from '../../shared/map/kumuCsv.js';
import { findLoops } from '../../shared/map/loops.js';
import type { AuthService } from '../auth/service.js';
import { projectFile } from '../paths.js';
import type { Storage } from '../storage/types.js';

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

export async function seedDemo(storage: Storage, auth: AuthService): Promise<DemoInfo> {
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
  await storage.createRoom({ siteId: site.id, kind: 'doc', title: 'Framing the issue: wicked, tame or critical?', createdBy: dee.id });
  return { people: DEMO_PEOPLE, mapRoomId: room.id };
}

/**
 * The demo's published learning: Torbay's summary of its first year, drafted from the demo map
 * and learning log and published, with one map element and one log entry kept private (so the
 * public side shows what redaction leaves out), and a short West Cheshire summary that shares a
 * theme with it (so the cross-site matrix shows a lesson that recurs).
 */
import * as Y from 'yjs';
import { readEntries } from '../../shared/log/doc.js';
import { readMap } from '../../shared/map/doc.js';
import { addSummaryItem, setSummaryField, type SummaryItemPatch, type SummarySection } from '../../shared/summaries/doc.js';
import type { Logger } from '../logger.js';
import { PublishingService } from '../publishing/service.js';
import type { RoomRecord, SiteRecord, Storage, UserRecord } from '../storage/types.js';
import { createDocReader } from '../ydoc/reader.js';

export const DEMO_SUMMARY_TITLE = 'Dementia-friendly high streets: what Torbay learned in its first year';
/** The element of the demo map that Torbay's published diagram keeps private. */
export const DEMO_PRIVATE_ELEMENT = 'Funding for community dementia support';
/** The log entry Torbay's summary cites but keeps private. */
export const DEMO_PRIVATE_ENTRY = 'Listening walk on Union Street with people living with dementia';

type Item = [SummarySection, SummaryItemPatch];

async function draft(storage: Storage, site: SiteRecord, title: string, by: UserRecord, write: (doc: Y.Doc) => void): Promise<RoomRecord> {
  const room = await storage.createRoom({ siteId: site.id, kind: 'summary', title, createdBy: by.id });
  const doc = new Y.Doc();
  write(doc);
  await storage.appendUpdate(room.id, Y.encodeStateAsUpdate(doc));
  doc.destroy();
  return room;
}

function addAll(doc: Y.Doc, items: readonly Item[]): void {
  for (const [section, patch] of items) addSummaryItem(doc, section, patch);
}

/**
 * Drafts and publishes the two summaries; returns Torbay's summary room.
 *
 * @example
 * await seedDemoSummaries(storage, { torbay, mapRoomId, facilitator: dee, log })
 */
export async function seedDemoSummaries(
  storage: Storage,
  input: { torbay: SiteRecord; mapRoomId: string; facilitator: UserRecord; log: Logger },
): Promise<RoomRecord> {
  const docs = createDocReader({ store: storage });
  const publishing = new PublishingService({ storage, docs, publicUrl: '', log: input.log });
  const { torbay, facilitator } = input;
  const map = await docs.read(input.mapRoomId, readMap);
  const logRoom = await storage.getOrCreateLogRoom(torbay.id);
  const entries = await docs.read(logRoom.id, readEntries);
  const hidden = map.elements.filter((e) => e.label === DEMO_PRIVATE_ELEMENT).map((e) => e.id);
  const entry = (title: string) => entries.find((e) => e.title === title)?.id ?? '';

  const room = await draft(storage, torbay, DEMO_SUMMARY_TITLE, facilitator, (doc) => {
    setSummaryField(doc, 'title', DEMO_SUMMARY_TITLE);
    setSummaryField(
      doc,
      'issue',
      'People living with dementia, and their carers, were staying away from Torbay’s high streets. We set out to make Paignton and Torquay town centres places where they feel confident to shop, meet and spend time — as a whole town, not as one agency’s scheme.',
    );
    addAll(doc, [
      ['agency', { text: 'Torbay Council', agencyType: 'local-authority' }],
      ['agency', { text: 'Torbay and South Devon NHS Foundation Trust', agencyType: 'nhs' }],
      ['agency', { text: 'Devon and Cornwall Police', agencyType: 'police' }],
      ['agency', { text: 'Torbay Dementia Action Alliance', agencyType: 'voluntary' }],
      ['agency', { text: 'Carers Trust', agencyType: 'voluntary' }],
      ['diagram', {
        title: 'How the high street keeps people at home — or brings them out',
        mapRoomId: input.mapRoomId,
        text: 'Drawn at our first two workshops from what people living with dementia told us. One factor about funding is kept private while negotiations go on.',
        archetype: 'limits-to-growth',
        hiddenElementIds: hidden,
      }],
      ['intervention', { text: 'Dementia Friends sessions for shop and café staff on Paignton’s main street, with a police community support officer at each.' }],
      ['intervention', { text: 'Listening walks with people living with dementia and their carers, to see the street through their eyes.' }],
      ['enabler', { text: 'The police being there made it a town effort, not a council scheme.' }],
      ['barrier', { text: 'Seasonal staff turnover in a tourist economy: a third of trained staff had moved on within three months.' }],
      ['lesson', { text: 'Training on its own fades fast where staff turn over every season: build it into induction, or plan for it to come round every year.', themes: ['workforce', 'prevention'], behaviours: ['learning-from-failure'] }],
      ['lesson', { text: 'What keeps people at home is the street more than the shops: seating, toilets and buses matter before any training.', themes: ['lived-experience', 'place'], behaviours: ['giving-voice', 'co-producing'], archetype: 'limits-to-growth' }],
      ['lesson', { text: 'Count what residents feel, not what agencies did: ask people how confident they are going out, instead of counting trained businesses.', themes: ['measurement', 'lived-experience'], behaviours: ['curiosity'] }],
      ['evidence', { evidenceKind: 'log', roomId: logRoom.id, entryId: entry('Dementia Friends sessions in Paignton shops'), publishable: true }],
      // Cited by the team, but not public: it holds what people on the walk said about themselves.
      ['evidence', { evidenceKind: 'log', roomId: logRoom.id, entryId: entry(DEMO_PRIVATE_ENTRY), publishable: false }],
      ['evidence', { evidenceKind: 'link', url: 'https://www.alzheimers.org.uk/get-involved/dementia-friendly-communities', title: 'Alzheimer’s Society: dementia-friendly communities', publishable: true }],
      ['quotation', { text: 'I stopped going into town because there was nowhere to sit down.', name: 'Margaret', organisation: 'A resident on the listening walk', consent: false, publishable: true }],
      ['contributor', { name: facilitator.name, organisation: facilitator.organisation, consent: true, publishable: true }],
      ['contributor', { name: 'Pat Partner', organisation: 'Devon and Cornwall Police', consent: false, publishable: true }],
    ]);
  });
  await publishing.publish(room, torbay, facilitator.id);

  // A second site, so the matrix of sites × themes has a theme that recurs.
  const westCheshire = await storage.getSite('west-cheshire');
  if (westCheshire) {
    const other = await draft(storage, westCheshire, 'Social isolation: starting from what communities already have', facilitator, (doc) => {
      setSummaryField(doc, 'title', 'Social isolation: starting from what communities already have');
      setSummaryField(doc, 'issue', 'A multi-agency response to social isolation across West Cheshire, starting from the groups and places people already use.');
      addAll(doc, [
        ['agency', { text: 'Cheshire West and Chester Council', agencyType: 'local-authority' }],
        ['agency', { text: 'Age UK Cheshire', agencyType: 'voluntary' }],
        ['lesson', { text: 'Lonely people told us the street and the bus matter more than any service: ask residents first what keeps them at home.', themes: ['lived-experience', 'place'], behaviours: ['giving-voice'] }],
        ['lesson', { text: 'Map the community groups that already exist before commissioning anything new.', themes: ['community-assets'], behaviours: ['whole-system'] }],
      ]);
    });
    await publishing.publish(other, westCheshire, facilitator.id);
  }
  return room;
}

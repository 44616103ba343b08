/**
 * The Systems Leadership – Local Vision sites, seeded on first start. Names and wicked issues
 * are as the sites described them in the programme's published list; every bid was sponsored
 * by the area's Health and Wellbeing Board.
 *
 * The programme speaks of 25 sites, but its published list names these 24; the missing site
 * is not guessed at. An administrator can add it when it is known.
 */
import { slugify } from '../../shared/ids.js';
import type { Storage } from '../storage/types.js';

export const SPONSOR = 'Health and Wellbeing Board';

export const LOCAL_VISION_SITES: readonly { name: string; issue: string }[] = [
  { name: "Birmingham", issue: "reducing demand on public services using [big] data" },
  { name: "Bristol", issue: "Integrated approach to health and wellbeing" },
  { name: "Calderdale", issue: "Increase the number of children participating in at least 3 hours physical activity per week" },
  { name: "Central Bedfordshire", issue: "improving outcomes for older residents through a more integrated preventative approach" },
  { name: "Cornwall", issue: "Encourage access to healthy and fresh food within all local communities" },
  { name: "Coventry", issue: "raising levels of physical activity in the city" },
  { name: "Dorset, Bournemouth and Poole", issue: "Supporting the ageing population and gaining coherence across a complex local system" },
  { name: "Dudley", issue: "minimising service dependency and improving community based interventions" },
  { name: "Gloucestershire", issue: "breaking the cycle of obesity within families in areas of urban and rural deprivation" },
  { name: "London Borough of Hackney", issue: "eliminate the risk of female genital mutation (FGM) faced by girls and young women growing up in Hackney" },
  { name: "Kent", issue: "The connectivity between the Kent HWBB, the CCG-based Local WBBs and the District Councils" },
  { name: "London Boroughs of Lambeth & Southwark", issue: "Integrated Care pathways across Lambeth and Southwark" },
  { name: "Leeds", issue: "interconnection between unemployment and high levels of ill health amongst those who are unemployed" },
  { name: "Luton", issue: "addressing the variation of General Practice in Luton" },
  { name: "London Borough of Merton", issue: "integrated health and social care for people with two or more serious long-term conditions." },
  { name: "Nottingham City and Shire", issue: "integrated health and social care" },
  { name: "South Gloucestershire", issue: "improve local urgent care system" },
  { name: "Suffolk", issue: "Early identification and treatment options to improve mental health outcomes." },
  { name: "Torbay", issue: "create dementia aware high streets" },
  { name: "Wakefield", issue: "develop an integrated model of care to improve quality for residents" },
  { name: "West Cheshire", issue: "a multi-agency response to social isolation" },
  { name: "Wiltshire", issue: "create a multi-agency 24-7 response for those with urgent care needs" },
  { name: "Wirral", issue: "improve access to affordable, healthy food and influence positive local attitudes towards food" },
  { name: "York", issue: "extending life and disability-free life expectancy for our local population and reducing the gap in heath inequalities" },
];

const SEEDED_SETTING = 'seeded_local_vision_sites';

/**
 * Adds the Local Vision sites once per database. Later starts leave sites alone, so edits
 * made by administrators are never overwritten.
 *
 * @returns how many sites were added (0 when already seeded).
 */
export async function seedSites(storage: Storage): Promise<number> {
  if ((await storage.getSetting(SEEDED_SETTING)) !== null) return 0;
  let added = 0;
  for (const site of LOCAL_VISION_SITES) {
    const slug = slugify(site.name);
    if (await storage.getSite(slug)) continue;
    await storage.upsertSite({ slug, name: site.name, issue: site.issue, sponsor: SPONSOR });
    added++;
  }
  await storage.setSetting(SEEDED_SETTING, new Date().toISOString());
  return added;
}

import { describe, expect, it } from 'vitest';
import { SLUG_MAX_LENGTH, isRoomId, isSlug, newId, slugify } from './ids.js';

/** The Local Vision site names as seeded (server/seed/sites.ts), with the slugs their URLs use. */
const SITE_SLUGS: [string, string][] = [
  ['Birmingham', 'birmingham'],
  ['Bristol', 'bristol'],
  ['Calderdale', 'calderdale'],
  ['Central Bedfordshire', 'central-bedfordshire'],
  ['Cornwall', 'cornwall'],
  ['Coventry', 'coventry'],
  ['Dorset, Bournemouth and Poole', 'dorset-bournemouth-and-poole'],
  ['Dudley', 'dudley'],
  ['Gloucestershire', 'gloucestershire'],
  ['London Borough of Hackney', 'london-borough-of-hackney'],
  ['Kent', 'kent'],
  ['London Boroughs of Lambeth & Southwark', 'london-boroughs-of-lambeth-southwark'],
  ['Leeds', 'leeds'],
  ['Luton', 'luton'],
  ['London Borough of Merton', 'london-borough-of-merton'],
  ['Nottingham City and Shire', 'nottingham-city-and-shire'],
  ['South Gloucestershire', 'south-gloucestershire'],
  ['Suffolk', 'suffolk'],
  ['Torbay', 'torbay'],
  ['Wakefield', 'wakefield'],
  ['West Cheshire', 'west-cheshire'],
  ['Wiltshire', 'wiltshire'],
  ['Wirral', 'wirral'],
  ['York', 'york'],
];

describe('slugify', () => {
  it.each(SITE_SLUGS)('%s → %s', (name, slug) => {
    expect(slugify(name)).toBe(slug);
    expect(isSlug(slugify(name))).toBe(true);
  });

  it('gives every site a different slug', () => {
    expect(new Set(SITE_SLUGS.map(([name]) => slugify(name))).size).toBe(SITE_SLUGS.length);
  });

  it.each([
    ['  Leading and trailing  ', 'leading-and-trailing'],
    ['Bath & North East Somerset', 'bath-north-east-somerset'],
    ['Brighton--and---Hove', 'brighton-and-hove'],
    ['Ynys Môn', 'ynys-mon'],
    ['Saint-Étienne-du-Rouvray', 'saint-etienne-du-rouvray'],
    ['Area 51', 'area-51'],
    ['!!!', ''],
  ])('%j → %j', (name, slug) => {
    expect(slugify(name)).toBe(slug);
  });

  it('cuts long names to the maximum length without a trailing hyphen', () => {
    const slug = slugify('The Very Long Name Of A Combined Authority And Its Partner Boroughs And Districts');
    expect(slug.length).toBeLessThanOrEqual(SLUG_MAX_LENGTH);
    expect(slug).not.toMatch(/-$/);
    expect(isSlug(slug)).toBe(true);
    expect(slug.startsWith('the-very-long-name-of-a-combined-authority')).toBe(true);
  });
});

describe('isSlug', () => {
  it.each([
    ['torbay', true],
    ['west-cheshire', true],
    ['area-51', true],
    ['Torbay', false],
    ['west_cheshire', false],
    ['-torbay', false],
    ['torbay-', false],
    ['tor--bay', false],
    ['', false],
    ['a'.repeat(SLUG_MAX_LENGTH), true],
    ['a'.repeat(SLUG_MAX_LENGTH + 1), false],
  ])('%j → %s', (value, expected) => {
    expect(isSlug(value)).toBe(expected);
  });
});

describe('newId and isRoomId', () => {
  it('makes 21-character URL-safe ids that are room ids', () => {
    const id = newId();
    expect(id).toMatch(/^[A-Za-z0-9_-]{21}$/);
    expect(isRoomId(id)).toBe(true);
  });

  it('makes ids of other lengths', () => {
    expect(newId(10)).toHaveLength(10);
    expect(newId(64)).toHaveLength(64);
  });

  it('does not repeat itself', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newId()));
    expect(ids.size).toBe(10_000);
  });

  it('uses the whole alphabet', () => {
    const seen = new Set(Array.from({ length: 2000 }, () => newId()).join(''));
    expect(seen.size).toBe(64);
  });

  it.each([
    ['V1StGXR8_Z5jdHi6B-myT', true],
    ['abcdefghij', true],
    ['a'.repeat(64), true],
    ['abcdefghi', false],
    ['a'.repeat(65), false],
    ['', false],
    ['../../etc/passwd', false],
    ['room id with spaces', false],
    ['room%2Fwith%2Fslashes', false],
    ['roomid\nnewline', false],
    ['ünïcödé-room-id', false],
  ])('isRoomId(%j) is %s', (value, expected) => {
    expect(isRoomId(value)).toBe(expected);
  });
});

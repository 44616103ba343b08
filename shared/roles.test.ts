import { describe, expect, it } from 'vitest';
import { SITE_ROLES, canEditRooms, effectiveRole, roleAtLeast, type SiteRole } from './roles.js';

describe('site roles', () => {
  it('has three roles', () => {
    expect([...SITE_ROLES].sort()).toEqual(['facilitator', 'member', 'viewer']);
  });

  // Rows: the role someone has; columns: what is needed (viewer, member, facilitator).
  it.each<[SiteRole | null | undefined, [boolean, boolean, boolean]]>([
    [null, [false, false, false]],
    [undefined, [false, false, false]],
    ['viewer', [true, false, false]],
    ['member', [true, true, false]],
    ['facilitator', [true, true, true]],
  ])('roleAtLeast(%j, viewer|member|facilitator) is %j', (role, expected) => {
    expect([roleAtLeast(role, 'viewer'), roleAtLeast(role, 'member'), roleAtLeast(role, 'facilitator')]).toEqual(
      expected,
    );
  });

  it.each<[SiteRole | null, boolean, SiteRole | null]>([
    [null, false, null],
    ['viewer', false, 'viewer'],
    ['member', false, 'member'],
    ['facilitator', false, 'facilitator'],
    [null, true, 'facilitator'],
    ['viewer', true, 'facilitator'],
    ['member', true, 'facilitator'],
  ])('effectiveRole(%j, admin=%s) is %j', (role, isAdmin, expected) => {
    expect(effectiveRole(role, isAdmin)).toBe(expected);
  });

  it.each<[SiteRole | null, boolean]>([
    [null, false],
    ['viewer', false],
    ['member', true],
    ['facilitator', true],
  ])('canEditRooms(%j) is %s', (role, expected) => {
    expect(canEditRooms(role)).toBe(expected);
  });
});

import { describe, expect, it } from 'vitest';
import { KUMU_TYPE_FIELD, connectionKind, directionOf, kindForType, kumuConnectionType, kumuElementType, polarityOf } from './kumuVocabulary.js';

describe('kindForType', () => {
  it.each([
    ['Factor', 'variable', 'exact'],
    ['organization', 'organisation', 'exact'],
    ['Stakeholder', 'actor', 'exact'],
    ['', 'variable', 'exact'],
    ['Company', 'organisation', 'closest'],
    ['Companies', 'organisation', 'closest'],
    ['Local Charity', 'organisation', 'closest'],
    ['Desired Outcome', 'outcome', 'closest'],
    ['Outcome indicator', 'variable', 'closest'], // read by its last word
    ['Employee/Founder', 'actor', 'closest'],
    ['Key intervention', 'intervention', 'closest'],
    ['Policy', 'intervention', 'closest'],
    ['State', 'variable', 'closest'],
    ['Widget', 'variable', 'default'],
  ])('reads %j as %s (%s)', (type, kind, how) => {
    expect(kindForType(type)).toEqual({ kind, how });
  });
});

describe('polarity', () => {
  it.each([
    ['+', '+'],
    ['++', '+'],
    ['--', '+'],
    ['+-', '-'],
    ['-+', '-'],
    ['−+', '-'],
    [' + + ', '+'],
    ['Same', '+'],
    ['opposite', '-'],
    ['s', '+'],
    ['O', '-'],
    ['positive', '+'],
    ['NEGATIVE', '-'],
    ['?', '?'],
    ['unknown', '?'],
  ])('reads %j as %s', (cell, polarity) => {
    expect(polarityOf(cell)).toBe(polarity);
  });

  it.each(['reinforcing', 'balancing', 'Investor', '+++', 'same-ish', ''])('reads %j as no polarity', (cell) => {
    expect(polarityOf(cell)).toBeUndefined();
  });

  it('writes a connection’s original type while it agrees with its polarity, else same/opposite', () => {
    const withType = (type: string) => ({ [KUMU_TYPE_FIELD]: type });
    expect(kumuConnectionType({ polarity: '+', fields: withType('++') })).toBe('++');
    expect(kumuConnectionType({ polarity: '-', fields: withType('++') })).toBe('opposite'); // changed since
    expect(kumuConnectionType({ polarity: '?', fields: withType('Investor') })).toBe('Investor');
    expect(kumuConnectionType({ polarity: '+', fields: withType('Investor') })).toBe('Investor');
    expect(kumuConnectionType({ polarity: '?' })).toBe('');
    expect(connectionKind({ fields: withType('Investor') })).toBe('Investor');
    expect(connectionKind({ fields: withType('+-') })).toBe('');
  });
});

describe('kumuElementType and directionOf', () => {
  it('writes an element’s original type while it reads as its kind', () => {
    expect(kumuElementType({ kind: 'organisation', fields: { [KUMU_TYPE_FIELD]: 'Company' } })).toBe('Company');
    expect(kumuElementType({ kind: 'actor', fields: { [KUMU_TYPE_FIELD]: 'Company' } })).toBe('Actor');
    expect(kumuElementType({ kind: 'outcome' })).toBe('Outcome');
  });

  it('reads directions ignoring case, empty as directed', () => {
    expect(['', 'Directed', ' MUTUAL ', 'undirected', 'both'].map(directionOf)).toEqual(['directed', 'directed', 'mutual', 'undirected', undefined]);
  });
});

/**
 * Orders people's words as a British reader expects (case and accents after the letters).
 * One collator for every comparison: `a.localeCompare(b, 'en-GB')` sets one up per call, which
 * made sorting a 2,000-element map's labels take tens of milliseconds on each rename.
 */
export const compareText: (a: string, b: string) => number = new Intl.Collator('en-GB').compare;

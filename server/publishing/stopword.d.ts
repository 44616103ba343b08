/**
 * Types for `stopword` v3, which ships none (and there is no @types package): only what
 * `similarity.ts` uses.
 */
declare module 'stopword' {
  /** The tokens that are not in `stopwords` (compared lower-cased); `eng` by default. */
  export function removeStopwords(tokens: readonly string[], stopwords?: readonly string[]): string[];
  /** English stop words, lower case. */
  export const eng: readonly string[];
}

/**
 * People and a peer-to-peer exchange for tests of the map doc (several simulated clients of
 * one room). Not used by the app.
 */
import * as Y from 'yjs';
import type { Actor } from './doc.js';

export const council: Actor = { userId: 'u-c', name: 'Cal Council', organisation: 'Torbay Council' };
export const police: Actor = { userId: 'u-p', name: 'Pat Police', organisation: 'Devon and Cornwall Police' };
export const nhs: Actor = { userId: 'u-n', name: 'Nia NHS', organisation: 'Torbay and South Devon NHS Foundation Trust' };

/** Brings two peers up to date with each other, as the server would relay their updates. */
export function exchange(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)), 'remote');
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)), 'remote');
}

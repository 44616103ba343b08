import { describe, expect, it } from 'vitest';
import type { MapElement } from '../../shared/map/model.js';
import { ElementStore } from './elementStore.js';

const element = (id: string, label = id): MapElement =>
  ({ id, kind: 'variable', label, description: '', tags: [], agency: '', x: 0, y: 0 }) as unknown as MapElement;

describe('ElementStore', () => {
  it('tells the readers of the elements that changed, and only those', () => {
    const store = new ElementStore();
    const a = element('a');
    const b = element('b');
    store.publish([a, b]);
    const heard: string[] = [];
    store.subscribe('a', () => heard.push('a'));
    const stopB = store.subscribe('b', () => heard.push('b'));
    store.subscribe('c', () => heard.push('c'));

    // The same objects: nothing changed, nobody is told.
    store.publish([a, b]);
    expect(heard).toEqual([]);

    const renamed = element('b', 'Renamed');
    store.publish([a, renamed]);
    expect(heard).toEqual(['b']);
    expect(store.get('b')).toBe(renamed);

    // Added and removed elements are changes too; a reader that left hears nothing.
    stopB();
    heard.length = 0;
    const c = element('c');
    store.publish([c]);
    expect(heard.sort()).toEqual(['a', 'c']);
    expect(store.get('a')).toBeUndefined();
    expect(store.get('c')).toBe(c);
  });
});

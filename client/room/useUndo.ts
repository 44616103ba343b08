import { useEffect, useState } from 'react';
import * as Y from 'yjs';
import { useExternalValue } from './hooks.js';

/**
 * Undo and redo of this person's own changes to part of the room's doc: a Y.UndoManager tracks
 * local transactions (origin null) and ignores what arrives from the server or the offline copy.
 *
 * The manager is made in an effect, not in render, so its destroy pairs with exactly this
 * instance (React may run effects twice and throw renders away). `scope` is called once per doc.
 */
export function useUndo(doc: Y.Doc, scope: (doc: Y.Doc) => ConstructorParameters<typeof Y.UndoManager>[0], captureTimeout = 500) {
  const [manager, setManager] = useState<Y.UndoManager | null>(null);
  useEffect(() => {
    const created = new Y.UndoManager(scope(doc), { captureTimeout });
    setManager(created);
    return () => {
      created.destroy();
      setManager(null);
    };
    // The scope function is fixed per call site; a new doc is what makes a new manager.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [doc, captureTimeout]);
  const state = useExternalValue(
    (onChange) => {
      if (!manager) return () => {};
      const events = ['stack-item-added', 'stack-item-popped', 'stack-cleared'] as const;
      for (const event of events) manager.on(event, onChange);
      return () => {
        for (const event of events) manager.off(event, onChange);
      };
    },
    () => `${manager?.canUndo() ?? false}:${manager?.canRedo() ?? false}`,
    [manager],
  );
  const [canUndo, canRedo] = state.split(':').map((v) => v === 'true') as [boolean, boolean];
  return { undo: () => manager?.undo(), redo: () => manager?.redo(), canUndo, canRedo };
}

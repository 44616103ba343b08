import { useCallback, useState } from 'react';

/**
 * Runs a write to the room's document and keeps its error for the form to show. The shared
 * helpers throw a RangeError with a sentence a person can act on ("A label cannot be empty.").
 */
export function useAttempt() {
  const [error, setError] = useState<string | null>(null);
  const attempt = useCallback((write: () => unknown): boolean => {
    try {
      write();
      setError(null);
      return true;
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return false;
    }
  }, []);
  return { error, attempt };
}

import { useCallback, useEffect, useRef, useState } from 'react';

/**
 * Full screen for one element (the map and its panels on a workshop's projector). `active`
 * follows the browser, so leaving with Escape or the browser's own control is seen too.
 * `supported` is false where the page may not go full screen (an iframe without permission, an
 * old browser): callers then offer nothing rather than a button that does nothing.
 *
 * @example
 * const full = useFullscreen<HTMLDivElement>()
 * <div ref={full.ref}>…{full.supported && <button onClick={full.toggle}>…</button>}</div>
 */
export function useFullscreen<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  const [active, setActive] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const supported = typeof document !== 'undefined' && document.fullscreenEnabled;

  useEffect(() => {
    const changed = () => setActive(document.fullscreenElement !== null && document.fullscreenElement === ref.current);
    document.addEventListener('fullscreenchange', changed);
    return () => document.removeEventListener('fullscreenchange', changed);
  }, []);

  const toggle = useCallback(() => {
    setError(null);
    const done = document.fullscreenElement ? document.exitFullscreen() : ref.current?.requestFullscreen();
    // Refused (no user gesture, a policy): say so instead of failing silently.
    done?.catch((e: unknown) => setError(`Full screen was refused by the browser${e instanceof Error && e.message ? `: ${e.message}` : '.'}`));
  }, []);

  return { ref, active, supported, toggle, error };
}

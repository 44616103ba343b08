import { useCallback, useEffect, useState } from 'react';

const KEY = 'slw:reduce-motion';

function initial(): boolean {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved !== null) return saved === 'true';
  } catch {
    // storage blocked: fall back to the system setting
  }
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}

/**
 * Whether to avoid animation (zooms that glide, transitions). Starts from the system setting
 * and can be changed in the workspace; the choice is remembered in this browser.
 */
export function useReducedMotion(): [boolean, (reduce: boolean) => void] {
  const [reduce, setReduce] = useState(initial);
  useEffect(() => {
    document.documentElement.classList.toggle('reduce-motion', reduce);
  }, [reduce]);
  const set = useCallback((value: boolean) => {
    setReduce(value);
    try {
      localStorage.setItem(KEY, String(value));
    } catch {
      // not remembered; still applies now
    }
  }, []);
  return [reduce, set];
}

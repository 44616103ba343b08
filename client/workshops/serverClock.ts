/**
 * The server's clock as this page estimates it: the workshop timer is in server time, so every
 * screen shows the same seconds whatever its own clock says.
 */
import { useEffect, useState } from 'react';
import { clockOffset, type ClockSample } from '../../shared/workshops/timer.js';
import { sampleServerClock } from '../api/queries.js';

/** How often the countdown is redrawn: often enough that seconds never visibly skip. */
const TICK_MS = 250;
/** Exchanges with the server's clock at load; the shortest round trip gives the estimate. */
const CLOCK_SAMPLES = 4;

/** How far the server's clock is ahead of this one, from a few `GET /api/time` at load (0 until known). */
export function useServerClockOffset(): number {
  const [offset, setOffset] = useState(0);
  useEffect(() => {
    const abort = new AbortController();
    void (async () => {
      const samples: ClockSample[] = [];
      for (let i = 0; i < CLOCK_SAMPLES; i++) {
        try {
          samples.push(await sampleServerClock(abort.signal));
        } catch {
          // Fewer samples only make the estimate rougher; none leaves this clock's time.
          if (abort.signal.aborted) return;
        }
      }
      if (samples.length > 0) setOffset(clockOffset(samples));
    })();
    return () => abort.abort();
  }, []);
  return offset;
}

/** The server's time now, by the estimate, redrawn every `TICK_MS`. */
export function useServerNow(offset: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, []);
  return now + offset;
}


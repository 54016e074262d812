/** Simulated time. Every answer is computed from `now()` at request time. */
export interface Clock {
  now(): number;
  /** Moves simulated time forward; in 'real' mode it adds an offset to Date.now(). */
  advance(ms: number): void;
}

export function createClock(mode: 'real' | 'manual', start: number): Clock {
  let offset = 0;
  return {
    now: () => (mode === 'real' ? Date.now() : start) + offset,
    advance: (ms) => {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance(ms) needs a finite ms >= 0, got ${ms}`);
      offset += ms;
    },
  };
}

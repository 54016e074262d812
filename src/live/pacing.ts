/**
 * How often a watcher polls: often while the thing changes, less and less while it does not, and
 * never in step with the other watchers (they were often started by one burst of subscribers).
 */

export interface PollSettings {
  /** First interval, and the interval after a change. */
  readonly minMs: number;
  /** The cap. */
  readonly maxMs: number;
  /** Lease time; the holder renews it on every poll, so it must exceed `maxMs`. */
  readonly leaseMs: number;
  /** Growth per unchanged poll. @default 1.5 */
  readonly factor?: number;
  /** ± share of random spread on every interval. @default 0.1 */
  readonly jitter?: number;
  /** Least time between two reads prompted by webhooks (bursts are coalesced into one). @default 1000 */
  readonly promptGapMs?: number;
}

/** What the last poll found. */
export type PollOutcome = 'changed' | 'unchanged' | 'failed';

/**
 * The interval after a poll: back to the minimum after a change (more is likely to follow),
 * ×factor while unchanged, ×2 after a failure (an upstream in trouble is not asked harder),
 * never above the cap.
 */
export function nextInterval(previous: number, outcome: PollOutcome, settings: Pick<PollSettings, 'minMs' | 'maxMs' | 'factor'>): number {
  switch (outcome) {
    case 'changed':
      return settings.minMs;
    case 'unchanged':
      return Math.min(settings.maxMs, previous * (settings.factor ?? 1.5));
    case 'failed':
      return Math.min(settings.maxMs, previous * 2);
  }
}

/** `ms` moved by up to ± `jitter` of itself; `random` gives [0, 1) (injectable for tests). */
export function spread(ms: number, jitter = 0.1, random: () => number = Math.random): number {
  return Math.round(ms * (1 - jitter + 2 * jitter * random()));
}

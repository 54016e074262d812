/**
 * A watcher's poll loop. One replica at a time polls a watched thing for a credential: the one
 * holding its lease, renewed on every poll, so a replica that dies hands over within one lease
 * time. The others check back every `maxMs`, and meanwhile hear the holder's changes on the bus.
 */
import type { Coordination } from './bus.ts';
import { nextInterval, type PollOutcome, type PollSettings, spread } from './pacing.ts';

export interface PollLoop {
  /** Polls after the current interval (the watcher's first read was its first poll). */
  start(): void;
  /** Something changed upstream: whoever polls looks now. */
  poke(): void;
  /** True while this replica holds the lease. */
  polling(): boolean;
  /** No more polls; the lease, if held, is given up. */
  stop(): Promise<void>;
}

export interface PollLoopOptions {
  /** The lease's name: the same on every replica for the same watched thing and credential. */
  readonly name: string;
  readonly coordination: Coordination;
  readonly settings: PollSettings;
  /** One upstream read, and what it found. Never rejects. */
  readonly poll: () => Promise<PollOutcome>;
  readonly warn: (error: unknown, message: string) => void;
}

export function createPollLoop(options: PollLoopOptions): PollLoop {
  const { name, coordination, settings, poll, warn } = options;
  let interval = settings.minMs;
  let timer: NodeJS.Timeout | null = null;
  let owner = false;
  let busy = false;
  let stopped = false;

  const release = () => coordination.release(name).catch((error: unknown) => warn(error, 'live release failed'));
  const schedule = (ms: number) => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void tick(), spread(ms, settings.jitter));
  };
  const tick = async () => {
    if (stopped || busy) return;
    busy = true;
    try {
      owner = await coordination.lease(name, settings.leaseMs);
      // Stopped while the lease was asked for: stop() may have seen no lease to give up.
      if (stopped) {
        if (owner) await release();
        return;
      }
      if (!owner) return schedule(settings.maxMs);
      interval = nextInterval(interval, await poll(), settings);
      schedule(interval);
    } catch (error) {
      warn(error, 'live lease failed');
      schedule(settings.maxMs);
    } finally {
      busy = false;
    }
  };

  return {
    start: () => schedule(interval),
    poke: () => {
      interval = settings.minMs;
      if (!busy) schedule(0);
    },
    polling: () => owner && !stopped,
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (owner) await release();
    },
  };
}

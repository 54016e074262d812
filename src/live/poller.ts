/**
 * A watcher's poll loop. One replica at a time polls a watched thing for a credential: the one
 * holding its lease, renewed on every poll, so a replica that dies hands over within one lease
 * time. The others check back every `maxMs`, and meanwhile hear the holder's changes on the bus.
 * While the replicas cannot share work (Redis unreachable, or a lease that cannot be asked for),
 * every replica polls what it watches itself: updates keep coming at the same pace, at the cost
 * of one poll per replica, until Redis is back and the leases decide again.
 *
 * A prompt (a webhook said something changed) polls at once, but at most once per
 * `promptGapMs`: a burst of prompts, forged or not, costs one read per gap.
 */
import type { Coordination } from './bus.ts';
import { nextInterval, type PollOutcome, type PollSettings, spread } from './pacing.ts';

export interface PollLoop {
  /** Polls after the current interval (the watcher's first read was its first poll). */
  start(): void;
  /** Something may have changed upstream: whoever polls looks now, or once the prompt gap allows. */
  poke(): void;
  /** True while this replica polls: it holds the lease, or polls on its own while work cannot be shared. */
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

/** Whether this replica polls, and why. */
type Role = 'idle' | 'leased' | 'alone';

/** @default 1000 */
const defaultPromptGapMs = 1000;

export function createPollLoop(options: PollLoopOptions): PollLoop {
  const { name, coordination, settings, poll, warn } = options;
  const promptGapMs = settings.promptGapMs ?? defaultPromptGapMs;
  let interval = settings.minMs;
  let timer: NodeJS.Timeout | null = null;
  let dueAt = Infinity;
  let role: Role = 'idle';
  let busy = false;
  let stopped = false;
  /** A prompt waits for the next tick; when the last prompted read went out. */
  let prompted = false;
  let lastPromptedAt = -Infinity;

  const release = () => coordination.release(name).catch((error: unknown) => warn(error, 'live release failed'));
  const at = (time: number) => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    dueAt = time;
    timer = setTimeout(() => void tick(), Math.max(0, time - Date.now()));
  };
  const schedule = (ms: number) => at(Date.now() + spread(ms, settings.jitter));
  /** Whether this replica should poll now: it holds the lease, or nobody can hold one. */
  const mayPoll = async (): Promise<Role> => {
    if (!coordination.shared()) return 'alone';
    try {
      return (await coordination.lease(name, settings.leaseMs)) ? 'leased' : 'idle';
    } catch (error) {
      warn(error, 'live lease failed: polling on this replica alone');
      return 'alone';
    }
  };
  const tick = async () => {
    timer = null;
    dueAt = Infinity;
    if (stopped || busy) return;
    busy = true;
    const forPrompt = prompted;
    prompted = false;
    try {
      role = await mayPoll();
      // Stopped while the lease was asked for: stop() may have seen no lease to give up.
      if (stopped) {
        if (role === 'leased') await release();
        return;
      }
      if (role === 'idle') return schedule(settings.maxMs);
      if (forPrompt) lastPromptedAt = Date.now();
      interval = nextInterval(interval, await poll(), settings);
      schedule(interval);
    } finally {
      busy = false;
      // A prompt that came while this read was running: that read may predate the change.
      if (prompted && !stopped) promptNow();
    }
  };
  const promptNow = () => {
    const allowed = Math.max(Date.now(), lastPromptedAt + promptGapMs);
    // A poll due sooner than the gap allows serves the prompt too.
    if (timer && dueAt <= allowed) return;
    at(allowed);
  };

  return {
    start: () => schedule(interval),
    poke: () => {
      if (stopped) return;
      interval = settings.minMs;
      prompted = true;
      if (!busy) promptNow();
    },
    polling: () => role !== 'idle' && !stopped,
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (role === 'leased') await release();
    },
  };
}

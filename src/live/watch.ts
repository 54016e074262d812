/**
 * Shared watchers: one per watched thing (an execution, a bulk) and credential per replica,
 * however many subscribers read it with that credential. A subscriber only ever receives states
 * read with its own credential: 100 subscribers with one key cost one poll, two keys cost two.
 * Across replicas, one replica polls each thing for each credential (the lease's holder) and the
 * others hear its changes on the bus; a webhook's state carries no credential and reaches every
 * watcher of its thing.
 */
import { outsideRequest } from '../observability/index.ts';
import type { Bus, Coordination } from './bus.ts';
import type { PollSettings } from './pacing.ts';
import { createWatcher, type Watcher } from './watcher.ts';

export type { PollSettings } from './pacing.ts';

/** What is watched, whoever reads it: no credential here. */
export interface Source<T> {
  /** Bus topic: the same on every replica for the same thing. */
  readonly topic: string;
  isTerminal(value: T): boolean;
  /** Applies a partial update (a prediction webhook) to the last state; absent: a patch means "poll now". */
  merge?(last: T, fields: Readonly<Record<string, unknown>>): T;
}

/** How one subscriber reads the thing: one fresh upstream read with its credential. */
export interface Reader<T> {
  /** A digest of the credential `read` sends (never the credential): watchers, leases and bus messages key on it. */
  readonly credentialKey: string;
  read(): Promise<T>;
}

export interface WatchLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
}

export interface Watches {
  /**
   * The current state first (read with `reader`, so an unreadable thing fails here, before any
   * stream), then one value per change; ends after a terminal value, or once `signal` aborts (the
   * client left): before the first value that rejects with the abort reason. If the upstream
   * starts refusing the credential, the stream ends with that error. Refused once closed.
   */
  open<T>(source: Source<T>, reader: Reader<T>, signal?: AbortSignal): Promise<AsyncIterableIterator<T>>;
  /** Watchers on this replica, how many of them poll (hold their lease, or poll alone while Redis is away), and their subscribers. */
  stats(): { readonly watching: number; readonly polling: number; readonly subscribers: number };
  close(): Promise<void>;
}

/** A watcher's name and lease: its thing and credential, the same on every replica. */
export const watchName = (topic: string, credentialKey: string) => `${topic}:${credentialKey}`;

/** `promise`, unless `signal` aborts first: then its reason. */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

/** A new subscriber on `watcher`: its first value (read, or shared), then its stream. */
async function subscribe<T>(watcher: Watcher<T>, signal: AbortSignal | undefined): Promise<AsyncIterableIterator<T>> {
  // Joined before its first read: a client leaving meanwhile must not stay a subscriber.
  const subscriber = watcher.join();
  let first: T;
  try {
    // The first read is the watcher's first poll, shared with whoever joins meanwhile: no one's request either.
    first = await unlessAborted(
      outsideRequest(() => watcher.current()),
      signal,
    );
  } catch (error) {
    watcher.leave(subscriber);
    throw error;
  }
  watcher.start(subscriber, first);
  const { events } = subscriber.channel;
  // Leaving ends the stream whether or not its consumer asks for the next value.
  signal?.addEventListener('abort', () => void events.return?.(), { once: true });
  return events;
}

export function createWatches(deps: {
  readonly bus: Bus;
  readonly coordination: Coordination;
  readonly settings: PollSettings;
  readonly logger?: WatchLogger | undefined;
}): Watches {
  const watchers = new Map<string, Watcher<unknown>>();
  const stopping = new Set<Promise<void>>();

  const watcherFor = <T>(source: Source<T>, reader: Reader<T>): Watcher<T> => {
    const name = watchName(source.topic, reader.credentialKey);
    const existing = watchers.get(name) as Watcher<T> | undefined;
    if (existing) return existing;
    const onFinish = (done: Promise<void>) => {
      if (watchers.get(name) === created) watchers.delete(name);
      stopping.add(done);
      void done.finally(() => stopping.delete(done));
    };
    // It outlives this request and serves every subscriber: its polls carry no one's request id.
    const created = outsideRequest(() => createWatcher(source, reader, { ...deps, name, onFinish }));
    watchers.set(name, created);
    return created;
  };

  let closed = false;
  return {
    open: async (source, reader, signal) => {
      signal?.throwIfAborted();
      // Closing (a drain): a new watcher would outlive the streams just ended.
      if (closed) throw new Error('live updates are closed');
      return subscribe(watcherFor(source, reader), signal);
    },
    stats: () => {
      const all = [...watchers.values()];
      return {
        watching: all.length,
        polling: all.filter((watcher) => watcher.polling()).length,
        subscribers: all.reduce((sum, watcher) => sum + watcher.subscribers(), 0),
      };
    },
    close: async () => {
      closed = true;
      await Promise.all([...watchers.values()].map((watcher) => watcher.finish()));
      await Promise.all([...stopping]);
    },
  };
}

/**
 * Shared watchers: one per watched thing (an execution, a bulk) per replica, however many
 * subscribers it has. The watcher holding the thing's lease polls the upstream with an adaptive
 * interval (back to the minimum after a change, ×1.5 per unchanged poll, ×2 after a failure, up
 * to the cap, with jitter) and publishes each change on the bus; every replica's watcher applies
 * what arrives on the bus (polls, webhooks) to its own subscribers. A watcher stops when its last
 * subscriber leaves, when the thing is terminal, and on close.
 */
import { outsideRequest } from '../observability/index.ts';
import type { Credentials } from '../upstreams/types.ts';
import { type Bus, type Coordination, type LiveMessage, liveJson, type Unsubscribe } from './bus.ts';

/** Something that can be watched: where it is published and how to read it. */
export interface Source<T> {
  /** Bus topic and lease name: the same on every replica for the same thing. */
  readonly topic: string;
  /** One upstream read of the current state. */
  fetch(credentials: Credentials): Promise<T>;
  isTerminal(value: T): boolean;
  /** Applies a partial update (a prediction webhook) to the last state; absent: a patch means "poll now". */
  merge?(last: T, fields: Readonly<Record<string, unknown>>): T;
}

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
}

export interface WatchLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
}

export interface Watches {
  /**
   * The current state first (read with these credentials, so an unreadable thing fails here,
   * before any stream), then one value per change; ends after a terminal value, or once `signal`
   * aborts (the client left): before the first value that rejects with the abort reason.
   */
  open<T>(source: Source<T>, credentials: Credentials, signal?: AbortSignal): Promise<AsyncIterableIterator<T>>;
  /** Watchers on this replica, and how many of them poll (hold the lease). */
  stats(): { readonly watching: number; readonly polling: number; readonly subscribers: number };
  close(): Promise<void>;
}

interface Sink {
  /** Whose read let it in: the watcher polls with a present subscriber's credentials. */
  readonly credentials: Credentials;
  /** Set once the subscriber got its first value: earlier changes wait in `pending`. */
  ready: boolean;
  pending: unknown;
  lastPrint: string | null;
  push(value: unknown): void;
  end(): void;
}

interface Watcher {
  readonly sinks: Set<Sink>;
  current(credentials: Credentials): Promise<unknown>;
  deliver(sink: Sink, value: unknown): void;
  remove(sink: Sink): void;
  finish(): Promise<void>;
  polling(): boolean;
  isFinished(): boolean;
}

const keyOf = (credentials: Credentials) => JSON.stringify([credentials.apiKey, credentials.tasksToken, credentials.tasksProjectId]);

/** A pull-based queue for one subscriber; `return()` (the client left) detaches it. */
function createChannel<T>(onReturn: () => void): { sink: Omit<Sink, 'ready' | 'pending' | 'lastPrint' | 'credentials'>; iterator: AsyncIterableIterator<T> } {
  const queue: T[] = [];
  let done = false;
  let waiting: ((result: IteratorResult<T>) => void) | null = null;
  const settle = (result: IteratorResult<T>) => {
    const resolve = waiting;
    waiting = null;
    resolve?.(result);
  };
  const iterator: AsyncIterableIterator<T> = {
    next: () => {
      if (queue.length > 0) return Promise.resolve({ value: queue.shift() as T, done: false });
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise((resolve) => (waiting = resolve));
    },
    return: () => {
      if (!done) {
        done = true;
        queue.length = 0;
        settle({ value: undefined, done: true });
        onReturn();
      }
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return {
    iterator,
    sink: {
      push: (value) => {
        if (done) return;
        if (waiting) settle({ value: value as T, done: false });
        else queue.push(value as T);
      },
      end: () => {
        if (done) return;
        done = true;
        if (waiting) settle({ value: undefined, done: true });
      },
    },
  };
}

export function createWatches(deps: {
  readonly bus: Bus;
  readonly coordination: Coordination;
  readonly settings: PollSettings;
  readonly logger?: WatchLogger | undefined;
}): Watches {
  const { bus, coordination, settings, logger } = deps;
  const factor = settings.factor ?? 1.5;
  const jitter = settings.jitter ?? 0.1;
  const watchers = new Map<string, Watcher>();
  const stopping = new Set<Promise<void>>();

  const spread = (ms: number) => Math.round(ms * (1 - jitter + 2 * jitter * Math.random()));

  function createWatcher<T>(source: Source<T>, creatorCredentials: Credentials): Watcher {
    const { topic } = source;
    let credentials = creatorCredentials;
    const sinks = new Set<Sink>();
    let last: T | null = null;
    let lastPrint: string | null = null;
    let interval = settings.minMs;
    let timer: NodeJS.Timeout | null = null;
    let finished: Promise<void> | null = null;
    let owner = false;
    let busy = false;

    const deliver = (sink: Sink, value: unknown) => {
      if (!sink.ready) {
        sink.pending = value;
        return;
      }
      const print = liveJson.stringify(value);
      if (sink.lastPrint === print) return;
      sink.lastPrint = print;
      sink.push(value);
      if (source.isTerminal(value as T)) {
        sink.end();
        watcher.remove(sink);
      }
    };

    /** True when `value` is news; fans it out, and ends everything on a terminal value. */
    const apply = (value: T): boolean => {
      if (finished) return false;
      const print = liveJson.stringify(value);
      if (print === lastPrint) return false;
      last = value;
      lastPrint = print;
      for (const sink of [...sinks]) deliver(sink, value);
      if (source.isTerminal(value)) void watcher.finish();
      return true;
    };

    const schedule = (ms: number) => {
      if (finished) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void tick(), spread(ms));
    };

    /**
     * The poll's credentials: the current ones while a subscriber who holds them is present, else
     * those of a present subscriber (whose own read succeeded), never only a departed one's.
     */
    const pollCredentials = (): Credentials | null => {
      const present = [...sinks].filter((sink) => sink.ready);
      if (present.some((sink) => keyOf(sink.credentials) === keyOf(credentials))) return credentials;
      credentials = present[0]?.credentials ?? credentials;
      return present.length > 0 ? credentials : null;
    };

    const tick = async () => {
      if (finished || busy) return;
      busy = true;
      try {
        owner = await coordination.lease(topic, settings.leaseMs);
        // finish() ran while the lease was asked for, and may have seen no lease to give up.
        if (finished) {
          if (owner) await release();
          return;
        }
        // Another replica polls it; this one hears its changes on the bus and checks back later.
        if (!owner) return schedule(settings.maxMs);
        const asking = pollCredentials();
        // Every subscriber still waits for its own first read: look again once one has it.
        if (!asking) return schedule(interval);
        try {
          const value = await source.fetch(asking);
          const news = liveJson.stringify(value) !== lastPrint;
          if (news) void bus.publish(topic, { kind: 'state', value }).catch((error: unknown) => warn(error, 'live publish failed'));
          apply(value);
          interval = news ? settings.minMs : Math.min(settings.maxMs, interval * factor);
        } catch (error) {
          interval = Math.min(settings.maxMs, interval * 2);
          warn(error, 'live poll failed');
        }
        schedule(interval);
      } catch (error) {
        warn(error, 'live lease failed');
        schedule(settings.maxMs);
      } finally {
        busy = false;
      }
    };

    const release = () => coordination.release(topic).catch((error: unknown) => warn(error, 'live release failed'));

    const warn = (error: unknown, message: string) => {
      try {
        logger?.warn({ topic, err: error instanceof Error ? error.message : String(error) }, message);
      } catch {
        // a broken logger must not stop a watcher
      }
    };

    const onMessage = (message: LiveMessage) => {
      if (finished) return;
      if (message.kind === 'state') apply(message.value as T);
      else if (message.kind === 'patch' && last !== null && source.merge) apply(source.merge(last, message.fields));
      else {
        // Something changed upstream: whoever polls looks now.
        interval = settings.minMs;
        if (!busy) schedule(0);
      }
    };

    const subscribed: Promise<Unsubscribe> = bus.subscribe(topic, onMessage);
    // The watcher's first read doubles as its first poll; subscribers with the same credentials share it.
    let initial: Promise<T> | null = subscribed.then(() => source.fetch(credentials));
    initial.then(
      (value) => {
        apply(value);
        schedule(interval);
      },
      () => {
        // The subscribers waiting on it get the error and leave; later ones make their own first read.
        initial = null;
        // Those who joined meanwhile with other credentials stay: poll for them (the last leaving finishes it).
        if (sinks.size === 0) void watcher.finish();
        else schedule((interval = Math.min(settings.maxMs, interval * 2)));
      },
    );
    subscribed.catch((error: unknown) => warn(error, 'live subscribe failed'));

    const watcher: Watcher = {
      sinks,
      current: async (asking) => {
        const shared = keyOf(asking) === keyOf(credentials) ? (last ?? initial) : null;
        if (shared !== null) return shared;
        // Other credentials: their own read, so a caller who may not read it learns so.
        await subscribed;
        return source.fetch(asking);
      },
      deliver,
      remove: (sink) => {
        sinks.delete(sink);
        if (sinks.size === 0) void watcher.finish();
      },
      polling: () => owner && !finished,
      isFinished: () => finished !== null,
      finish: () => {
        finished ??= (async () => {
          if (timer) clearTimeout(timer);
          if (watchers.get(topic) === watcher) watchers.delete(topic);
          // A subscriber still waiting for its first value gets it (and the terminal one) in open().
          for (const sink of [...sinks]) if (sink.ready) sink.end();
          sinks.clear();
          try {
            await (await subscribed)();
          } catch {
            // never subscribed: nothing to undo
          }
          if (owner) await release();
        })();
        const done = finished;
        stopping.add(done);
        void done.finally(() => stopping.delete(done));
        return done;
      },
    };
    return watcher;
  }

  return {
    async open<T>(source: Source<T>, credentials: Credentials, signal?: AbortSignal) {
      signal?.throwIfAborted();
      let watcher = watchers.get(source.topic);
      if (!watcher) {
        // The watcher outlives this request and serves every subscriber: its polls carry no one's request id.
        watcher = outsideRequest(() => createWatcher(source, credentials));
        watchers.set(source.topic, watcher);
      }
      const own = watcher;
      const channel = createChannel<T>(() => own.remove(sink));
      const sink: Sink = { ready: false, pending: undefined, lastPrint: null, credentials, ...channel.sink };
      own.sinks.add(sink);
      // A client that leaves while the first read is pending must not stay a subscriber (and keep the watcher polling).
      let leave: () => void = () => undefined;
      const left = new Promise<never>((_resolve, reject) => {
        leave = () => reject(signal?.reason);
      });
      signal?.addEventListener('abort', leave, { once: true });
      let current: unknown;
      try {
        current = await Promise.race([own.current(credentials), left]);
      } catch (error) {
        own.remove(sink);
        throw error;
      } finally {
        signal?.removeEventListener('abort', leave);
      }
      sink.ready = true;
      own.deliver(sink, current);
      if (sink.pending !== undefined) own.deliver(sink, sink.pending);
      sink.pending = undefined;
      // The watcher ended (terminal, or closing) while this subscriber waited: nothing more will come.
      if (own.isFinished()) channel.sink.end();
      // From now on, leaving ends the stream whether or not its consumer asks for the next value.
      else signal?.addEventListener('abort', () => void channel.iterator.return?.(), { once: true });
      return channel.iterator;
    },
    stats: () => {
      const all = [...watchers.values()];
      return {
        watching: all.length,
        polling: all.filter((watcher) => watcher.polling()).length,
        subscribers: all.reduce((sum, watcher) => sum + watcher.sinks.size, 0),
      };
    },
    close: async () => {
      await Promise.all([...watchers.values()].map((watcher) => watcher.finish()));
      await Promise.all([...stopping]);
    },
  };
}

/**
 * One watcher: a watched thing as read with one credential, for every subscriber on this replica
 * who reads it with that credential. Its first read serves everyone who joins meanwhile; while it
 * holds the lease it polls with its own reader and publishes each change tagged with its
 * credentialKey; what reaches it on the bus goes to its subscribers unless it was read with
 * another credential. It finishes when its last subscriber leaves, when the thing is terminal,
 * when the upstream refuses the credential, and on close.
 */
import { errorCodeOf } from '../errors.ts';
import type { Bus, Coordination, LiveMessage, Unsubscribe } from './bus.ts';
import type { PollOutcome, PollSettings } from './pacing.ts';
import { createPollLoop, type PollLoop } from './poller.ts';
import { createSubscribers, type Subscriber, type Subscribers } from './subscribers.ts';
import type { Reader, Source, WatchLogger } from './watch.ts';

export interface WatcherOptions {
  readonly bus: Bus;
  readonly coordination: Coordination;
  readonly settings: PollSettings;
  readonly logger?: WatchLogger | undefined;
  /** Its lease name: the thing and the credentialKey, the same on every replica. */
  readonly name: string;
  /** Called once, as it starts finishing, with the promise of its end. */
  readonly onFinish: (done: Promise<void>) => void;
}

export interface Watcher<T> {
  join(): Subscriber<T>;
  /** The state now: the last one known once a read succeeded, else one first read shared by all who ask meanwhile. */
  current(): Promise<T>;
  start(subscriber: Subscriber<T>, first: T): void;
  leave(subscriber: Subscriber<T>): void;
  /** Ends every stream (with `failure`, when given), leaves the bus, gives up the lease. */
  finish(failure?: Error): Promise<void>;
  polling(): boolean;
  subscribers(): number;
}

type Warn = (error: unknown, message: string) => void;

function warner(logger: WatchLogger | undefined, fields: Readonly<Record<string, unknown>>): Warn {
  return (error, message) => {
    try {
      logger?.warn({ ...fields, err: error instanceof Error ? error.message : String(error) }, message);
    } catch {
      // a broken logger must not stop a watcher
    }
  };
}

/** One poll with the watcher's own reader; news goes to its subscribers, then to its twins on other replicas. */
async function pollOnce<T>(
  topic: string,
  reader: Reader<T>,
  subscribers: Subscribers<T>,
  bus: Bus,
  warn: Warn,
  refused: (error: Error) => void,
): Promise<PollOutcome> {
  let value: T;
  try {
    value = await reader.read();
  } catch (error) {
    // The upstream no longer takes this credential: whoever reads with it may no longer see the thing.
    if (errorCodeOf(error) === 'UNAUTHENTICATED') refused(error as Error);
    warn(error, 'live poll failed');
    return 'failed';
  }
  if (!subscribers.apply(value)) return 'unchanged';
  const message: LiveMessage = { kind: 'state', value, credentialKey: reader.credentialKey };
  bus.publish(topic, message).catch((error: unknown) => warn(error, 'live publish failed'));
  return 'changed';
}

function hear<T>(message: LiveMessage, source: Source<T>, credentialKey: string, subscribers: Subscribers<T>, loop: PollLoop): void {
  if (message.kind === 'state') {
    // Read with another credential: not for these subscribers. A webhook's state names none.
    if (message.credentialKey === undefined || message.credentialKey === credentialKey) subscribers.apply(message.value as T);
    return;
  }
  const last = subscribers.last();
  if (message.kind === 'patch' && last !== null && source.merge) subscribers.apply(source.merge(last, message.fields));
  else loop.poke();
}

/** `read`, shared by everyone who asks while it runs; a failed one is forgotten, so whoever asks next reads afresh. */
function sharedRead<T>(read: () => Promise<T>): { run(): Promise<T>; succeeded(): boolean } {
  let running: Promise<T> | null = null;
  let succeeded = false;
  const start = () =>
    read().then(
      (value) => {
        succeeded = true;
        return value;
      },
      (error: unknown) => {
        running = null;
        throw error;
      },
    );
  return { run: () => (running ??= start()), succeeded: () => succeeded };
}

async function leaveBus(subscribed: Promise<Unsubscribe>): Promise<void> {
  try {
    await (
      await subscribed
    )();
  } catch {
    // never subscribed: nothing to undo
  }
}

export function createWatcher<T>(source: Source<T>, reader: Reader<T>, options: WatcherOptions): Watcher<T> {
  const { topic } = source;
  const warn = warner(options.logger, { topic, credentialKey: reader.credentialKey });
  const subscribers = createSubscribers(source.isTerminal, () => void finish());
  const poll = () => pollOnce(topic, reader, subscribers, options.bus, warn, (error) => void finish(error));
  const loop = createPollLoop({ ...options, poll, warn });
  const subscribed = options.bus.subscribe(topic, (message) => hear(message, source, reader.credentialKey, subscribers, loop));
  subscribed.catch((error: unknown) => warn(error, 'live subscribe failed'));
  // Subscribed first, so that a change published while it reads is not missed; it is also the first poll.
  const first = sharedRead(async () => {
    await subscribed;
    const value = await reader.read();
    subscribers.apply(value);
    loop.start();
    return value;
  });
  let finished: Promise<void> | null = null;
  const finish = (failure?: Error): Promise<void> => {
    if (finished) return finished;
    const stopping = loop.stop();
    subscribers.close(failure);
    finished = Promise.all([leaveBus(subscribed), stopping]).then(() => undefined);
    options.onFinish(finished);
    return finished;
  };

  return {
    join: () => subscribers.join(),
    current: () => {
      const last = subscribers.last();
      return first.succeeded() && last !== null ? Promise.resolve(last) : first.run();
    },
    start: (subscriber, value) => subscribers.start(subscriber, value),
    leave: (subscriber) => subscribers.leave(subscriber),
    finish,
    polling: () => loop.polling(),
    subscribers: () => subscribers.size(),
  };
}

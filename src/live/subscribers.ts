/**
 * A watcher's subscribers and the state they share: each gets the current state first, then each
 * change once; a terminal state ends every stream. A subscriber joins before its first value is
 * known (so that it keeps the watcher alive meanwhile) and starts once it has it.
 */
import { liveJson } from './bus.ts';
import { type Channel, createChannel } from './channel.ts';

export interface Subscriber<T> {
  readonly channel: Channel<T>;
  /** False until its first value went out: the latest change meanwhile waits in `pending`. */
  ready: boolean;
  pending: T | undefined;
  /** What it was last sent, to send each change once. */
  lastPrint: string | null;
}

export interface Subscribers<T> {
  join(): Subscriber<T>;
  /** Sends `first`, then whatever changed while it was read; the end too if everything ended meanwhile. */
  start(subscriber: Subscriber<T>, first: T): void;
  leave(subscriber: Subscriber<T>): void;
  /** True when `value` is news: every started subscriber got it. */
  apply(value: T): boolean;
  /** The last state applied, or null. */
  last(): T | null;
  /** Ends every stream, with `failure` when given; no state is applied after. */
  close(failure?: Error): void;
  size(): number;
}

/** Sends `value` unless the subscriber has it already; true when it ended the stream (a terminal state). */
function send<T>(subscriber: Subscriber<T>, value: T, print: string, isTerminal: (value: T) => boolean): boolean {
  if (print === subscriber.lastPrint) return false;
  subscriber.lastPrint = print;
  subscriber.channel.push(value);
  if (!isTerminal(value)) return false;
  subscriber.channel.end();
  return true;
}

/** `onOver` runs when the last subscriber leaves and when the state is terminal: nothing more to do. */
export function createSubscribers<T>(isTerminal: (value: T) => boolean, onOver: () => void): Subscribers<T> {
  const members = new Set<Subscriber<T>>();
  let last: { readonly value: T; readonly print: string } | null = null;
  let closed: { readonly failure: Error | undefined } | null = null;

  const leave = (subscriber: Subscriber<T>) => {
    members.delete(subscriber);
    if (members.size === 0) onOver();
  };
  const deliver = (subscriber: Subscriber<T>, value: T, print = liveJson.stringify(value)) => {
    if (!subscriber.ready) subscriber.pending = value;
    else if (send(subscriber, value, print, isTerminal)) leave(subscriber);
  };

  return {
    join: () => {
      const subscriber: Subscriber<T> = {
        ready: false,
        pending: undefined,
        lastPrint: null,
        channel: createChannel(() => leave(subscriber)),
      };
      members.add(subscriber);
      return subscriber;
    },
    start: (subscriber, first) => {
      subscriber.ready = true;
      // The shared state's print, not a copy per subscriber: a large output is held once however many watch it.
      deliver(subscriber, first, first === last?.value ? last.print : undefined);
      const { pending } = subscriber;
      subscriber.pending = undefined;
      if (pending !== undefined) deliver(subscriber, pending);
      if (closed) subscriber.channel.end(closed.failure);
    },
    leave,
    apply: (value) => {
      if (closed) return false;
      const print = liveJson.stringify(value);
      if (print === last?.print) return false;
      last = { value, print };
      for (const subscriber of [...members]) deliver(subscriber, value, print);
      if (isTerminal(value)) onOver();
      return true;
    },
    last: () => last?.value ?? null,
    close: (failure) => {
      closed = { failure };
      // One still being read for gets its first value (and this end) in start().
      for (const subscriber of [...members]) if (subscriber.ready) subscriber.channel.end(failure);
      members.clear();
    },
    size: () => members.size,
  };
}

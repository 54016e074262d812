/**
 * One subscriber's stream of states, a Repeater fed from outside: the watcher pushes, the
 * subscription's consumer (yoga) pulls.
 */
import { type Push, Repeater, SlidingBuffer, type Stop } from '@repeaterjs/repeater';

/**
 * How many states a consumer may fall behind by: past it the oldest go, so a stalled client costs
 * bounded memory and still gets the newest state (the terminal one included).
 */
export const backlog = 256;

export interface Channel<T> {
  readonly events: AsyncIterableIterator<T>;
  push(value: T): void;
  /** Ends the stream once what was pushed is read; with an error, the read after that rejects with it. */
  end(error?: Error): void;
}

/**
 * `onLeave` runs once when the consumer is done: it returned (before or after its first read), or
 * the stream it was reading ended.
 */
export function createChannel<T>(onLeave: () => void): Channel<T> {
  // A Repeater runs its executor on the first next(): what comes before waits here.
  let early: T[] = [];
  let ended: { readonly error: Error | undefined } | null = null;
  let controls: { readonly push: Push<T>; readonly stop: Stop } | null = null;
  let left = false;
  const leave = () => {
    if (left) return;
    left = true;
    onLeave();
  };

  class Events extends Repeater<T> {
    // A consumer that returns before its first read never starts the executor below.
    override return(value?: unknown) {
      leave();
      return super.return(value);
    }
  }

  const events = new Events(async (push, stop) => {
    for (const value of early) void push(value);
    early = [];
    if (ended) stop(ended.error);
    else controls = { push, stop };
    await stop;
    controls = null;
    leave();
  }, new SlidingBuffer(backlog));

  return {
    events,
    push: (value) => {
      if (ended) return;
      if (controls) void controls.push(value);
      else if (early.push(value) > backlog) early.shift();
    },
    end: (error) => {
      if (ended) return;
      ended = { error };
      controls?.stop(error);
    },
  };
}

/**
 * A counted gate: at most `capacity` holders at once, the others wait in arrival order, and a
 * waiter whose signal aborts leaves the queue at once (with the signal's reason).
 *
 * Written here rather than taken from a library: the only one installed, p-limit, comes in as a
 * development tool's dependency (not ours, not in the production image), and cannot drop a queued
 * task when its request's deadline passes, which is what the request budget needs.
 */

/** Gives the slot back; calling it again does nothing. */
export type Release = () => void;

export interface Gate {
  /** Resolves once a slot is held; rejects with `signal.reason` when the signal aborts first. */
  acquire(signal?: AbortSignal): Promise<Release>;
  /** Slots held now. */
  readonly held: number;
  /** Callers waiting for a slot. */
  readonly waiting: number;
}

interface Waiter {
  readonly grant: (release: Release) => void;
}

export function createGate(capacity: number): Gate {
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`gate capacity must be an integer >= 1, got ${capacity}`);
  let held = 0;
  // A Set keeps insertion order and lets an aborted waiter leave from the middle in O(1).
  const queue = new Set<Waiter>();

  const slot = (): Release => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = queue.values().next();
      if (next.done) {
        held--;
        return;
      }
      // The slot passes straight to the next waiter: `held` stays the same.
      queue.delete(next.value);
      next.value.grant(slot());
    };
  };

  return {
    acquire(signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (held < capacity) {
        held++;
        return Promise.resolve(slot());
      }
      return new Promise<Release>((resolve, reject) => {
        const onAbort = () => {
          queue.delete(waiter);
          reject(signal!.reason);
        };
        const waiter: Waiter = {
          grant: (release) => {
            signal?.removeEventListener('abort', onAbort);
            resolve(release);
          },
        };
        queue.add(waiter);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    get held() {
      return held;
    },
    get waiting() {
      return queue.size;
    },
  };
}

/**
 * Identical upstream reads in flight at the same time share one call. Only in flight: nothing is
 * cached once the call settles, so no caller ever sees an answer older than its own request.
 */
import { createHash } from 'node:crypto';

export interface Coalescer<T> {
  /**
   * The in-flight call under `key`, or a new one from `start`. A caller whose `signal` aborts
   * stops waiting (rejected with the signal's reason) without disturbing the others; the shared
   * call itself is aborted (through the signal `start` got) once every caller has left.
   */
  run(key: string, start: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Calls in flight (for tests and diagnostics). */
  readonly size: number;
}

interface Flight<T> {
  readonly call: Promise<T>;
  readonly controller: AbortController;
  callers: number;
}

export function createCoalescer<T>(): Coalescer<T> {
  const inFlight = new Map<string, Flight<T>>();
  const forget = (key: string, flight: Flight<T>) => {
    if (inFlight.get(key) === flight) inFlight.delete(key);
  };
  return {
    run(key, start, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      let flight = inFlight.get(key);
      if (!flight) {
        const controller = new AbortController();
        const created: Flight<T> = { call: start(controller.signal), controller, callers: 0 };
        created.call.then(
          () => forget(key, created),
          () => forget(key, created),
        );
        inFlight.set(key, created);
        flight = created;
      }
      flight.callers++;
      if (!signal) return flight.call;
      const joined = flight;
      return new Promise<T>((resolve, reject) => {
        const leave = () => {
          reject(signal.reason);
          if (--joined.callers > 0) return;
          // No one waits any more: free the connection, and let the next caller start afresh.
          forget(key, joined);
          joined.controller.abort(signal.reason);
        };
        signal.addEventListener('abort', leave, { once: true });
        joined.call.then(
          (value) => {
            signal.removeEventListener('abort', leave);
            resolve(value);
          },
          (error: unknown) => {
            signal.removeEventListener('abort', leave);
            reject(error);
          },
        );
      });
    },
    get size() {
      return inFlight.size;
    },
  };
}

/**
 * A digest of everything that makes two calls the same call: method, full path with query,
 * every header sent (credentials included) and the body. Hashed so no raw secret is kept as a
 * map key.
 */
export function coalesceKey(method: string, path: string, headers: Readonly<Record<string, string>>, body: string | undefined): string {
  const sortedHeaders = Object.entries(headers).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256')
    .update(JSON.stringify([method, path, sortedHeaders, body ?? null]))
    .digest('base64url');
}

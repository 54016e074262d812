/**
 * Identical upstream reads in flight at the same time share one call. Only in flight: nothing is
 * cached once the call settles, so no caller ever sees an answer older than its own request.
 */
import { createHash } from 'node:crypto';

export interface Coalescer<T> {
  /** The in-flight call under `key`, or a new one from `start`. */
  run(key: string, start: () => Promise<T>): Promise<T>;
  /** Calls in flight (for tests and diagnostics). */
  readonly size: number;
}

export function createCoalescer<T>(): Coalescer<T> {
  const inFlight = new Map<string, Promise<T>>();
  return {
    run(key, start) {
      const running = inFlight.get(key);
      if (running) return running;
      const call = start().finally(() => inFlight.delete(key));
      inFlight.set(key, call);
      return call;
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

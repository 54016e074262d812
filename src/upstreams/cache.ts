/**
 * An optional short-TTL cache of terminal executions (`UPSTREAM_CACHE_TTL_MS`, off by default).
 * A completed, failed or cancelled execution never changes upstream, so reading it again within
 * the TTL costs no upstream call. Only single-execution reads use it (detail, bulk, prediction,
 * task); lists never do. Entries are keyed by the credentialKey of the session that read them
 * (a digest that names the host), so one caller's key never serves another caller's answer, and
 * errors are never cached.
 */
import { LRUCache } from 'lru-cache';
import type * as model from '../model.ts';

export interface TerminalCacheOptions {
  /** How long a terminal execution is served from memory, ms. */
  readonly ttlMs: number;
  /** Most executions kept (least recently used leave first). */
  readonly maxEntries: number;
}

type Cached = model.WorkflowExecution | model.ModelExecution | model.TaskExecution;

export interface TerminalCache {
  /** What `credentialKey` read of `id` and found terminal, if it is still fresh. */
  get<V extends Cached>(credentialKey: string, id: string): V | undefined;
  /** Keeps `value` when it is terminal; hands it back either way. */
  remember<V extends Cached>(credentialKey: string, id: string, value: V): V;
}

export function createTerminalCache(options: TerminalCacheOptions): TerminalCache {
  const cache = new LRUCache<string, Cached>({ max: options.maxEntries, ttl: options.ttlMs });
  const keyOf = (credentialKey: string, id: string) => `${credentialKey}\u0000${id}`;
  return {
    get: <V extends Cached>(credentialKey: string, id: string) => cache.get(keyOf(credentialKey, id)) as V | undefined,
    remember: (credentialKey, id, value) => {
      if (value.isTerminal) cache.set(keyOf(credentialKey, id), value);
      return value;
    },
  };
}

/** A single read through the cache (a no-op without one). */
export function cachedRead<V extends Cached>(
  cache: TerminalCache | null,
  credentialKey: string,
  id: string,
  read: (id: string) => Promise<V>,
): Promise<V> {
  if (cache === null) return read(id);
  const hit = cache.get<V>(credentialKey, id);
  return hit ? Promise.resolve(hit) : read(id).then((value) => cache.remember(credentialKey, id, value));
}

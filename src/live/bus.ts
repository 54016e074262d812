/**
 * How replicas share live updates: a topic bus (publish/subscribe) and the coordination that
 * keeps work single (webhook dedup, who polls an execution for a credential). In memory for one
 * instance; redis.ts gives the same over Redis for many.
 */

/** What travels on a topic. */
export type LiveMessage =
  /**
   * The whole current state of the watched thing (an execution or a bulk's progress). A poll's
   * names the credential it was read with (its digest): only watchers reading with it apply it.
   * A webhook's names none and reaches every watcher of the thing.
   */
  | { readonly kind: 'state'; readonly value: unknown; readonly credentialKey?: string }
  /** Some fields of an execution (a prediction webhook carries no more): merged onto the last state. */
  | { readonly kind: 'patch'; readonly fields: Readonly<Record<string, unknown>> }
  /** Something changed upstream (a bulk member's webhook): the poller should look now. */
  | { readonly kind: 'poke' };

export type Unsubscribe = () => Promise<void>;

/**
 * Whom a publish reached: every replica's subscribers (`all`), or, while the shared bus is
 * unavailable, this replica's only (`local`): the others then rely on their own polls.
 */
export type Reach = 'all' | 'local';

export interface Bus {
  /** Never fails for want of the shared bus: then it reaches this replica's subscribers only. */
  publish(topic: string, message: LiveMessage): Promise<Reach>;
  /** Resolves once messages published from now on are delivered to `handler`. */
  subscribe(topic: string, handler: (message: LiveMessage) => void): Promise<Unsubscribe>;
  close(): Promise<void>;
}

export interface Coordination {
  /** True the first time `key` is seen within `ttlMs` (on any replica sharing this coordination). */
  firstSeen(key: string, ttlMs: number): Promise<boolean>;
  /** Makes `key` unseen again: what its first sighting stood for did not happen. */
  forget(key: string): Promise<void>;
  /** Takes or renews the lease on `name` (a watched thing and credential) for `ttlMs`; false while another replica holds it. */
  lease(name: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up if this replica holds it. */
  release(name: string): Promise<void>;
  /**
   * False while the replicas cannot share work through it (Redis unreachable): each replica then
   * polls what it watches itself, and hears no other replica's changes.
   */
  shared(): boolean;
  close(): Promise<void>;
}

/** JSON that keeps Dates (the model's timestamps) as Dates across a Redis hop. */
export const liveJson = {
  stringify(value: unknown): string {
    return JSON.stringify(value, function (this: Record<string, unknown>, key, raw: unknown) {
      const original = this[key];
      return original instanceof Date ? { $date: original.toISOString() } : raw;
    });
  },
  parse(text: string): unknown {
    return JSON.parse(text, (_key, value: unknown) => {
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        const keys = Object.keys(value);
        const date = (value as { $date?: unknown }).$date;
        if (keys.length === 1 && typeof date === 'string') return new Date(date);
      }
      return value;
    });
  },
};

export function createMemoryBus(): Bus {
  const handlers = new Map<string, Set<(message: LiveMessage) => void>>();
  return {
    publish: async (topic, message) => {
      // Delivered after the publisher's turn, as a network bus would.
      for (const handler of [...(handlers.get(topic) ?? [])]) queueMicrotask(() => handler(message));
      return 'all';
    },
    subscribe: async (topic, handler) => {
      const set = handlers.get(topic) ?? new Set();
      set.add(handler);
      handlers.set(topic, set);
      return async () => {
        set.delete(handler);
        if (set.size === 0 && handlers.get(topic) === set) handlers.delete(topic);
      };
    },
    close: async () => handlers.clear(),
  };
}

/** Bounded: the oldest keys go first once this many are remembered. */
const maxRemembered = 10_000;

export function createMemoryCoordination(now: () => number = Date.now): Coordination {
  const seen = new Map<string, number>();
  return {
    firstSeen: async (key, ttlMs) => {
      const at = now();
      const until = seen.get(key);
      if (until !== undefined && until > at) return false;
      seen.delete(key);
      seen.set(key, at + ttlMs);
      if (seen.size > maxRemembered) seen.delete(seen.keys().next().value as string);
      return true;
    },
    forget: async (key) => void seen.delete(key),
    // One instance: it always holds every lease.
    lease: async () => true,
    release: async () => undefined,
    shared: () => true,
    close: async () => seen.clear(),
  };
}

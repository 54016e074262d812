/**
 * A request's failed upstream calls, counted by host, status and code, for the one warning its
 * log line becomes: a request failing a thousand calls (a caller's bad key over a big batch)
 * writes one line, not a thousand. Each call's own line, body included, is at debug.
 */
import type { UpstreamCall } from '../upstreams/http.ts';

export interface FailureCount {
  readonly upstream: string;
  /** The last HTTP status received; null when none came. */
  readonly status: number | null;
  readonly code: string;
  calls: number;
}

export interface FailureTally {
  /** Counts `call` when it failed in a way worth a warning. */
  add(call: UpstreamCall): void;
  counts(): readonly FailureCount[];
}

/** Distinct (host, status, code) kept per request; statuses are few in practice, this only bounds the odd host. */
const maxKinds = 50;

/**
 * Failures worth a warning: not a plain NOT_FOUND (a caller asking for what does not exist), nor
 * a call its caller gave up (no code: the request's deadline or its client left).
 */
function worthWarning(call: UpstreamCall): call is UpstreamCall & { code: string } {
  return call.code !== null && call.code !== 'NOT_FOUND';
}

export function createFailureTally(): FailureTally {
  const counts = new Map<string, FailureCount>();
  return {
    add(call) {
      if (!worthWarning(call)) return;
      const key = `${call.upstream} ${call.status} ${call.code}`;
      const count = counts.get(key);
      if (count) count.calls++;
      else if (counts.size < maxKinds) counts.set(key, { upstream: call.upstream, status: call.status, code: call.code, calls: 1 });
    },
    counts: () => [...counts.values()],
  };
}

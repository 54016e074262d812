/**
 * The per-request trace of upstream calls (`X-Gateway-Trace: 1`): what a query cost, in
 * `extensions.trace`. Calls are kept as reported and shaped only when the response is built, so
 * recording costs one array push.
 */
import type { UpstreamCall } from '../upstreams/http.ts';

export const traceHeader = 'x-gateway-trace';

export interface TraceEntry {
  readonly upstream: string;
  readonly method: string;
  readonly host: string;
  /** As sent, ids included, no query string. */
  readonly path: string;
  /** Query parameters as sent; a parameter whose name looks like a credential is redacted. */
  readonly query: Readonly<Record<string, string>> | null;
  /** HTTP status of the last attempt; null when none came. */
  readonly status: number | null;
  /** Contract error code of a failed call. */
  readonly code: string | null;
  /** Start, ms after the operation started. */
  readonly startMs: number;
  readonly ms: number;
  /** 1 without retries; 0 when nothing was sent (circuit open). */
  readonly attempts: number;
  /** Ids in one bulk call. */
  readonly batchSize: number | null;
  /** Joined an identical call already in flight, possibly another request's. */
  readonly shared: boolean;
}

export interface TraceSummary {
  readonly requestId: string;
  /** Operation start to the result, ms. */
  readonly durationMs: number;
  readonly upstreamCalls: number;
  /** Of those, calls joined rather than sent. */
  readonly sharedCalls: number;
  /** Time with at least one upstream call in flight, ms. */
  readonly upstreamWallMs: number;
  /** Longest chain of calls each started after the previous ended: the round trips one after another. */
  readonly criticalPath: number;
  readonly calls: readonly TraceEntry[];
}

const credentialLike = /key|token|secret|password|passwd|auth|signature|credential|session/i;

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function queryOf(search: string): Record<string, string> | null {
  if (search === '') return null;
  const query: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(search)) query[name] = credentialLike.test(name) ? '[REDACTED]' : value;
  return query;
}

/** Calls sorted by start; each call's depth is one more than the deepest call that ended before it started. */
function criticalPathOf(calls: readonly UpstreamCall[]): number {
  const depths: number[] = [];
  let deepest = 0;
  calls.forEach((call, i) => {
    let before = 0;
    for (let j = 0; j < i; j++) {
      const earlier = calls[j]!;
      if (earlier.startedAt + earlier.durationMs <= call.startedAt) before = Math.max(before, depths[j]!);
    }
    depths.push(before + 1);
    deepest = Math.max(deepest, before + 1);
  });
  return deepest;
}

function wallOf(calls: readonly UpstreamCall[]): number {
  let total = 0;
  let end = Number.NEGATIVE_INFINITY;
  for (const call of calls) {
    const callEnd = call.startedAt + call.durationMs;
    if (callEnd <= end) continue;
    total += callEnd - Math.max(call.startedAt, end);
    end = callEnd;
  }
  return total;
}

export interface Trace {
  record(call: UpstreamCall): void;
  summary(now?: number): TraceSummary;
}

export function createTrace(requestId: string, startedAt: number): Trace {
  const recorded: UpstreamCall[] = [];
  return {
    record: (call) => {
      recorded.push(call);
    },
    summary(now = performance.now()) {
      const calls = [...recorded].sort((a, b) => a.startedAt - b.startedAt);
      return {
        requestId,
        durationMs: round(now - startedAt),
        upstreamCalls: calls.length,
        sharedCalls: calls.filter((call) => call.shared).length,
        upstreamWallMs: round(wallOf(calls)),
        criticalPath: criticalPathOf(calls),
        calls: calls.map((call) => ({
          upstream: call.upstream,
          method: call.method,
          host: call.host,
          path: call.path,
          query: queryOf(call.search),
          status: call.status,
          code: call.code,
          startMs: round(call.startedAt - startedAt),
          ms: round(call.durationMs),
          attempts: call.attempts,
          batchSize: call.batchSize,
          shared: call.shared,
        })),
      };
    },
  };
}

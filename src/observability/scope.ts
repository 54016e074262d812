/**
 * Which request an upstream call serves, without passing it through every client.
 *
 * The upstream layer is a process singleton shared by all requests: clients take credentials,
 * not requests, and calls reach it through DataLoader batch functions and the coalescer. Rather
 * than thread a request object through every client signature, the yoga plugin runs each GraphQL
 * operation inside `AsyncLocalStorage.run(scope, …)`. Node carries that scope along the
 * operation's own async chain only (resolvers, loader batches, upstream calls), so concurrent
 * requests never see each other's scope and nothing is global. On Node 24 this is an
 * AsyncContextFrame: a pointer copy per promise, no async_hooks.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { FailureTally } from './failures.ts';
import type { OperationType } from './metrics.ts';
import type { Trace } from './trace.ts';

/** One HTTP request (a batched request carries several operations). */
export interface RequestRecord {
  readonly id: string;
  readonly startedAt: number;
  /** The caller asked for `extensions.trace` and tracing is on. */
  readonly traced: boolean;
  upstreamCalls: number;
  /** Failed upstream calls by host, status and code, for the request's log line. */
  readonly upstreamFailures: FailureTally;
  /** The response is out: a failure after it (a stream's later event) is logged on its own. */
  responded: boolean;
  /** Operation names, for the request's log line. */
  readonly operations: string[];
  readonly errorCodes: Set<string>;
}

/** One GraphQL operation. */
export interface OperationScope {
  readonly request: RequestRecord;
  readonly startedAt: number;
  /** Set while the result is being built; cleared once it is sent (see plugin.ts). */
  trace: Trace | null;
  type: OperationType | null;
  name: string | null;
}

const storage = new AsyncLocalStorage<OperationScope>();

export function runInScope<T>(scope: OperationScope, fn: () => T): T {
  return storage.run(scope, fn);
}

/** The scope of the operation whose async chain this runs in, if any. */
export function currentScope(): OperationScope | undefined {
  return storage.getStore();
}

/**
 * Runs `fn` outside any request's scope: for work a request starts but that outlives it and
 * serves others too (a shared poller, a timer), so its upstream calls carry no one's request id.
 */
export function outsideRequest<T>(fn: () => T): T {
  return storage.exit(fn);
}

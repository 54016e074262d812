/**
 * The yoga plugin behind request ids, the per-request log line, `extensions.trace`, GraphQL
 * metrics and `GET /metrics`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { getOperationAST, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { createFailureTally } from './failures.ts';
import type { GatewayMetrics, OperationOutcome } from './metrics.ts';
import { requestIdFrom, requestIdHeader } from './request-id.ts';
import { currentScope, type OperationScope, type RequestRecord, runInScope } from './scope.ts';
import { createTrace, traceHeader } from './trace.ts';

export interface ObservabilityPluginOptions {
  readonly metrics: GatewayMetrics | null;
  /** Bearer token `GET /metrics` requires; null: open. */
  readonly metricsToken: string | null;
  /** Answer `X-Gateway-Trace: 1` with `extensions.trace`. */
  readonly trace: boolean;
  readonly logger?: Logger | undefined;
  /** @default '/graphql' */
  readonly graphqlEndpoint?: string;
}

/** Operation names come from callers: logged, never labels, and cut to this length. */
const maxNameLength = 100;
const maxNamesLogged = 10;

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function typeOf(document: DocumentNode, operationName: string | null | undefined): OperationScope['type'] {
  return getOperationAST(document, operationName ?? undefined)?.operation ?? 'unknown';
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

type ExecutionResultPayload = Parameters<NonNullable<Plugin['onExecutionResult']>>[0];
type ResponsePayload = Parameters<NonNullable<Plugin['onResponse']>>[0];

function newRecord(request: Request, trace: boolean): RequestRecord {
  return {
    id: requestIdFrom(request.headers.get(requestIdHeader)),
    startedAt: performance.now(),
    traced: trace && request.headers.get(traceHeader) === '1',
    upstreamCalls: 0,
    upstreamFailures: createFailureTally(),
    responded: false,
    operations: [],
    errorCodes: new Set(),
  };
}

/** `GET /metrics`: the registry's exposition, behind the bearer token if one is set. */
async function serveMetrics(
  metrics: GatewayMetrics | null,
  expectedToken: Buffer | null,
  request: Request,
  fetchAPI: typeof globalThis,
): Promise<Response> {
  if (!metrics) return new fetchAPI.Response('Not found', { status: 404 });
  if (request.method !== 'GET') return new fetchAPI.Response(null, { status: 405, headers: { allow: 'GET' } });
  if (expectedToken !== null) {
    // Compared as digests: equal lengths, constant time, nothing learnt from a near miss.
    if (!timingSafeEqual(digest(request.headers.get('authorization') ?? ''), expectedToken)) {
      return new fetchAPI.Response('Unauthorized', { status: 401, headers: { 'www-authenticate': 'Bearer' } });
    }
  }
  return new fetchAPI.Response(await metrics.registry.metrics(), {
    headers: { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' },
  });
}

/** An operation's result: its name, outcome and error codes for the log line and metrics, and its trace. */
function recordResult(metrics: GatewayMetrics | null, { result, setResult }: ExecutionResultPayload): void {
  const scope = currentScope();
  if (!scope || result === undefined) return;
  const { request } = scope;
  const type = scope.type ?? 'unknown';
  if (request.operations.length < maxNamesLogged) request.operations.push(scope.name ?? type);
  const seconds = (performance.now() - scope.startedAt) / 1000;
  // Calls made after this point (a subscription's later events, work the operation left
  // running) are not this response's: stop recording, so nothing grows after it is sent.
  const trace = scope.trace;
  scope.trace = null;
  if (isAsyncIterable(result)) {
    metrics?.operation(type, 'stream', seconds);
    return;
  }
  const errors = result.errors ?? [];
  for (const error of errors) {
    const code = error.extensions?.['code'];
    metrics?.error(code);
    if (typeof code === 'string' && request.errorCodes.size < maxNamesLogged) request.errorCodes.add(code.slice(0, maxNameLength));
  }
  // Errors with every root field null answered nothing: that is an error, not a partial answer.
  const answered = result.data ? Object.values(result.data as Record<string, unknown>).some((value) => value !== null) : false;
  const outcome: OperationOutcome = scope.type === null ? 'rejected' : errors.length === 0 ? 'success' : answered ? 'partial' : 'error';
  metrics?.operation(type, outcome, seconds);
  if (trace) setResult({ ...result, extensions: { ...result.extensions, trace: trace.summary() } });
}

/** The request's one log line: a warning if an upstream call failed, info on the GraphQL endpoint, else debug. */
function logRequest(logger: Logger, graphqlEndpoint: string, { request, response }: ResponsePayload, record: RequestRecord): void {
  const path = new URL(request.url, 'http://localhost').pathname;
  const upstreamFailures = record.upstreamFailures.counts();
  const line = {
    reqId: record.id,
    method: request.method,
    path,
    status: response.status,
    durationMs: Math.round((performance.now() - record.startedAt) * 10) / 10,
    ...(record.operations.length ? { operations: record.operations } : {}),
    ...(record.errorCodes.size ? { errorCodes: [...record.errorCodes] } : {}),
    upstreamCalls: record.upstreamCalls,
    ...(upstreamFailures.length ? { upstreamFailures } : {}),
  };
  try {
    // Failed upstream calls make the request's one line a warning, whatever their number.
    if (upstreamFailures.length) logger.warn(line, 'request');
    else if (path === graphqlEndpoint) logger.info(line, 'request');
    else logger.debug(line, 'request');
  } catch {
    // A broken logger must not fail a response.
  }
}

/** The request id on every response, and the request marked answered. */
function tagResponse({ request, response }: ResponsePayload, record: RequestRecord | undefined): void {
  const id = record?.id ?? requestIdFrom(request.headers.get(requestIdHeader));
  try {
    response.headers.set(requestIdHeader, id);
  } catch {
    // Some responses have immutable headers; the id is still in the log line.
  }
  if (record) record.responded = true;
}

function setOperationType({ args }: { readonly args: { readonly document: unknown; readonly operationName?: unknown } }): void {
  const scope = currentScope();
  if (scope) scope.type = typeOf(args.document as DocumentNode, args.operationName as string | undefined);
}

export function useObservability(options: ObservabilityPluginOptions): Plugin {
  const { metrics, logger } = options;
  const graphqlEndpoint = options.graphqlEndpoint ?? '/graphql';
  const records = new WeakMap<Request, RequestRecord>();
  const expectedToken = options.metricsToken === null ? null : digest(`Bearer ${options.metricsToken}`);

  const recordOf = (request: Request): RequestRecord => {
    let record = records.get(request);
    if (!record) {
      record = newRecord(request, options.trace);
      records.set(request, record);
    }
    return record;
  };

  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      recordOf(request);
      if (url.pathname === '/metrics' && metrics)
        endResponse(await serveMetrics(metrics, expectedToken, request, fetchAPI as typeof globalThis));
    },
    instrumentation: {
      // Each GraphQL operation (several in a batched request) runs in its own scope: upstream
      // calls find their request id and trace through it (scope.ts says why).
      operation({ request }, wrapped) {
        const record = recordOf(request);
        const startedAt = performance.now();
        return runInScope(
          { request: record, startedAt, trace: record.traced ? createTrace(record.id, startedAt) : null, type: null, name: null },
          wrapped,
        );
      },
    },
    onParams({ params }) {
      const scope = currentScope();
      if (scope && typeof params.operationName === 'string') scope.name = params.operationName.slice(0, maxNameLength);
    },
    onExecute: setOperationType,
    onSubscribe: setOperationType,
    onExecutionResult: (payload) => recordResult(metrics, payload),
    onResponse(payload) {
      const record = records.get(payload.request);
      tagResponse(payload, record);
      if (logger && record) logRequest(logger, graphqlEndpoint, payload, record);
    },
  };
}

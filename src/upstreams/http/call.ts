/**
 * One upstream call, settled: under the host's breaker, holding one of the host's connections,
 * within its deadline, retried when idempotent, its answer read within the body cap or turned
 * into a contract error.
 */
import type { Dispatcher } from 'undici';
import { isContractError } from '../../errors.ts';
import type { UpstreamName } from '../../model.ts';
import { readCapped } from './body.ts';
import type { Breaker } from './breaker.ts';
import type { CallState, Deadlines } from './deadline.ts';
import { errorForStatus, errorForTransport, oversizedBody } from './errors.ts';
import type { CallLog } from './observe.ts';
import type { Gate, Release } from './gate.ts';
import type { Dispatchers } from './pool.ts';
import type { PreparedCall } from './prepare.ts';
import { redactBody } from './redact.ts';

/** Failed answers' bodies are only logged, and cut short there: no need to read more. */
const errorBodyReadBytes = 64 * 1024;

/** A 2xx answer, shared as text so every caller parses its own copy. */
export interface Answer {
  readonly status: number;
  readonly text: string;
}

/**
 * A settled call, never a rejection: coalesced callers all get the answer or the error, and
 * the status and attempts behind it, for their own trace entry.
 */
export interface Outcome {
  readonly answer: Answer | null;
  readonly error: unknown;
  readonly status: number | null;
  readonly attempts: number;
}

export interface CallParts {
  readonly upstream: UpstreamName;
  readonly dispatchers: Dispatchers;
  readonly deadlines: Deadlines;
  readonly breaker: Breaker;
  /**
   * One slot per pooled connection. A call waits here, not in undici's queue, so that its
   * deadline starts when a connection is its own: a host answering slowly to a crowd of calls is
   * not a host timing out, and must neither time them out nor open its breaker.
   */
  readonly connections: Gate;
  readonly maxBodyBytes: number;
  readonly log: CallLog;
}

/** Sends `call` and settles it; an open circuit is an outcome with no attempt. */
export type Attempt = (call: PreparedCall, requestId: string | null, callerSignal: AbortSignal | undefined) => Promise<Outcome>;

/** One attempt's state, with what its caller brought. */
interface Sending extends CallState {
  readonly requestId: string | null;
  readonly callerSignal: AbortSignal | undefined;
}

export function createAttempt(parts: CallParts): Attempt {
  return async (call, requestId, callerSignal) => {
    const state: Sending = { until: 0, attempts: 0, status: null, deadline: null, requestId, callerSignal };
    try {
      const answer = await parts.breaker.fire(() => send(parts, call, state));
      return { answer, error: null, status: state.status, attempts: state.attempts };
    } catch (error) {
      return { answer: null, error, status: state.status, attempts: state.attempts };
    }
  };
}

/** Waits for one of the host's connections (the caller may give up meanwhile), then dispatches. */
async function send(parts: CallParts, call: PreparedCall, state: Sending): Promise<Answer> {
  let release: Release;
  try {
    release = await parts.connections.acquire(state.callerSignal);
  } catch (error) {
    throw failure(parts, call, state, error);
  }
  try {
    return await dispatch(parts, call, state);
  } finally {
    release();
  }
}

/** One upstream call (retries included): the text of a 2xx answer, or a contract error. */
async function dispatch(parts: CallParts, call: PreparedCall, state: Sending): Promise<Answer> {
  const { dispatchers, maxBodyBytes, log } = parts;
  const signal = parts.deadlines.start(state, state.callerSignal);
  state.attempts = 1;
  try {
    const response = await (call.idempotent ? dispatchers.retrying : dispatchers.pool).request({
      method: call.method,
      path: call.target,
      // The request id is added here, after the coalescing key was taken, so concurrent requests
      // still share one call (it then carries the first caller's id).
      headers: state.requestId ? { ...call.headers, 'x-request-id': state.requestId } : call.headers,
      body: call.body ?? null,
      signal,
      idempotent: call.idempotent,
    });
    const status = (state.status = response.statusCode);
    if (status < 200 || status >= 300) throw await refusal(parts, call, state, response);
    const { text, truncated } = await readCapped(response.body, maxBodyBytes);
    if (truncated) {
      log(call, state.requestId, { status }, 'upstream body too large');
      throw oversizedBody(parts.upstream, status);
    }
    return { status, text };
  } catch (error) {
    throw failure(parts, call, state, error);
  }
}

/** A non-2xx answer: its body logged (redacted, except for a plain 404), then its contract error. */
async function refusal({ upstream, log }: CallParts, call: PreparedCall, state: Sending, response: Dispatcher.ResponseData) {
  const { statusCode: status } = response;
  const { text } = await readCapped(response.body, errorBodyReadBytes);
  if (status !== 404) log(call, state.requestId, { status, body: redactBody(text, call.secrets) }, 'upstream answered an error');
  const resource = call.resource ? { resource: call.resource } : {};
  return errorForStatus(upstream, status, response.headers, text, { secrets: call.secrets, ...resource });
}

/** What a failed send throws: a contract error as it is, anything else mapped and logged. */
function failure({ upstream, log }: CallParts, call: PreparedCall, state: Sending, error: unknown): unknown {
  if (isContractError(error)) return error;
  const expired = state.deadline?.aborted === true;
  // The caller gave up: nothing to report to anyone.
  if (state.callerSignal?.aborted && !expired) return error;
  const mapped = errorForTransport(upstream, error, expired);
  const { code, statusCode } = (error ?? {}) as { code?: unknown; statusCode?: unknown };
  if (typeof statusCode === 'number') state.status = statusCode;
  log(call, state.requestId, { code: typeof code === 'string' ? code : undefined }, 'upstream call failed');
  return mapped;
}

/**
 * One caller's `Http.json()`: prepare the call, share it with identical reads in flight or
 * attempt it, parse this caller's own copy of the answer, report how it went.
 */
import { errorCodeOf } from '../../errors.ts';
import type { UpstreamName } from '../../model.ts';
import type { Attempt, Outcome } from './call.ts';
import type { Coalescer } from './coalesce.ts';
import { coalesceKey } from './coalesce.ts';
import { unreadableBody } from './errors.ts';
import type { CallLog } from './observe.ts';
import { report } from './observe.ts';
import type { PreparedCall } from './prepare.ts';
import { prepareCall } from './prepare.ts';
import { redactBody } from './redact.ts';
import type { Http, UpstreamObserver } from './types.ts';

/** What every call of one host goes through, built once by `createHttp`. */
export interface RequestParts {
  readonly upstream: UpstreamName;
  /** `host[:port]` of the base URL, for the observer. */
  readonly host: string;
  /** The base URL's path without a trailing slash. */
  readonly basePath: string;
  readonly observer: UpstreamObserver | undefined;
  readonly log: CallLog;
  readonly attempt: Attempt;
  /** null when coalescing is off (`UPSTREAM_COALESCE=false`). */
  readonly coalescer: Coalescer<Outcome> | null;
}

export function createJson(parts: RequestParts): Http['json'] {
  const { upstream, host, basePath, observer, attempt, coalescer } = parts;
  return async (request) => {
    const call = prepareCall(basePath, request);
    const startedAt = observer ? performance.now() : 0;
    const requestId = observer ? observer.requestId() : null;
    let shared = false;
    let outcome: Outcome;
    // Only reads are shared. A caller giving up (its signal) stops waiting alone; the shared
    // call is aborted only once no caller waits for it.
    if (coalescer !== null && call.idempotent) {
      shared = true; // unless the coalescer starts a new call, below
      const key = coalesceKey(call.method, call.target, call.headers, call.body);
      outcome = await coalescer
        .run(
          key,
          (signal) => {
            shared = false;
            return attempt(call, requestId, signal);
          },
          request.signal,
        )
        .catch((error: unknown): Outcome => ({ answer: null, error, status: null, attempts: 0 }));
    } else {
      outcome = await attempt(call, requestId, request.signal);
    }
    let value: unknown;
    let failure: unknown = null;
    try {
      value = valueOf(parts, call, outcome, requestId);
    } catch (error) {
      failure = error;
    }
    if (observer) {
      const durationMs = performance.now() - startedAt;
      const code = failure === null ? null : (errorCodeOf(failure) ?? null);
      const { method, path, search } = call;
      const { status, attempts } = outcome;
      const batchSize = request.batchSize ?? null;
      report(observer, { upstream, method, host, path, search, status, code, attempts, startedAt, durationMs, batchSize, shared });
    }
    if (failure !== null) throw failure; // eslint-disable-line @typescript-eslint/only-throw-error -- what the call failed with (a contract error, or a caller's abort reason), rethrown as it is
    return value;
  };
}

/**
 * This caller's own parse of the answer, so no one can change what another caller sees; throws
 * the call's error, or the contract error of a 2xx body that is not JSON (logged, redacted).
 */
function valueOf({ upstream, log }: RequestParts, call: PreparedCall, outcome: Outcome, requestId: string | null): unknown {
  if (outcome.answer === null) throw outcome.error;
  const { status, text } = outcome.answer;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    log(call, requestId, { status, body: redactBody(text, call.secrets) }, 'upstream answered non-JSON');
    throw unreadableBody(upstream, status);
  }
}

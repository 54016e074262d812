/**
 * Logging and observing a call never change its result: a logger or observer that throws is
 * ignored.
 */
import type { UpstreamName } from '../../model.ts';
import type { PreparedCall } from './prepare.ts';
import type { UpstreamCall, UpstreamLogger, UpstreamObserver } from './types.ts';

/**
 * One line about a failed `call`: upstream, method, path and request id first, then `fields`.
 * A call made for a request is logged at debug: the request's own warning counts its failures
 * by host and status (observability), so a request failing a thousand calls writes one warning,
 * not a thousand. A call outside any request (a shared poll) is a warning of its own.
 */
export type CallLog = (call: PreparedCall, requestId: string | null, fields: Record<string, unknown>, message: string) => void;

export function createCallLog(upstream: UpstreamName, logger: UpstreamLogger | undefined): CallLog {
  return (call, requestId, fields, message) => {
    if (!logger) return;
    try {
      const line = { upstream, method: call.method, path: call.path, ...(requestId ? { reqId: requestId } : {}), ...fields };
      if (requestId) logger.debug?.(line, message);
      else logger.warn(line, message);
    } catch {
      // A broken logger must not turn an answer into a failure.
    }
  };
}

export function report(observer: UpstreamObserver, call: UpstreamCall): void {
  try {
    observer.settled(call);
  } catch {
    // A broken observer must not turn an answer into a failure.
  }
}

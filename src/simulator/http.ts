/** What a host handler sees and answers: plain data, no sockets (serve.ts owns the wire). */
import type { IncomingHttpHeaders } from 'node:http';

export interface SimRequest {
  readonly method: string;
  readonly pathname: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** Parsed JSON, or the raw text when it is not JSON, or undefined when empty. */
  readonly body: unknown;
  readonly rawBody: string;
  /** Simulated time of this request. */
  readonly now: number;
}

export interface SimResponse {
  readonly status: number;
  /** Serialised with JSON.stringify when present. */
  readonly json?: unknown;
  /** Sent verbatim when present (and `json` is absent). Neither: an empty body. */
  readonly text?: string;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Route {
  /** Hit-counter key, e.g. `workflows GET /executions/{id}`. */
  readonly key: string;
  handle(request: SimRequest): SimResponse;
}

export interface HostHandler {
  /** The route for this method and path, or null (counted as `<host> <METHOD> unmatched`). */
  match(method: string, pathname: string): Route | null;
  /** The host's answer to an unmatched route. */
  unmatched(request: SimRequest): SimResponse;
}

export function json(status: number, body: unknown): SimResponse {
  return { status, json: body };
}

export function emptyResponse(status: number): SimResponse {
  return { status };
}

/** First value of a header (names are lower-cased by node). */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Splits `pathname` after `prefix` into segments, or null when it does not start with it. */
export function segmentsAfter(pathname: string, prefix: string): string[] | null {
  if (prefix !== '' && pathname !== prefix && !pathname.startsWith(`${prefix}/`)) return null;
  const rest = pathname.slice(prefix.length);
  return rest
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    });
}

import { queryString } from './query.ts';
import { collectSecrets } from './redact.ts';
import type { HttpRequest } from './types.ts';

/** A request with headers, body and target resolved once, however many attempts it takes. */
export interface PreparedCall {
  readonly method: HttpRequest['method'];
  /** Base path, request path and query. */
  readonly target: string;
  /** Lower-case names; only the headers that have a value. */
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
  readonly idempotent: boolean;
  /** The credentials this call sends, to be kept out of logs and messages. */
  readonly secrets: readonly string[];
  readonly resource: string | undefined;
  /** Path without the query string, and the query string: for logs and the observer. */
  readonly path: string;
  readonly search: string;
}

/** `basePath`: the base URL's path without a trailing slash. */
export function prepareCall(basePath: string, request: HttpRequest): PreparedCall {
  const headers: Record<string, string> = { accept: 'application/json' };
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (value === null || value === undefined) continue;
    const key = name.toLowerCase();
    headers[key] = value;
    collectSecrets(key, value, secrets);
  }
  let body: string | undefined;
  if (request.body !== undefined) {
    body = JSON.stringify(request.body);
    headers['content-type'] = 'application/json';
  }
  const path = `${basePath}${request.path}`;
  const search = queryString(request.query);
  return {
    method: request.method,
    target: `${path}${search}`,
    headers,
    body,
    idempotent: request.idempotent ?? request.method === 'GET',
    secrets,
    resource: request.resource,
    path,
    search,
  };
}

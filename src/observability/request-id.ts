/**
 * Request ids: a caller's `X-Request-ID` is kept when it is short and plain (it ends up in logs,
 * response headers and upstream requests), else a fresh UUID stands in for it.
 */
import { randomUUID } from 'node:crypto';

export const requestIdHeader = 'x-request-id';

/** Letters, digits and `._:-`, 1–128 characters: no spaces, quotes or control characters to forge log lines with. */
const acceptable = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's id when acceptable, else a new UUID. */
export function requestIdFrom(header: string | null): string {
  return header !== null && acceptable.test(header) ? header : randomUUID();
}

/** Timestamp formats of the upstreams. */

/** eachlabs hosts: RFC 3339, UTC, whole seconds (`2025-12-04T11:48:10Z`), as in their examples. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * Polos: chrono's `to_rfc3339()` of a Postgres timestamptz, microseconds and `+00:00`
 * (`2026-02-24T10:00:00.123456+00:00`). The last three digits are derived from the instant so
 * the same fact always prints the same text.
 */
export function rfc3339Micros(ms: number): string {
  const whole = Math.floor(ms);
  const millis = ((whole % 1000) + 1000) % 1000;
  const extra = ((whole % 100000) * 7919) % 1000;
  const base = new Date(whole - millis).toISOString().slice(0, 19);
  return `${base}.${String(millis).padStart(3, '0')}${String(Math.abs(extra)).padStart(3, '0')}+00:00`;
}

/** Strict enough RFC 3339 date-time check for query parameters (`from`, `to`). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
export function parseRfc3339(value: string): number | null {
  if (!RFC3339.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

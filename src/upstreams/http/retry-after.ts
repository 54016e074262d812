/** `Retry-After` as milliseconds from now: delta-seconds or an HTTP-date; null when absent or malformed. */
export function parseRetryAfter(value: string | readonly string[] | undefined, now: number = Date.now()): number | null {
  const raw = (typeof value === 'string' ? value : value?.[0])?.trim();
  if (!raw) return null;
  if (/^\d+$/.test(raw)) return Number(raw) * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

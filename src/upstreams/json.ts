/**
 * Decoding rules shared by every normaliser, decided once here (docs/upstreams.md §5).
 */

/** A JSON object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The bulk shape's `output`/`input` strings are JSON text (legacy page: "parse output as JSON").
 * Parse exactly once: a JSON string literal `"\"hi\""` becomes `"hi"` and stays that, even when
 * it looks like JSON again, so a text step whose answer happens to be JSON-looking text is not
 * silently turned into structure. Text that does not parse is returned verbatim.
 */
export function decodeOnce(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/**
 * The models list's `output` is "primary execution output" text, usually a URL: decode it only
 * when it is a JSON array or object, so `"42"` or `"true"` from a text model stay strings.
 */
export function decodeStructured(value: string): unknown {
  const trimmed = value.trimStart();
  if (!trimmed.startsWith('[') && !trimmed.startsWith('{')) return value;
  const decoded = decodeOnce(value);
  return typeof decoded === 'object' && decoded !== null ? decoded : value;
}

/**
 * `output_json` wins over `output` when it carries something: the spec says it is the full
 * structured output; an empty `{}` is what the legacy host sends when there is none.
 */
export function preferOutputJson(outputJson: unknown, output: string | null | undefined): unknown {
  if (Array.isArray(outputJson) || (isPlainObject(outputJson) && Object.keys(outputJson).length > 0)) {
    return outputJson;
  }
  if (typeof output !== 'string' || output === '') return null;
  return decodeOnce(output);
}

// RFC 3339 date-time: date, `T`/`t`/space, time, optional fraction, `Z` or ±hh:mm offset.
const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/** Never throws: absent, null, empty, non-string or unparsable values are null. */
export function parseTimestamp(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (!rfc3339.test(text)) return null;
  const date = new Date(text.replace(' ', 'T'));
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The `primary` rule the detail shape documents: the first element of a list output. */
export function primaryOf(output: unknown): unknown {
  return Array.isArray(output) ? (output[0] ?? null) : output;
}

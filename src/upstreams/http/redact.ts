/**
 * Logged bodies and error messages never carry a credential: sensitive JSON keys, and the
 * secrets a call sent in its own headers, are replaced before anything is logged.
 */
import { isPlainObject } from '../json.ts';

/** Logged bodies of failed answers are cut here; no one needs more to debug. */
const loggedBodyChars = 2048;
const sensitiveKeys = new Set(['api_key', 'organization_id', 'source_ip_address', 'authorization', 'x-api-key', 'x-project-id']);
const sensitiveHeaders = new Set(['authorization', 'x-api-key', 'x-project-id']);

/**
 * Adds the forms of a header's value that an upstream might echo back (with and without
 * `Bearer `) to `secrets`, when the (lower-case) header carries a credential.
 */
export function collectSecrets(header: string, value: string, secrets: string[]): void {
  if (sensitiveHeaders.has(header)) secrets.push(value, value.replace(/^Bearer\s+/i, ''));
}

function redactValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactValue);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [key, sensitiveKeys.has(key.toLowerCase()) ? '[REDACTED]' : redactValue(child)]),
  );
}

/** For logs only: sensitive keys and the call's own credentials replaced, then truncated. */
export function redactBody(body: string, secrets: readonly string[] = []): string {
  let text: string;
  try {
    text = JSON.stringify(redactValue(JSON.parse(body)));
  } catch {
    // Truncated or non-JSON text: still strip `"api_key": "..."`-like pairs.
    text = body.replace(
      /("(?:api_key|organization_id|source_ip_address|authorization|x-api-key|x-project-id)"\s*:\s*)"(?:[^"\\]|\\.)*"?/gi,
      '$1"[REDACTED]"',
    );
  }
  for (const secret of secrets) {
    if (secret.length >= 4) text = text.split(secret).join('[REDACTED]');
  }
  return text.length > loggedBodyChars ? `${text.slice(0, loggedBodyChars)}…` : text;
}

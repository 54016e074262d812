/**
 * Pieces the hosts' credential schemes share: the digest every cache, coalescer and watcher keys
 * on, and the one scheme of the eachlabs hosts (an API key in one header).
 */
import { createHash } from 'node:crypto';
import { upstreamError } from '../errors.ts';
import type { UpstreamName } from '../model.ts';
import type { CredentialScheme } from './host.ts';

/** A digest of a credential's parts, never the parts: safe as a map key, a lease name or a bus field. */
export function credentialKey(host: string, parts: readonly (string | null)[]): string {
  return createHash('sha256')
    .update(JSON.stringify([host, ...parts]))
    .digest('base64url');
}

/** The caller sent something for this host that cannot be used: its fields answer this, nothing is sent. */
export function refusedCredential(upstream: UpstreamName, why: string) {
  return upstreamError('UNAUTHENTICATED', upstream, `The ${upstream} credential in this request is refused: ${why}`);
}

/**
 * An API key in one request header, sent upstream in one header; the server's from one setting.
 * A caller's key replaces the server's.
 */
export function apiKeyScheme(options: {
  /** Request header a caller sends its own key in. */
  readonly requestHeader: string;
  /** Header the host reads it from. */
  readonly upstreamHeader: string;
  /** The setting of the server-side key. */
  readonly setting: string;
}): CredentialScheme<string> {
  return {
    server: (settings) => settings[options.setting] ?? null,
    // The eachlabs hosts' header is never `Authorization`, so caller authentication does not move it.
    caller: (headers) => headers(options.requestHeader)?.trim() || null,
    headers: (key) => ({ [options.upstreamHeader]: key }),
    parts: (key) => [key],
  };
}

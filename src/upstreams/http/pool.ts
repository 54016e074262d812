/**
 * One undici pool per upstream origin, and the same pool behind the retry interceptor: still one
 * set of connections per origin, but only idempotent calls go through retries.
 */
import { Pool } from 'undici';
import type { Dispatcher } from 'undici';
import type { UpstreamConfig } from '../../config.ts';

export interface Dispatchers {
  /** Sends once: for calls that must never be repeated. */
  readonly pool: Pool;
  /** The same pool, retrying idempotent calls. */
  readonly retrying: Dispatcher;
}

export function createDispatchers(
  origin: string,
  config: UpstreamConfig,
  maxBodyBytes: number,
  retry: Dispatcher.DispatcherComposeInterceptor,
): Dispatchers {
  const pool = new Pool(origin, {
    connections: config.connections,
    connectTimeout: config.connectTimeoutMs,
    headersTimeout: config.headersTimeoutMs,
    bodyTimeout: config.bodyTimeoutMs,
    maxResponseSize: maxBodyBytes,
  });
  return { pool, retrying: pool.compose(retry) };
}

/**
 * One circuit breaker per upstream host (opossum): after sustained health failures it fails fast
 * with UPSTREAM_UNAVAILABLE instead of queueing more calls onto a host that is down, then lets one
 * probe through after the cool-down.
 */
import CircuitBreaker from 'opossum';
import type { BreakerConfig } from '../../config.ts';
import { errorCodeOf, isContractError, upstreamError } from '../../errors.ts';
import type { UpstreamName } from '../../model.ts';
import type { UpstreamLogger } from './types.ts';

export type BreakerState = 'closed' | 'open' | 'half-open' | 'not-configured';

export interface Breaker {
  /** Runs one upstream call under the breaker; rejects at once while it is open. */
  fire<T>(call: () => Promise<T>): Promise<T>;
  state(): BreakerState;
  /** Clears opossum's timers so nothing keeps the process alive. */
  shutdown(): void;
}

/**
 * Only answers that say the host is unwell count. A 4xx (not found, bad input, refused
 * credentials, rate limiting), an unreadable 2xx body or a caller that gave up says nothing about
 * the host's health.
 */
export function isHealthFailure(error: unknown): boolean {
  const code = errorCodeOf(error);
  if (code === 'UPSTREAM_TIMEOUT' || code === 'UPSTREAM_UNAVAILABLE') return true;
  if (code === 'UPSTREAM_ERROR' && isContractError(error)) {
    const status = error.extensions['status'];
    return typeof status === 'number' && status >= 500;
  }
  return false;
}

/**
 * `logger` hears each change of state: an open circuit is a warning and a metric
 * (`gateway_upstream_breaker_state`), not a reason to call this process unready, since it still
 * serves every other host and fails this one's fields fast.
 */
export function createBreaker(upstream: UpstreamName, config: BreakerConfig, logger?: UpstreamLogger): Breaker {
  if (!config.enabled) {
    return { fire: (call) => call(), state: () => 'closed', shutdown: () => {} };
  }
  const breaker = new CircuitBreaker<[() => Promise<unknown>], unknown>((call) => call(), {
    name: upstream,
    // The requester has its own deadline; a second timer here would only race it.
    timeout: false,
    errorThresholdPercentage: config.errorThresholdPercentage,
    volumeThreshold: config.volumeThreshold,
    rollingCountTimeout: config.rollingWindowMs,
    resetTimeout: config.resetTimeoutMs,
    enableSnapshots: false,
    errorFilter: (error: unknown) => !isHealthFailure(error),
  });
  const said = (level: 'warn' | 'info', message: string) => () => {
    try {
      logger?.[level]?.({ upstream, resetMs: config.resetTimeoutMs }, message);
    } catch {
      // A broken logger must not break the breaker.
    }
  };
  breaker.on('open', said('warn', 'upstream circuit open: its fields fail fast'));
  breaker.on('halfOpen', said('info', 'upstream circuit half-open: one probe goes through'));
  breaker.on('close', said('info', 'upstream circuit closed'));
  return {
    async fire<T>(call: () => Promise<T>): Promise<T> {
      try {
        return (await breaker.fire(call)) as T;
      } catch (error) {
        if ((error as { code?: unknown } | null)?.code === 'EOPENBREAKER') {
          throw upstreamError('UPSTREAM_UNAVAILABLE', upstream, `The ${upstream} upstream is unavailable (circuit open)`);
        }
        throw error;
      }
    },
    state: () => (breaker.halfOpen ? 'half-open' : breaker.opened ? 'open' : 'closed'),
    shutdown: () => breaker.shutdown(),
  };
}

/**
 * One circuit breaker per upstream host (opossum): after sustained health failures it fails fast
 * with UPSTREAM_UNAVAILABLE instead of queueing more calls onto a host that is down, then lets one
 * probe through after the cool-down.
 */
import CircuitBreaker from 'opossum';
import type { BreakerConfig } from '../../config.ts';
import { errorCodeOf, isContractError, upstreamError } from '../../errors.ts';
import type { UpstreamName } from '../../model.ts';

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

export function createBreaker(upstream: UpstreamName, config: BreakerConfig): Breaker {
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

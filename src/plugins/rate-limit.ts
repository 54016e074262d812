/**
 * Per-caller rate limit (rate-limiter-flexible): each GraphQL operation costs one point of the
 * caller's budget for the window, counted after the request is parsed and its token verified, and
 * before any upstream call. Past the budget the whole HTTP request is answered 429 with Retry-After.
 * In memory, or shared by the replicas through Redis when `REDIS_URL` is set.
 */
import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';
import type { Plugin } from 'graphql-yoga';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { AuthConfig, RateLimitConfig } from '../config.ts';
import { callerRateLimited } from '../errors.ts';
import type { Upstreams } from '../upstreams/index.ts';
import { type AuthContext, requestAuth } from './auth.ts';

/** Who a request's caller is: a key of bounded length that never holds a credential. */
/**
 * Who a caller is, for every per-caller limit (this rate limit, open subscriptions, WebSockets,
 * single-connection event streams): `serverContext` is yoga's (its `jwt`, Node's `req`).
 */
export type CallerKeyOf = (request: { readonly headers: Headers }, serverContext: object) => string;

export interface RateLimit {
  readonly plugin: Plugin;
  close(): Promise<void>;
}

/** A digest with a kind, so a subject never collides with an address or a credential digest. */
export function callerKey(kind: 'sub' | 'key' | 'ip', value: string): string {
  return `${kind}:${createHash('sha256').update(value).digest('base64url')}`;
}

/**
 * The caller is its token's subject; else the upstream credentials it brings (their digest);
 * else its address.
 */
export function callerKeyOf(auth: AuthConfig, upstreams: Upstreams): CallerKeyOf {
  return (request, serverContext) => {
    const subject = (serverContext as AuthContext).jwt?.payload.sub;
    if (subject) return callerKey('sub', subject);
    const own = upstreams.callerKey((name) => request.headers.get(name), requestAuth(auth, serverContext));
    return own !== null ? callerKey('key', own) : callerKey('ip', clientAddress(serverContext));
  };
}

/**
 * The client's address as the socket saw it (a proxy in front makes every caller the proxy).
 * An IPv6 client is its /64: one host usually holds the whole prefix and could rotate through it.
 */
export function clientAddress(serverContext: object): string {
  const socket = (serverContext as { req?: { socket?: { remoteAddress?: string } } }).req?.socket;
  const address = (socket?.remoteAddress ?? 'unknown').replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped !== undefined) return mapped;
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.split('::');
  const front = head ? head.split(':') : [];
  const back = address.includes('::') && tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...front, ...Array<string>(8 - front.length - back.length).fill('0'), ...back] : front;
  return `${groups
    .slice(0, 4)
    .map((group) => group.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** null when `RATE_LIMIT_REQUESTS=0`. */
export function createRateLimit(
  config: RateLimitConfig,
  keyOf: CallerKeyOf,
  redisUrl: string | null,
  onError?: (error: Error) => void,
): RateLimit | null {
  if (config.requests === 0) return null;
  const options = { points: config.requests, duration: config.windowMs / 1000, keyPrefix: 'execution-gateway:rate' };
  const memory = new RateLimiterMemory(options);
  // Without the offline queue a Redis outage fails at once, and the in-memory limiter takes over.
  const redis = redisUrl === null ? null : new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  redis?.on('error', (error: Error) => onError?.(error));
  const limiter = redis === null ? memory : new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: memory });

  const plugin: Plugin = {
    onRequestParse({ request, serverContext }) {
      const key = keyOf(request, serverContext);
      return {
        async onRequestParseDone({ requestParserResult }) {
          const operations = Array.isArray(requestParserResult) ? requestParserResult.length : 1;
          try {
            await limiter.consume(key, Math.max(1, operations));
          } catch (error) {
            if (error instanceof RateLimiterRes) throw callerRateLimited(Math.max(1, Math.ceil(error.msBeforeNext / 1000)));
            throw error;
          }
        },
      };
    },
  };
  return {
    plugin,
    close: async () => {
      await redis?.quit().catch(() => redis.disconnect());
    },
  };
}

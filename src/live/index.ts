/**
 * Live executions for one gateway instance: shared watchers (watch.ts) over a bus and a
 * coordination that are in memory, or in Redis with `REDIS_URL` so that a webhook received by
 * one replica reaches subscribers on all of them and only one replica polls a given execution;
 * the webhook intake (webhooks.ts); the webhook URL the gateway gives the upstream on trigger.
 */
import { type Plugin, useExtendContext } from 'graphql-yoga';
import type { LiveConfig } from '../config.ts';
import { type Admission, createAdmission } from './admission.ts';
import { type Bus, type Coordination, createMemoryBus, createMemoryCoordination } from './bus.ts';
import { createRedisLive } from './redis.ts';
import { createWatches, type WatchLogger, type Watches } from './watch.ts';
import { useWebhooks, webhookPaths } from './webhooks.ts';

export { type ExecutionRef, type ReaderSession, bulkReader, bulkSource, executionReader, executionSource } from './sources.ts';
export type { Reader, Source } from './watch.ts';
export { webhookPaths } from './webhooks.ts';
export { registerLiveMetrics } from './metrics.ts';

/** Whether replicas share the work right now. */
export interface LiveHealth {
  readonly transport: 'memory' | 'redis';
  /** Redis is unreachable: every replica polls what it watches, webhooks reach its own subscribers only. */
  readonly degraded: boolean;
}

export interface Live {
  readonly watches: Watches;
  /**
   * `PUBLIC_URL` + `/webhooks/workflows` (with `?secret=` when `WEBHOOK_SECRET` is set: the
   * workflows host sends no header), passed as `webhook_url` on trigger; null without `PUBLIC_URL`.
   */
  readonly workflowWebhookUrl: string | null;
  /** `redis` when replicas share the bus, else `memory`. */
  readonly transport: 'memory' | 'redis';
  /** Open subscriptions, in all and per caller (`MAX_SUBSCRIPTIONS`, `MAX_SUBSCRIPTIONS_PER_CALLER`). */
  readonly admission: Admission;
  health(): LiveHealth;
  /** The webhook routes and `context.live`. */
  readonly plugins: readonly Plugin[];
  /** Stops every watcher, then closes the Redis connections. */
  close(): Promise<void>;
}

export function createLive(config: LiveConfig, logger?: WatchLogger): Live {
  let bus: Bus;
  let coordination: Coordination;
  if (config.redisUrl) {
    const redis = createRedisLive({
      url: config.redisUrl,
      onError: (error) => logger?.warn({ err: error.message }, 'redis error'),
      onSharing: (shared) =>
        logger?.warn(
          { redis: shared ? 'back' : 'unavailable' },
          shared
            ? 'live: Redis is back, replicas share polls and events again'
            : 'live: Redis unavailable, each replica polls what it watches',
        ),
    });
    ({ bus, coordination } = redis);
  } else {
    bus = createMemoryBus();
    coordination = createMemoryCoordination();
  }
  const watches = createWatches({
    bus,
    coordination,
    settings: { minMs: config.pollMinMs, maxMs: config.pollMaxMs, leaseMs: config.leaseMs },
    logger,
  });
  const workflowWebhookUrl = config.publicUrl
    ? `${config.publicUrl}${webhookPaths.workflows}${config.webhookSecret ? `?secret=${encodeURIComponent(config.webhookSecret)}` : ''}`
    : null;
  let closing: Promise<void> | null = null;
  const live: Live = {
    watches,
    workflowWebhookUrl,
    transport: config.redisUrl ? 'redis' : 'memory',
    admission: createAdmission({ max: config.maxSubscriptions, perCaller: config.maxSubscriptionsPerCaller }),
    health: () => ({ transport: live.transport, degraded: !coordination.shared() }),
    plugins: [
      useWebhooks({ bus, coordination, secret: config.webhookSecret, maxBytes: config.webhookMaxBytes, logger }),
      // Typed for the context it adds; yoga's plugin list is typed for the initial context.
      useExtendContext(() => ({ live })) as Plugin,
    ],
    close: () => {
      closing ??= (async () => {
        await watches.close();
        await Promise.all([bus.close(), coordination.close()]);
      })();
      return closing;
    },
  };
  return live;
}

/**
 * The bus and the coordination over Redis (`REDIS_URL`), for many gateway replicas: topics are
 * Redis pub/sub channels, webhook dedup is `SET NX PX`, and the right to poll an execution with
 * one credential is a lease (a key holding this replica's id, with an expiry the holder renews on
 * every poll, so a replica that dies loses it within one lease time).
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { type Bus, type Coordination, type LiveMessage, liveJson } from './bus.ts';

export interface RedisLiveOptions {
  readonly url: string;
  /** Prefix of every key and channel. @default 'execution-gateway:' */
  readonly prefix?: string;
  readonly onError?: (error: Error) => void;
}

export interface RedisLive {
  readonly bus: Bus;
  readonly coordination: Coordination;
}

// Takes the lease when free, renews it when already ours.
const leaseScript = `
if redis.call('get', KEYS[1]) == ARGV[1] then
  redis.call('pexpire', KEYS[1], ARGV[2])
  return 1
end
if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0`;

const releaseScript = `
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0`;

async function quit(client: Redis): Promise<void> {
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}

export function createRedisLive(options: RedisLiveOptions): RedisLive {
  const prefix = options.prefix ?? 'execution-gateway:';
  const onError = options.onError ?? (() => undefined);
  // A subscribed connection can do nothing else: one for commands, one for messages.
  const commands = new Redis(options.url, { maxRetriesPerRequest: 2 });
  const messages = new Redis(options.url, { maxRetriesPerRequest: 2 });
  commands.on('error', onError);
  messages.on('error', onError);
  const owner = randomUUID();
  /** Per channel: its handlers, and the one SUBSCRIBE every subscriber to it waits on. */
  const channels = new Map<string, { readonly handlers: Set<(message: LiveMessage) => void>; readonly subscribed: Promise<unknown> }>();

  messages.on('message', (channel: string, text: string) => {
    const set = channels.get(channel)?.handlers;
    if (!set) return;
    let message: LiveMessage;
    try {
      message = liveJson.parse(text) as LiveMessage;
    } catch (error) {
      onError(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    for (const handler of [...set]) handler(message);
  });

  const bus: Bus = {
    publish: async (topic, message) => {
      await commands.publish(prefix + topic, liveJson.stringify(message));
    },
    subscribe: async (topic, handler) => {
      const channel = prefix + topic;
      let entry = channels.get(channel);
      if (!entry) {
        const created = { handlers: new Set<(message: LiveMessage) => void>(), subscribed: messages.subscribe(channel) };
        channels.set(channel, created);
        // A failed SUBSCRIBE must not leave a channel that later subscribers take as subscribed.
        created.subscribed.catch(() => {
          if (channels.get(channel) === created && created.handlers.size === 0) channels.delete(channel);
        });
        entry = created;
      }
      await entry.subscribed;
      // The channel's last subscriber left (and unsubscribed) while this one waited: subscribe afresh.
      if (channels.get(channel) !== entry) return bus.subscribe(topic, handler);
      entry.handlers.add(handler);
      const own = entry;
      return async () => {
        own.handlers.delete(handler);
        if (own.handlers.size === 0 && channels.get(channel) === own) {
          channels.delete(channel);
          await messages.unsubscribe(channel).catch(onError);
        }
      };
    },
    close: async () => {
      channels.clear();
      await quit(messages);
    },
  };

  const coordination: Coordination = {
    firstSeen: async (key, ttlMs) => (await commands.set(`${prefix}seen:${key}`, '1', 'PX', ttlMs, 'NX')) === 'OK',
    forget: async (key) => {
      await commands.del(`${prefix}seen:${key}`);
    },
    lease: async (name, ttlMs) => (await commands.eval(leaseScript, 1, `${prefix}lease:${name}`, owner, ttlMs)) === 1,
    release: async (name) => {
      await commands.eval(releaseScript, 1, `${prefix}lease:${name}`, owner);
    },
    close: () => quit(commands),
  };

  return { bus, coordination };
}

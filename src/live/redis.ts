/**
 * The bus and the coordination over Redis (`REDIS_URL`), for many gateway replicas: topics are
 * Redis pub/sub channels, webhook dedup is `SET NX PX`, and the right to poll an execution with
 * one credential is a lease (a key holding this replica's id, with an expiry the holder renews on
 * every poll, so a replica that dies loses it within one lease time).
 *
 * Redis going away must not stall anyone: no command waits for a connection (nothing is queued
 * offline), so while either connection is down `shared()` is false, leases and dedup fail at once,
 * and a publish reaches this replica's own subscribers. Watchers then poll on their own until
 * Redis is back; the channels are subscribed again on every reconnect.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { type Bus, type Coordination, type LiveMessage, liveJson, type Reach, type Unsubscribe } from './bus.ts';

export interface RedisLiveOptions {
  readonly url: string;
  /** Prefix of every key and channel. @default 'execution-gateway:' */
  readonly prefix?: string;
  /** How long one command may take before it fails (a hung Redis counts as a lost one). @default 2000 */
  readonly commandTimeoutMs?: number;
  readonly onError?: (error: Error) => void;
  /** Replicas stopped (false) or started again (true) sharing work through Redis. */
  readonly onSharing?: (shared: boolean) => void;
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

const asError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));
const ready = (client: Redis) => client.status === 'ready';

type Handler = (message: LiveMessage) => void;

type Channels = Map<string, { readonly handlers: Set<Handler>; readonly subscribed: Promise<unknown> }>;

/** The two connections the bus and the coordination share, and what they keep. */
interface Link {
  readonly prefix: string;
  readonly onError: (error: Error) => void;
  /** Commands: publish, dedup, leases. */
  readonly commands: Redis;
  /** A subscribed connection can do nothing else: this one only receives messages. */
  readonly messages: Redis;
  /** Per channel: its handlers, and the one SUBSCRIBE every subscriber to it waits on. */
  readonly channels: Channels;
}

function connect(options: RedisLiveOptions): Link {
  const onError = options.onError ?? (() => undefined);
  const connection = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 2000,
    // Channels are subscribed again from `channels`, the only record of them.
    autoResubscribe: false,
  };
  // A subscribed connection can do nothing else: one for commands, one for messages.
  const commands = new Redis(options.url, connection);
  const messages = new Redis(options.url, connection);
  commands.on('error', onError);
  messages.on('error', onError);
  return { prefix: options.prefix ?? 'execution-gateway:', onError, commands, messages, channels: new Map() };
}

/** Tells `onSharing` when replicas stop or start again sharing work (not on the first connection). */
function watchSharing({ commands, messages }: Link, shared: () => boolean, onSharing: RedisLiveOptions['onSharing']): void {
  let sharing = false;
  let everShared = false;
  const sharingChanged = () => {
    const now = shared();
    if (now === sharing) return;
    sharing = now;
    if (now && !everShared) {
      everShared = true;
      return;
    }
    onSharing?.(now);
  };
  for (const client of [commands, messages]) {
    client.on('ready', sharingChanged);
    client.on('close', sharingChanged);
  }
}

/** Subscribes every recorded channel again on each reconnect, and hands each message to its channel's handlers. */
function receive({ messages, channels, onError }: Link): void {
  messages.on('ready', () => {
    const all = [...channels.keys()];
    if (all.length > 0) messages.subscribe(...all).catch((error: unknown) => onError(asError(error)));
  });
  messages.on('message', (channel: string, text: string) => {
    const set = channels.get(channel)?.handlers;
    if (!set) return;
    let message: LiveMessage;
    try {
      message = liveJson.parse(text) as LiveMessage;
    } catch (error) {
      onError(asError(error));
      return;
    }
    for (const handler of [...set]) handler(message);
  });
}

/** What Redis would have brought back to this replica's subscribers, brought without it. */
function deliverHere(channels: Channels, channel: string, message: LiveMessage): void {
  for (const handler of [...(channels.get(channel)?.handlers ?? [])]) queueMicrotask(() => handler(message));
}

async function publish(link: Link, topic: string, message: LiveMessage): Promise<Reach> {
  const { commands, messages, channels, onError } = link;
  const channel = link.prefix + topic;
  if (ready(commands)) {
    try {
      await commands.publish(channel, liveJson.stringify(message));
      // Our own subscriber connection is down: Redis cannot bring it back to us.
      if (!ready(messages)) deliverHere(channels, channel, message);
      return 'all';
    } catch (error) {
      onError(asError(error));
    }
  }
  deliverHere(channels, channel, message);
  return 'local';
}

async function subscribe(link: Link, topic: string, handler: Handler): Promise<Unsubscribe> {
  const { messages, channels, onError } = link;
  const channel = link.prefix + topic;
  let entry = channels.get(channel);
  if (!entry) {
    // While disconnected the channel is only recorded: the reconnect subscribes it.
    const subscribed = ready(messages) ? messages.subscribe(channel) : Promise.resolve();
    const created = { handlers: new Set<Handler>(), subscribed };
    channels.set(channel, created);
    // A failed SUBSCRIBE must not leave a channel that later subscribers take as subscribed.
    created.subscribed.catch(() => {
      if (channels.get(channel) === created && created.handlers.size === 0) channels.delete(channel);
    });
    entry = created;
  }
  await entry.subscribed;
  // The channel's last subscriber left (and unsubscribed) while this one waited: subscribe afresh.
  if (channels.get(channel) !== entry) return subscribe(link, topic, handler);
  entry.handlers.add(handler);
  const own = entry;
  return async () => {
    own.handlers.delete(handler);
    if (own.handlers.size === 0 && channels.get(channel) === own) {
      channels.delete(channel);
      if (ready(messages)) await messages.unsubscribe(channel).catch((error: unknown) => onError(asError(error)));
    }
  };
}

function createCoordination({ prefix, commands }: Link, shared: () => boolean): Coordination {
  const owner = randomUUID();
  /** Runs a command now, or fails at once: nothing waits for Redis to come back. */
  const now = <T>(run: () => Promise<T>): Promise<T> => (ready(commands) ? run() : Promise.reject(new Error('Redis is unavailable')));
  return {
    firstSeen: (key, ttlMs) => now(async () => (await commands.set(`${prefix}seen:${key}`, '1', 'PX', ttlMs, 'NX')) === 'OK'),
    forget: (key) => now(async () => void (await commands.del(`${prefix}seen:${key}`))),
    lease: (name, ttlMs) => now(async () => (await commands.eval(leaseScript, 1, `${prefix}lease:${name}`, owner, ttlMs)) === 1),
    // Unreachable: the lease expires by itself.
    release: async (name) => {
      if (ready(commands)) await commands.eval(releaseScript, 1, `${prefix}lease:${name}`, owner);
    },
    shared,
    close: () => quit(commands),
  };
}

export function createRedisLive(options: RedisLiveOptions): RedisLive {
  const link = connect(options);
  const shared = () => ready(link.commands) && ready(link.messages);
  watchSharing(link, shared, options.onSharing);
  receive(link);
  const bus: Bus = {
    publish: (topic, message) => publish(link, topic, message),
    subscribe: (topic, handler) => subscribe(link, topic, handler),
    close: async () => {
      link.channels.clear();
      await quit(link.messages);
    },
  };
  return { bus, coordination: createCoordination(link, shared) };
}

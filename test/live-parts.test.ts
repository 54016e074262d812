/**
 * The live watchers' small parts on their own: the poll pacing (pure), a subscriber's channel,
 * and the poll loop's choices (lease or not, prompts).
 */
import { describe, expect, it } from 'vitest';
import { type Coordination, createMemoryCoordination } from '../src/live/bus.ts';
import { backlog, createChannel } from '../src/live/channel.ts';
import { nextInterval, type PollSettings, spread } from '../src/live/pacing.ts';
import { createPollLoop } from '../src/live/poller.ts';

describe('nextInterval', () => {
  const settings = { minMs: 20, maxMs: 150 };

  it('grows ×1.5 per unchanged poll up to the cap, and is back to the minimum after a change', () => {
    const intervals = [20];
    for (let i = 0; i < 6; i++) intervals.push(nextInterval(intervals.at(-1)!, 'unchanged', settings));
    expect(intervals).toEqual([20, 30, 45, 67.5, 101.25, 150, 150]);
    expect(nextInterval(150, 'changed', settings)).toBe(20);
  });

  it('doubles after a failure, capped, and takes its own factor', () => {
    expect(nextInterval(20, 'failed', settings)).toBe(40);
    expect(nextInterval(100, 'failed', settings)).toBe(150);
    expect(nextInterval(20, 'unchanged', { ...settings, factor: 3 })).toBe(60);
  });
});

describe('spread', () => {
  it('moves an interval by at most ± its jitter share', () => {
    expect(spread(100, 0.1, () => 0)).toBe(90);
    expect(spread(100, 0.1, () => 0.5)).toBe(100);
    expect(spread(100, 0.1, () => 0.999999)).toBe(110);
    expect(spread(100, 0, () => 0.3)).toBe(100);
    for (let i = 0; i < 100; i++) expect(Math.abs(spread(1000) - 1000)).toBeLessThanOrEqual(100);
  });
});

describe('a subscriber’s channel', () => {
  it('gives what was pushed before and after the first read, in order, then ends once drained', async () => {
    let left = 0;
    const channel = createChannel<number>(() => left++);
    channel.push(1);
    channel.push(2);
    expect(await channel.events.next()).toEqual({ value: 1, done: false });
    const waiting = channel.events.next();
    channel.push(3);
    channel.push(4);
    channel.end();
    channel.push(5);
    expect(await waiting).toEqual({ value: 2, done: false });
    expect(await channel.events.next()).toEqual({ value: 3, done: false });
    expect(await channel.events.next()).toEqual({ value: 4, done: false });
    expect(await channel.events.next()).toEqual({ value: undefined, done: true });
    expect(left).toBe(1);
  });

  it('ended with an error: what was pushed first, then the error', async () => {
    const channel = createChannel<string>(() => undefined);
    const refused = new Error('refused');
    channel.push('a');
    channel.end(refused);
    expect(await channel.events.next()).toEqual({ value: 'a', done: false });
    await expect(channel.events.next()).rejects.toBe(refused);
    expect(await channel.events.next()).toEqual({ value: undefined, done: true });
  });

  it('the consumer leaving, before or after its first read, runs onLeave once and ends a pending read', async () => {
    let early = 0;
    const unread = createChannel<number>(() => early++);
    unread.push(1);
    expect(await unread.events.return!()).toEqual({ value: undefined, done: true });
    expect(early).toBe(1);
    let late = 0;
    const read = createChannel<number>(() => late++);
    read.push(1);
    await read.events.next();
    const pending = read.events.next();
    await read.events.return!();
    expect(await pending).toEqual({ value: undefined, done: true });
    read.push(2);
    read.end();
    expect(late).toBe(1);
  });

  it('a consumer that falls behind loses the oldest states, never the newest', async () => {
    const channel = createChannel<number>(() => undefined);
    channel.push(0);
    const first = await channel.events.next();
    for (let i = 1; i <= backlog + 10; i++) channel.push(i);
    channel.end();
    const rest: number[] = [];
    for await (const value of channel.events) rest.push(value);
    expect(first.value).toBe(0);
    expect(rest).toHaveLength(backlog);
    expect(rest.at(-1)).toBe(backlog + 10);
    expect(rest[0]).toBe(11);
  });
});

describe('the poll loop', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  /** A loop over `coordination` whose polls are counted. */
  function counting(coordination: Coordination, settings: PollSettings) {
    let polls = 0;
    const loop = createPollLoop({
      name: 'thing:key',
      coordination,
      settings,
      poll: async () => {
        polls++;
        return 'unchanged';
      },
      warn: () => undefined,
    });
    return { loop, polls: () => polls };
  }

  it('polls on its own when a lease cannot be asked for (a hung or refusing Redis), and defers to the holder otherwise', async () => {
    const settings = { minMs: 20, maxMs: 40, leaseMs: 1000 };
    const failing = counting({ ...createMemoryCoordination(), lease: () => Promise.reject(new Error('Command timed out')) }, settings);
    const held = counting({ ...createMemoryCoordination(), lease: async () => false }, settings);
    failing.loop.start();
    held.loop.start();
    await sleep(300);
    expect(failing.polls()).toBeGreaterThan(3);
    expect(failing.loop.polling()).toBe(true);
    expect(held.polls()).toBe(0);
    expect(held.loop.polling()).toBe(false);
    await Promise.all([failing.loop.stop(), held.loop.stop()]);
  });

  it('turns a burst of prompts into one read per prompt gap', async () => {
    const { loop, polls } = counting(createMemoryCoordination(), {
      minMs: 3_600_000,
      maxMs: 3_600_000,
      leaseMs: 7_200_000,
      promptGapMs: 100,
    });
    loop.start();
    const started = Date.now();
    while (Date.now() - started < 450) {
      for (let i = 0; i < 50; i++) loop.poke();
      await sleep(5);
    }
    await sleep(120);
    // ~450 ms of prompts at a 100 ms gap: 5 reads (the first at once), never one per prompt.
    expect(polls()).toBeGreaterThanOrEqual(4);
    expect(polls()).toBeLessThanOrEqual(6);
    await loop.stop();
  });
});

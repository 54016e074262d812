/**
 * Each part of the upstream HTTP layer (src/upstreams/http/) on its own: the pure ones without
 * any network, the ones that send over real loopback HTTP to a bare node:http server.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { GraphQLError } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { UpstreamConfig } from '../src/config.ts';
import { upstreamError } from '../src/errors.ts';
import * as http from '../src/upstreams/http.ts';
import { readCapped } from '../src/upstreams/http/body.ts';
import type { Breaker } from '../src/upstreams/http/breaker.ts';
import { createBreaker, isHealthFailure } from '../src/upstreams/http/breaker.ts';
import type { Outcome } from '../src/upstreams/http/call.ts';
import { createAttempt } from '../src/upstreams/http/call.ts';
import { coalesceKey, createCoalescer } from '../src/upstreams/http/coalesce.ts';
import type { CallState } from '../src/upstreams/http/deadline.ts';
import { createDeadlines } from '../src/upstreams/http/deadline.ts';
import { createGate } from '../src/upstreams/http/gate.ts';
import { errorForStatus, errorForTransport, oversizedBody, safeUpstreamMessage } from '../src/upstreams/http/errors.ts';
import { createCallLog, report } from '../src/upstreams/http/observe.ts';
import { createDispatchers } from '../src/upstreams/http/pool.ts';
import { prepareCall } from '../src/upstreams/http/prepare.ts';
import { queryString } from '../src/upstreams/http/query.ts';
import { collectSecrets, redactBody } from '../src/upstreams/http/redact.ts';
import { createJson } from '../src/upstreams/http/request.ts';
import type { Failure, RetryPolicy } from '../src/upstreams/http/retry.ts';
import { retryDelay, retryInterceptor } from '../src/upstreams/http/retry.ts';
import { parseRetryAfter } from '../src/upstreams/http/retry-after.ts';
import { segment } from '../src/upstreams/http/segment.ts';
import type { UpstreamCall } from '../src/upstreams/http/types.ts';

function thrown(fn: () => unknown): GraphQLError {
  try {
    fn();
  } catch (error) {
    return error as GraphQLError;
  }
  throw new Error('expected a throw');
}

const newState = (): CallState => ({ until: 0, attempts: 1, status: null, deadline: null });

describe('http.ts exports', () => {
  it('keeps exactly the runtime names its importers use', () => {
    expect(Object.keys(http).sort()).toEqual([
      'createHttp',
      'errorForStatus',
      'errorForTransport',
      'parseRetryAfter',
      'redactBody',
      'segment',
    ]);
  });

  it('a host without a base URL fails NOT_CONFIGURED without a network', async () => {
    const requester = http.createHttp({ ...upstreamConfig('http://unused.invalid'), baseUrl: null, variable: 'MODELS_API_URL' });
    await expect(requester.json({ method: 'GET', path: '/x' })).rejects.toMatchObject({
      message: 'The models upstream is not configured: set MODELS_API_URL',
      extensions: { code: 'NOT_CONFIGURED', upstream: 'models' },
    });
    expect(requester.health()).toBe('not-configured');
    await requester.close();
  });
});

describe('retry policy (retryDelay)', () => {
  const policy: RetryPolicy = { maxRetries: 2, minDelayMs: 100, maxDelayMs: 1000, retryAfterCapMs: 2000 };
  const now = 1_000_000;
  const decide = (failure: Failure, counter = 1, until?: number, random = 0) =>
    retryDelay(policy, failure, counter, until, now, () => random);

  it('retries 429/502/503/504 and connection errors, nothing else', () => {
    for (const statusCode of [429, 502, 503, 504]) expect(decide({ statusCode })).toBe(50);
    for (const statusCode of [400, 401, 404, 500, 501]) expect(decide({ statusCode })).toBeNull();
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'ENOTFOUND', 'EPIPE', 'UND_ERR_SOCKET']) expect(decide({ code })).toBe(50);
    // A timeout already spent the budget a retry would need.
    for (const code of ['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_ABORTED', 'ETIMEDOUT']) expect(decide({ code })).toBeNull();
    expect(decide({})).toBeNull();
  });

  it('gives up after maxRetries (counter 1 is the first failure)', () => {
    expect(decide({ statusCode: 503 }, 2)).not.toBeNull();
    expect(decide({ statusCode: 503 }, 3)).toBeNull();
    expect(retryDelay({ ...policy, maxRetries: 0 }, { statusCode: 503 }, 1, undefined, now)).toBeNull();
  });

  it('backs off exponentially with jitter in [half, whole) of the step, up to maxDelayMs', () => {
    expect(decide({ statusCode: 503 }, 1, undefined, 0)).toBe(50);
    expect(decide({ statusCode: 503 }, 1, undefined, 0.5)).toBe(75);
    expect(decide({ statusCode: 503 }, 2, undefined, 0)).toBe(100);
    expect(decide({ statusCode: 503 }, 2, undefined, 0.999)).toBeCloseTo(199.9);
    const capped = { ...policy, maxRetries: 9 };
    expect(retryDelay(capped, { statusCode: 503 }, 5, undefined, now, () => 0)).toBe(500);
    expect(retryDelay(capped, { statusCode: 503 }, 9, undefined, now, () => 1)).toBe(1000);
  });

  it('waits exactly a Retry-After up to the cap, and surfaces a longer one at once', () => {
    expect(decide({ statusCode: 429, headers: { 'retry-after': '1' } }, 1, undefined, 0.9)).toBe(1000);
    expect(decide({ statusCode: 503, headers: { 'retry-after': '2' } })).toBe(2000);
    expect(decide({ statusCode: 429, headers: { 'retry-after': '3' } })).toBeNull();
    expect(decide({ statusCode: 429, headers: { 'retry-after': new Date(now + 1000).toUTCString() } })).toBe(1000);
    expect(decide({ statusCode: 429, headers: { 'retry-after': new Date(now + 60_000).toUTCString() } })).toBeNull();
    // Malformed: the ordinary backoff.
    expect(decide({ statusCode: 429, headers: { 'retry-after': 'soon' } })).toBe(50);
    // The header does not make a 500 retryable.
    expect(decide({ statusCode: 500, headers: { 'retry-after': '1' } })).toBeNull();
  });

  it('never waits past the call deadline', () => {
    expect(decide({ statusCode: 429, headers: { 'retry-after': '1' } }, 1, now + 999)).toBeNull();
    expect(decide({ statusCode: 429, headers: { 'retry-after': '1' } }, 1, now + 1000)).toBeNull();
    expect(decide({ statusCode: 429, headers: { 'retry-after': '1' } }, 1, now + 1001)).toBe(1000);
    expect(decide({ statusCode: 503 }, 1, now + 40)).toBeNull();
    expect(decide({ statusCode: 503 }, 1, now + 51)).toBe(50);
  });
});

describe('Retry-After', () => {
  it('reads delta-seconds and HTTP-dates, the first of repeated headers', () => {
    expect(parseRetryAfter(' 5 ')).toBe(5000);
    expect(parseRetryAfter(['2', '9'])).toBe(2000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 20_000)).toBe(0);
    expect(parseRetryAfter('')).toBeNull();
    expect(parseRetryAfter([])).toBeNull();
  });
});

describe('deadlines', () => {
  it('aborts the call at its budget, and finds the call through its signal', async () => {
    const deadlines = createDeadlines(40);
    const state = newState();
    const before = Date.now();
    const signal = deadlines.start(state, undefined);
    expect(state.until).toBeGreaterThanOrEqual(before + 40);
    expect(state.until).toBeLessThanOrEqual(Date.now() + 40);
    expect(state.deadline).toBe(signal);
    expect(deadlines.find(signal)).toBe(state);
    expect(deadlines.find(new AbortController().signal)).toBeUndefined();
    expect(deadlines.find(undefined)).toBeUndefined();
    expect(signal.aborted).toBe(false);
    await new Promise((resolve) => signal.addEventListener('abort', resolve));
    expect((signal.reason as Error).name).toBe('TimeoutError');
  });

  it("the caller's abort stops the call without expiring the deadline", () => {
    const deadlines = createDeadlines(10_000);
    const state = newState();
    const caller = new AbortController();
    const signal = deadlines.start(state, caller.signal);
    expect(signal).not.toBe(state.deadline);
    expect(deadlines.find(signal)).toBe(state);
    caller.abort();
    expect(signal.aborted).toBe(true);
    expect(state.deadline!.aborted).toBe(false);
  });
});

describe('redaction', () => {
  it('replaces sensitive keys at any depth, any case', () => {
    const body = JSON.stringify({
      API_KEY: 'k1',
      items: [{ Authorization: 'Bearer t', ok: 'keep' }],
      nested: { x_api_key: 'not-sensitive' },
    });
    expect(JSON.parse(redactBody(body))).toEqual({
      API_KEY: '[REDACTED]',
      items: [{ Authorization: '[REDACTED]', ok: 'keep' }],
      nested: { x_api_key: 'not-sensitive' },
    });
  });

  it('strips key/value pairs from truncated or non-JSON text', () => {
    expect(redactBody('{"x-project-id": "p-77", "source_ip_address": "203.0.113.9", "id": "e1"')).toBe(
      '{"x-project-id": "[REDACTED]", "source_ip_address": "[REDACTED]", "id": "e1"',
    );
    expect(redactBody('{"api_key": "unterminated')).toBe('{"api_key": "[REDACTED]"');
  });

  it("replaces the call's own secrets, ignoring ones too short to be one", () => {
    expect(redactBody('"echo sk_9999 and abc"', ['sk_9999', 'abc'])).toBe('"echo [REDACTED] and abc"');
  });

  it('truncates to 2048 characters', () => {
    const text = redactBody('x'.repeat(5000));
    expect(text).toBe(`${'x'.repeat(2048)}…`);
    expect(redactBody('x'.repeat(2048))).toBe('x'.repeat(2048));
  });

  it('collects credentials from sensitive headers only, with and without Bearer', () => {
    const secrets: string[] = [];
    collectSecrets('authorization', 'Bearer tok_1234', secrets);
    collectSecrets('x-api-key', 'key_5678', secrets);
    collectSecrets('accept', 'application/json', secrets);
    expect(secrets).toEqual(['Bearer tok_1234', 'tok_1234', 'key_5678', 'key_5678']);
  });
});

describe('status and transport → contract errors', () => {
  it('maps each status to its code, message and extensions', () => {
    expect(errorForStatus('tasks', 404, {}, '', { resource: 'Task execution' })).toMatchObject({
      message: 'Task execution not found',
      extensions: { code: 'NOT_FOUND', upstream: 'tasks', status: 404 },
    });
    expect(errorForStatus('tasks', 404, {}, '').message).toBe('Resource not found');
    expect(errorForStatus('tasks', 401, {}, '{"error":"bad key"}').message).toBe('The tasks upstream refused the credentials');
    expect(errorForStatus('tasks', 503, { 'retry-after': '4' }, '').extensions).toEqual({
      code: 'UPSTREAM_UNAVAILABLE',
      upstream: 'tasks',
      status: 503,
      retryAfterSeconds: 4,
    });
    expect(
      errorForStatus('tasks', 429, { 'retry-after': new Date(2500).toUTCString() }, '', { now: 0 }).extensions['retryAfterSeconds'],
    ).toBe(2);
    expect(errorForStatus('tasks', 500, { 'retry-after': '4' }, '').extensions).toEqual({
      code: 'UPSTREAM_ERROR',
      upstream: 'tasks',
      status: 500,
    });
    expect(errorForStatus('tasks', 418, {}, '').message).toBe('The tasks upstream answered 418');
  });

  it('lets through only a short, clean, secret-free upstream message', () => {
    expect(safeUpstreamMessage('{"error":"  limit must be <= 100 "}', [])).toBe('limit must be <= 100');
    expect(safeUpstreamMessage(JSON.stringify({ error: 'x'.repeat(121) }), [])).toBeNull();
    expect(safeUpstreamMessage(JSON.stringify({ error: 'x'.repeat(120) }), [])).toBe('x'.repeat(120));
    expect(safeUpstreamMessage('{"error":"see http://10.0.0.1/debug"}', [])).toBeNull();
    expect(safeUpstreamMessage('{"error":"line one\\nline two"}', [])).toBeNull();
    expect(safeUpstreamMessage('{"error":"naïve"}', [])).toBeNull();
    expect(safeUpstreamMessage('{"error":"bad key k_42"}', ['k_42'])).toBeNull();
    expect(safeUpstreamMessage('{"error":{"message":"x"}}', [])).toBeNull();
    expect(safeUpstreamMessage('["error"]', [])).toBeNull();
    expect(safeUpstreamMessage('not json', [])).toBeNull();
  });

  it('maps transport failures, and what a retry interceptor gave up with', () => {
    const contract = upstreamError('RATE_LIMITED', 'flows', 'x');
    expect(errorForTransport('flows', contract)).toBe(contract);
    expect(errorForTransport('flows', { code: 'ETIMEDOUT' }).extensions['code']).toBe('UPSTREAM_TIMEOUT');
    expect(errorForTransport('flows', { statusCode: 429, headers: { 'retry-after': '2' } }).extensions).toEqual({
      code: 'RATE_LIMITED',
      upstream: 'flows',
      status: 429,
      retryAfterSeconds: 2,
    });
    expect(errorForTransport('flows', { statusCode: 503, headers: 'garbage' }).extensions).toEqual({
      code: 'UPSTREAM_UNAVAILABLE',
      upstream: 'flows',
      status: 503,
    });
    expect(errorForTransport('flows', { code: 'UND_ERR_RES_EXCEEDED_MAX_SIZE' })).toMatchObject({
      message: 'The flows upstream answered an oversized body',
      extensions: { code: 'UPSTREAM_ERROR' },
    });
    expect(errorForTransport('flows', { code: 'UND_ERR_RES_EXCEEDED_MAX_SIZE' }).extensions['status']).toBeUndefined();
    expect(errorForTransport('flows', new Error('boom')).message).toBe('The flows upstream call failed');
    expect(errorForTransport('flows', null).extensions['code']).toBe('UPSTREAM_ERROR');
    expect(oversizedBody('flows', 200).extensions).toEqual({ code: 'UPSTREAM_ERROR', upstream: 'flows', status: 200 });
  });
});

describe('segment', () => {
  it('encodes everything that could leave the segment', () => {
    expect(segment('a b&c=d')).toBe('a%20b%26c%3Dd');
    expect(segment('é')).toBe('%C3%A9');
    expect(segment('...')).toBe('...');
  });

  it('refuses a value that is not a string', () => {
    expect(thrown(() => segment(42 as unknown as string))).toMatchObject({
      message: 'An id must be a string',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });
});

describe('capped body read', () => {
  const body = (...chunks: string[]) => Readable.from(chunks.map((chunk) => Buffer.from(chunk)));

  it('reads a body under or at the cap whole', async () => {
    expect(await readCapped(body('ab', 'cd'), 10)).toEqual({ text: 'abcd', truncated: false });
    expect(await readCapped(body('ab', 'cd'), 4)).toEqual({ text: 'abcd', truncated: false });
    expect(await readCapped(body(), 4)).toEqual({ text: '', truncated: false });
  });

  it('cuts a longer one at the cap and drops the rest', async () => {
    const stream = body('abc', 'def', 'ghi');
    expect(await readCapped(stream, 5)).toEqual({ text: 'abcde', truncated: true });
    expect(stream.destroyed).toBe(true);
  });
});

describe('query string', () => {
  it('drops null and undefined, keeps order, encodes', () => {
    expect(queryString(undefined)).toBe('');
    expect(queryString({})).toBe('');
    expect(queryString({ a: null, b: undefined })).toBe('');
    expect(queryString({ limit: 10, status: null, after: 'x y&z', offset: 0 })).toBe('?limit=10&after=x+y%26z&offset=0');
  });
});

describe('prepared call', () => {
  it('resolves target, headers, body and secrets once', () => {
    const call = prepareCall('/v1', {
      method: 'POST',
      path: '/executions/bulk',
      query: { wait: 1, skip: null },
      headers: { 'X-API-KEY': 'sk_abcdef', Authorization: 'Bearer tok_123456', 'X-Project-ID': null },
      body: { ids: ['a'] },
      resource: 'Bulk',
    });
    expect(call).toEqual({
      method: 'POST',
      target: '/v1/executions/bulk?wait=1',
      headers: {
        accept: 'application/json',
        'x-api-key': 'sk_abcdef',
        authorization: 'Bearer tok_123456',
        'content-type': 'application/json',
      },
      body: '{"ids":["a"]}',
      idempotent: false,
      secrets: ['sk_abcdef', 'sk_abcdef', 'Bearer tok_123456', 'tok_123456'],
      resource: 'Bulk',
      path: '/v1/executions/bulk',
      search: '?wait=1',
    });
  });

  it('reads are idempotent unless said otherwise; a write can say it is', () => {
    expect(prepareCall('', { method: 'GET', path: '/x' })).toMatchObject({
      idempotent: true,
      body: undefined,
      headers: { accept: 'application/json' },
    });
    expect(prepareCall('', { method: 'GET', path: '/x', idempotent: false }).idempotent).toBe(false);
    expect(prepareCall('', { method: 'POST', path: '/x', idempotent: true }).idempotent).toBe(true);
  });
});

describe('coalescer', () => {
  it('shares one call per key while it is in flight, and forgets it once settled', async () => {
    const coalescer = createCoalescer<number>();
    let starts = 0;
    let finish!: (value: number) => void;
    const start = () => {
      starts++;
      return new Promise<number>((resolve) => (finish = resolve));
    };
    const first = coalescer.run('k', start);
    const second = coalescer.run('k', start);
    const other = coalescer.run('other', () => Promise.resolve(7));
    expect(second).toBe(first);
    expect(starts).toBe(1);
    expect(coalescer.size).toBe(2);
    finish(1);
    expect(await Promise.all([first, second, other])).toEqual([1, 1, 7]);
    expect(coalescer.size).toBe(0);
    void coalescer.run('k', start);
    expect(starts).toBe(2);
    finish(2);
  });

  it('forgets a failed call too', async () => {
    const coalescer = createCoalescer<number>();
    await expect(coalescer.run('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(coalescer.size).toBe(0);
    expect(await coalescer.run('k', () => Promise.resolve(3))).toBe(3);
  });

  it('a caller whose signal aborts leaves alone; the call is aborted once every caller has left', async () => {
    const coalescer = createCoalescer<number>();
    const seen: AbortSignal[] = [];
    const start = (signal: AbortSignal) => {
      seen.push(signal);
      return new Promise<number>((resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    };
    const [a, b] = [new AbortController(), new AbortController()];
    const first = coalescer.run('k', start, a.signal);
    const second = coalescer.run('k', start, b.signal);
    expect(seen).toHaveLength(1);
    a.abort(new Error('a left'));
    await expect(first).rejects.toThrow('a left');
    expect(seen[0]!.aborted).toBe(false);
    expect(coalescer.size).toBe(1);
    b.abort(new Error('b left'));
    await expect(second).rejects.toThrow('b left');
    expect(seen[0]!.aborted).toBe(true);
    expect(coalescer.size).toBe(0);
    // A caller without a signal never leaves: the call runs on for it.
    const c = new AbortController();
    const kept = coalescer.run('k', start);
    const leaving = coalescer.run('k', start, c.signal);
    c.abort(new Error('c left'));
    await expect(leaving).rejects.toThrow('c left');
    expect(seen[1]!.aborted).toBe(false);
    void kept.catch(() => {});
    await expect(coalescer.run('x', start, AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
  });

  it('keys on method, target, every header in any order, and body; never keeps a raw secret', () => {
    const key = coalesceKey('GET', '/x?a=1', { accept: 'application/json', 'x-api-key': 'sk_secret' }, undefined);
    expect(coalesceKey('GET', '/x?a=1', { 'x-api-key': 'sk_secret', accept: 'application/json' }, undefined)).toBe(key);
    expect(coalesceKey('GET', '/x?a=1', { accept: 'application/json', 'x-api-key': 'sk_other' }, undefined)).not.toBe(key);
    expect(coalesceKey('GET', '/x?a=2', { accept: 'application/json', 'x-api-key': 'sk_secret' }, undefined)).not.toBe(key);
    expect(coalesceKey('POST', '/x?a=1', { accept: 'application/json', 'x-api-key': 'sk_secret' }, undefined)).not.toBe(key);
    expect(coalesceKey('GET', '/x?a=1', { accept: 'application/json', 'x-api-key': 'sk_secret' }, 'null')).not.toBe(key);
    expect(key).not.toContain('sk_secret');
  });
});

describe('breaker', () => {
  it('counts only what says the host is unwell', () => {
    expect(isHealthFailure(upstreamError('UPSTREAM_TIMEOUT', 'models', 'x'))).toBe(true);
    expect(isHealthFailure(upstreamError('UPSTREAM_UNAVAILABLE', 'models', 'x', { status: 503 }))).toBe(true);
    expect(isHealthFailure(upstreamError('UPSTREAM_ERROR', 'models', 'x', { status: 500 }))).toBe(true);
    expect(isHealthFailure(upstreamError('UPSTREAM_ERROR', 'models', 'x', { status: 200 }))).toBe(false);
    expect(isHealthFailure(upstreamError('NOT_FOUND', 'models', 'x', { status: 404 }))).toBe(false);
    expect(isHealthFailure(upstreamError('RATE_LIMITED', 'models', 'x', { status: 429 }))).toBe(false);
    expect(isHealthFailure(new Error('aborted'))).toBe(false);
  });

  it('opens after health failures and then fails fast without calling', async () => {
    const breaker = createBreaker('models', {
      enabled: true,
      errorThresholdPercentage: 50,
      volumeThreshold: 2,
      rollingWindowMs: 10_000,
      resetTimeoutMs: 10_000,
    });
    try {
      let calls = 0;
      const failing = () => {
        calls++;
        return Promise.reject(upstreamError('UPSTREAM_TIMEOUT', 'models', 'late'));
      };
      await expect(breaker.fire(failing)).rejects.toMatchObject({ extensions: { code: 'UPSTREAM_TIMEOUT' } });
      await expect(breaker.fire(failing)).rejects.toMatchObject({ extensions: { code: 'UPSTREAM_TIMEOUT' } });
      expect(breaker.state()).toBe('open');
      await expect(breaker.fire(failing)).rejects.toMatchObject({
        message: 'The models upstream is unavailable (circuit open)',
        extensions: { code: 'UPSTREAM_UNAVAILABLE' },
      });
      expect(calls).toBe(2);
    } finally {
      breaker.shutdown();
    }
  });

  it('disabled, it passes every call through and stays closed', async () => {
    const breaker = createBreaker('models', {
      enabled: false,
      errorThresholdPercentage: 1,
      volumeThreshold: 1,
      rollingWindowMs: 1,
      resetTimeoutMs: 1,
    });
    for (let i = 0; i < 3; i++)
      await expect(breaker.fire(() => Promise.reject(upstreamError('UPSTREAM_TIMEOUT', 'models', 'x')))).rejects.toThrow('x');
    expect(breaker.state()).toBe('closed');
    expect(await breaker.fire(() => Promise.resolve(5))).toBe(5);
  });
});

describe('logging and observing', () => {
  it('logs upstream, method, path and request id first, at debug within a request; a throwing logger is ignored', () => {
    const lines: [string, Record<string, unknown>, string][] = [];
    const call = prepareCall('/v1', { method: 'GET', path: '/x', query: { a: 1 } });
    const logger = {
      warn: (fields: Record<string, unknown>, message: string) => lines.push(['warn', fields, message]),
      debug: (fields: Record<string, unknown>, message: string) => lines.push(['debug', fields, message]),
    };
    createCallLog('flows', logger)(call, 'req-1', { status: 500 }, 'failed');
    createCallLog('flows', logger)(call, null, {}, 'no id');
    createCallLog('flows', { warn: logger.warn })(call, 'req-2', {}, 'no debug level: dropped');
    expect(lines).toEqual([
      ['debug', { upstream: 'flows', method: 'GET', path: '/v1/x', reqId: 'req-1', status: 500 }, 'failed'],
      ['warn', { upstream: 'flows', method: 'GET', path: '/v1/x' }, 'no id'],
    ]);
    expect(Object.keys(lines[0]![1])).toEqual(['upstream', 'method', 'path', 'reqId', 'status']);
    const broken = createCallLog('flows', {
      warn: () => {
        throw new Error('disk full');
      },
    });
    expect(() => broken(call, null, {}, 'x')).not.toThrow();
    expect(() => createCallLog('flows', undefined)(call, null, {}, 'x')).not.toThrow();
  });

  it('reports to the observer; a throwing observer is ignored', () => {
    const seen: UpstreamCall[] = [];
    const settled = {
      upstream: 'models',
      method: 'GET',
      host: 'h',
      path: '/',
      search: '',
      status: 200,
      code: null,
      attempts: 1,
      startedAt: 0,
      durationMs: 1,
      batchSize: null,
      shared: false,
    } as const;
    report({ requestId: () => null, retried: () => {}, settled: (c) => seen.push(c) }, settled);
    expect(seen).toEqual([settled]);
    const broken = {
      requestId: () => null,
      retried: () => {},
      settled: () => {
        throw new Error('x');
      },
    };
    expect(() => report(broken, settled)).not.toThrow();
  });
});

describe("one caller's json() (createJson)", () => {
  const answer = (text: string): Outcome => ({ answer: { status: 200, text }, error: null, status: 200, attempts: 1 });
  function setup(attemptResult: () => Promise<Outcome>, coalesce = true) {
    const settled: UpstreamCall[] = [];
    const logged: Record<string, unknown>[] = [];
    let attempts = 0;
    const json = createJson({
      upstream: 'models',
      host: 'models.test:8080',
      basePath: '/api',
      observer: { requestId: () => 'req-9', retried: () => {}, settled: (call) => settled.push(call) },
      // With a request id the call's own line is at debug (its request's line sums failures up).
      log: createCallLog('models', { warn: (fields) => logged.push(fields), debug: (fields) => logged.push(fields) }),
      attempt: () => {
        attempts++;
        return attemptResult();
      },
      coalescer: coalesce ? createCoalescer<Outcome>() : null,
    });
    return { json, settled, logged, attempts: () => attempts };
  }

  it('shares identical reads, gives each caller its own copy, reports each with `shared`', async () => {
    const s = setup(() => Promise.resolve(answer('{"items":[1]}')));
    const request = { method: 'GET', path: '/executions', query: { limit: 2 }, batchSize: 3 } as const;
    const [a, b] = (await Promise.all([s.json(request), s.json(request)])) as [{ items: number[] }, { items: number[] }];
    expect(s.attempts()).toBe(1);
    expect(a).toEqual({ items: [1] });
    expect(a).not.toBe(b);
    expect(s.settled.map((call) => call.shared)).toEqual([false, true]);
    expect(s.settled[0]).toMatchObject({
      upstream: 'models',
      method: 'GET',
      host: 'models.test:8080',
      path: '/api/executions',
      search: '?limit=2',
      status: 200,
      code: null,
      attempts: 1,
      batchSize: 3,
    });
  });

  it('never shares a write, or anything with coalescing off; shares reads of callers with a signal', async () => {
    const s = setup(() => Promise.resolve(answer('{}')));
    await Promise.all([s.json({ method: 'POST', path: '/x' }), s.json({ method: 'POST', path: '/x' })]);
    expect(s.attempts()).toBe(2);
    const signal = new AbortController().signal;
    await Promise.all([s.json({ method: 'GET', path: '/x', signal }), s.json({ method: 'GET', path: '/x', signal })]);
    expect(s.attempts()).toBe(3);
    expect(s.settled.map((call) => call.shared)).toEqual([false, false, false, true]);
    const off = setup(() => Promise.resolve(answer('{}')), false);
    await Promise.all([off.json({ method: 'GET', path: '/x' }), off.json({ method: 'GET', path: '/x' })]);
    expect(off.attempts()).toBe(2);
  });

  it("throws the call's error and reports its code", async () => {
    const error = upstreamError('RATE_LIMITED', 'models', 'slow down', { status: 429 });
    const s = setup(() => Promise.resolve({ answer: null, error, status: 429, attempts: 3 }));
    await expect(s.json({ method: 'GET', path: '/x' })).rejects.toBe(error);
    expect(s.settled[0]).toMatchObject({ status: 429, code: 'RATE_LIMITED', attempts: 3 });
  });

  it('a 2xx body that is not JSON is UPSTREAM_ERROR, logged redacted', async () => {
    const s = setup(() => Promise.resolve(answer('<html>api_key: oops')));
    await expect(s.json({ method: 'GET', path: '/x' })).rejects.toMatchObject({
      message: 'The models upstream answered an unreadable body',
      extensions: { code: 'UPSTREAM_ERROR', status: 200 },
    });
    expect(s.logged).toEqual([
      { upstream: 'models', method: 'GET', path: '/api/x', reqId: 'req-9', status: 200, body: '<html>api_key: oops' },
    ]);
    expect(s.settled[0]!.code).toBe('UPSTREAM_ERROR');
  });
});

// --- Parts that send: a bare loopback server ---------------------------------------------------

type Handler = (request: IncomingMessage, response: ServerResponse) => void;
let handler: Handler = (_request, response) => response.end('{}');
let hits: string[] = [];
let server: Server;
let origin: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    hits.push(`${request.method} ${request.url}`);
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  hits = [];
});

function upstreamConfig(baseUrl: string): UpstreamConfig {
  return {
    name: 'models',
    baseUrl,
    variable: 'MODELS_API_URL',
    settings: {},
    connectTimeoutMs: 2000,
    headersTimeoutMs: 5000,
    bodyTimeoutMs: 5000,
    connections: 4,
    breaker: { enabled: false, errorThresholdPercentage: 50, volumeThreshold: 10, rollingWindowMs: 10_000, resetTimeoutMs: 10_000 },
    coalesce: true,
    deadlineMs: 10_000,
  };
}

/** Answers `statuses` in turn, then 200 with `body`. */
function answering(statuses: number[], body = '{"ok":true}', headers: Record<string, string> = {}): Handler {
  let i = 0;
  return (_request, response) => {
    const status = statuses[i++] ?? 200;
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(status === 200 ? body : '{"error":"nope"}');
  };
}

const fastRetries: RetryPolicy = { maxRetries: 2, minDelayMs: 1, maxDelayMs: 5, retryAfterCapMs: 2000 };

function dispatchersFor(options: { maxBodyBytes?: number; deadlineMs?: number; headersTimeoutMs?: number; policy?: RetryPolicy } = {}) {
  const deadlines = createDeadlines(options.deadlineMs ?? 5000);
  let retries = 0;
  const retry = retryInterceptor(options.policy ?? fastRetries, deadlines, () => retries++);
  const config = { ...upstreamConfig(origin), headersTimeoutMs: options.headersTimeoutMs ?? 5000 };
  const dispatchers = createDispatchers(origin, config, options.maxBodyBytes ?? 1024, retry);
  return { dispatchers, deadlines, retries: () => retries };
}

describe('pool and retry interceptor', () => {
  it('the retrying dispatcher re-sends a 503, counting the attempt on the call', async () => {
    const { dispatchers, deadlines, retries } = dispatchersFor();
    try {
      handler = answering([503]);
      const state = newState();
      const response = await dispatchers.retrying.request({ method: 'GET', path: '/r', signal: deadlines.start(state, undefined) });
      expect(response.statusCode).toBe(200);
      expect(await response.body.json()).toEqual({ ok: true });
      expect(hits).toEqual(['GET /r', 'GET /r']);
      expect(state.attempts).toBe(2);
      expect(retries()).toBe(1);
    } finally {
      await dispatchers.pool.close();
    }
  });

  it('the plain pool sends once; the retrying one hands over the last answer after maxRetries', async () => {
    const { dispatchers, deadlines, retries } = dispatchersFor();
    try {
      handler = answering([503, 503, 503, 503]);
      const once = await dispatchers.pool.request({ method: 'GET', path: '/p' });
      expect(once.statusCode).toBe(503);
      await once.body.dump();
      expect(hits).toHaveLength(1);
      hits = [];
      const state = newState();
      const last = await dispatchers.retrying.request({ method: 'GET', path: '/p', signal: deadlines.start(state, undefined) });
      expect(last.statusCode).toBe(503);
      expect(await last.body.text()).toBe('{"error":"nope"}');
      expect(hits).toHaveLength(3);
      expect(state.attempts).toBe(3);
      expect(retries()).toBe(2);
    } finally {
      await dispatchers.pool.close();
    }
  });

  it('a Retry-After past the cap is surfaced at once', async () => {
    const { dispatchers, deadlines } = dispatchersFor();
    try {
      handler = answering([429], '{}', { 'retry-after': '30' });
      const failed = await dispatchers.retrying
        .request({ method: 'GET', path: '/ra', signal: deadlines.start(newState(), undefined) })
        .catch((error: unknown) => error);
      expect(errorForTransport('models', failed).extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 30 });
      expect(hits).toHaveLength(1);
    } finally {
      await dispatchers.pool.close();
    }
  });

  it('enforces the body cap and the headers timeout', async () => {
    const { dispatchers } = dispatchersFor({ maxBodyBytes: 16, headersTimeoutMs: 100 });
    try {
      handler = (_request, response) => response.end('x'.repeat(64));
      const big = await dispatchers.pool
        .request({ method: 'GET', path: '/big' })
        .then((r) => r.body.text())
        .catch((error: unknown) => error);
      expect(errorForTransport('models', big).message).toBe('The models upstream answered an oversized body');
      handler = () => {}; // never answers
      const late = await dispatchers.pool.request({ method: 'GET', path: '/late' }).catch((error: unknown) => error);
      expect((late as { code?: string }).code).toBe('UND_ERR_HEADERS_TIMEOUT');
    } finally {
      await dispatchers.pool.destroy();
    }
  });
});

describe('one call (createAttempt)', () => {
  const passThrough: Breaker = { fire: (call) => call(), state: () => 'closed', shutdown: () => {} };
  /** `maxBodyBytes` is the attempt's cap only: the pool keeps 1024, so the capped read is what refuses a body. */
  function attemptFor(options: { maxBodyBytes?: number; deadlineMs?: number; breaker?: Breaker } = {}) {
    const { dispatchers, deadlines } = dispatchersFor({ deadlineMs: options.deadlineMs ?? 5000 });
    const logged: [Record<string, unknown>, string][] = [];
    const log = createCallLog('models', { warn: (fields, message) => logged.push([fields, message]) });
    const attempt = createAttempt({
      upstream: 'models',
      dispatchers,
      deadlines,
      breaker: options.breaker ?? passThrough,
      connections: createGate(4),
      maxBodyBytes: options.maxBodyBytes ?? 1024,
      log,
    });
    return { attempt, logged, close: () => dispatchers.pool.destroy() };
  }
  const get = (path: string, headers: Record<string, string> = {}) =>
    prepareCall('', { method: 'GET', path, headers, resource: 'Model execution' });

  it('a 2xx answer is its text, with status and attempts', async () => {
    const a = attemptFor();
    try {
      handler = answering([502], '{"id":"m1"}');
      expect(await a.attempt(get('/ok'), 'req-1', undefined)).toEqual({
        answer: { status: 200, text: '{"id":"m1"}' },
        error: null,
        status: 200,
        attempts: 2,
      });
      expect(a.logged).toEqual([]);
    } finally {
      await a.close();
    }
  });

  it('an error answer is its contract error; its body is logged redacted, except for a 404', async () => {
    const a = attemptFor();
    try {
      handler = (_request, response) => {
        response.writeHead(500).end('{"error":"boom","api_key":"sk_live_123456"}');
      };
      const outcome = await a.attempt(get('/err', { 'X-API-Key': 'sk_live_123456' }), null, undefined);
      expect(outcome).toMatchObject({
        answer: null,
        status: 500,
        attempts: 1,
        error: { extensions: { code: 'UPSTREAM_ERROR', status: 500 } },
      });
      expect(a.logged).toEqual([
        [
          { upstream: 'models', method: 'GET', path: '/err', status: 500, body: '{"error":"boom","api_key":"[REDACTED]"}' },
          'upstream answered an error',
        ],
      ]);
      handler = (_request, response) => {
        response.writeHead(404).end('{"error":"no such execution"}');
      };
      const missing = await a.attempt(get('/missing'), null, undefined);
      expect((missing.error as GraphQLError).message).toBe('Model execution not found');
      expect(a.logged).toHaveLength(1);
    } finally {
      await a.close();
    }
  });

  it('a 2xx body past the cap is UPSTREAM_ERROR with its status', async () => {
    const a = attemptFor({ maxBodyBytes: 8 });
    try {
      handler = (_request, response) => {
        response.write('{"a":"');
        response.end('x'.repeat(100) + '"}');
      };
      const outcome = await a.attempt(get('/big'), null, undefined);
      expect(outcome).toMatchObject({ answer: null, status: 200, attempts: 1 });
      expect(outcome.error).toMatchObject({
        message: 'The models upstream answered an oversized body',
        extensions: { code: 'UPSTREAM_ERROR', status: 200 },
      });
      expect(a.logged).toEqual([[{ upstream: 'models', method: 'GET', path: '/big', status: 200 }, 'upstream body too large']]);
    } finally {
      await a.close();
    }
  });

  it('the deadline turns a hang into UPSTREAM_TIMEOUT, logged', async () => {
    const a = attemptFor({ deadlineMs: 100 });
    try {
      handler = () => {};
      const timedOut = await a.attempt(get('/hang'), null, undefined);
      expect(timedOut).toMatchObject({ answer: null, status: null, attempts: 1, error: { extensions: { code: 'UPSTREAM_TIMEOUT' } } });
      expect(a.logged).toEqual([[{ upstream: 'models', method: 'GET', path: '/hang', code: undefined }, 'upstream call failed']]);
    } finally {
      await a.close();
    }
  });

  it('a caller giving up is passed through as it is, unlogged', async () => {
    const a = attemptFor({ deadlineMs: 10_000 });
    try {
      handler = () => {};
      const caller = new AbortController();
      const pending = a.attempt(get('/hang'), null, caller.signal);
      setTimeout(() => caller.abort(), 20);
      const gaveUp = await pending;
      expect(gaveUp).toMatchObject({ answer: null, status: null, attempts: 1 });
      expect((gaveUp.error as Error).name).toBe('AbortError');
      expect(a.logged).toEqual([]);
    } finally {
      await a.close();
    }
  });

  it('an unreachable host is UPSTREAM_UNAVAILABLE; an open circuit sends nothing', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const deadlines = createDeadlines(5000);
    const unreachable = `http://127.0.0.1:${port}`;
    const dispatchers = createDispatchers(
      unreachable,
      upstreamConfig(unreachable),
      1024,
      retryInterceptor({ ...fastRetries, maxRetries: 0 }, deadlines, () => {}),
    );
    const log = createCallLog('models', undefined);
    try {
      const attempt = createAttempt({
        upstream: 'models',
        dispatchers,
        deadlines,
        breaker: passThrough,
        connections: createGate(4),
        maxBodyBytes: 1024,
        log,
      });
      expect((await attempt(get('/x'), null, undefined)).error).toMatchObject({ message: 'The models upstream could not be reached' });
      const open: Breaker = {
        fire: () => Promise.reject(upstreamError('UPSTREAM_UNAVAILABLE', 'models', 'open')),
        state: () => 'open',
        shutdown: () => {},
      };
      const shortCircuited = createAttempt({
        upstream: 'models',
        dispatchers,
        deadlines,
        breaker: open,
        connections: createGate(4),
        maxBodyBytes: 1024,
        log,
      });
      expect(await shortCircuited(get('/x'), null, undefined)).toMatchObject({ answer: null, status: null, attempts: 0 });
    } finally {
      await dispatchers.pool.destroy();
    }
  });
});

/**
 * Per-caller rate limit (`RATE_LIMIT_REQUESTS` per `RATE_LIMIT_WINDOW_MS`): a caller is its
 * token's subject, else a digest of the upstream credentials it brings, else its address. Past
 * its budget a request is answered 429 + Retry-After with RATE_LIMITED, before any upstream
 * call, and other callers are not affected. Replicas share the counts through Redis.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { SignJWT } from 'jose';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerKey, callerKeyOf, clientAddress } from '../src/plugins/rate-limit.ts';
import { type Simulator, startSimulator } from '../src/simulator/index.ts';
import { codesOf, type GraphQLBody, type Harness, startHarness } from './helpers/harness.ts';

const secret = 'rate-limit-test-secret-of-32-characters-or-more';
const tokenFor = (subject: string) =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(subject)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(secret));

const query = '{ modelExecutions(first: 1) { totalCount } }';

async function ask(
  h: Harness,
  headers: Record<string, string>,
  body: unknown = { query },
): Promise<{ status: number; retryAfter: string | null; body: GraphQLBody | GraphQLBody[] }> {
  const response = await fetch(h.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as GraphQLBody };
}

/** The caller makes `n` requests that must all be served. */
async function spend(h: Harness, headers: Record<string, string>, n: number): Promise<void> {
  for (let i = 0; i < n; i++) expect((await ask(h, headers)).status).toBe(200);
}

function expectLimited(answer: Awaited<ReturnType<typeof ask>>, windowSeconds: number) {
  expect(answer.status).toBe(429);
  const retryAfter = Number(answer.retryAfter);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
  const body = answer.body as GraphQLBody;
  expect(body.data).toBeUndefined();
  expect(codesOf(body)).toEqual(['RATE_LIMITED']);
  expect(body.errors?.[0]?.extensions?.['retryAfterSeconds']).toBe(retryAfter);
}

describe('rate limit per caller', () => {
  let h: Harness;
  beforeAll(async () => {
    // Optional authentication: callers with a token, callers with their own key and anonymous ones side by side.
    h = await startHarness({
      env: { AUTH_JWT_SECRET: secret, AUTH_REQUIRED: 'false', RATE_LIMIT_REQUESTS: '3', RATE_LIMIT_WINDOW_MS: '60000' },
    });
  });
  afterAll(() => h?.close());

  it("limits a token's subject with 429 + Retry-After before any upstream call, and not another subject", async () => {
    const alice = { authorization: `Bearer ${await tokenFor('alice')}` };
    await spend(h, alice, 3);
    h.simulator.resetHits();
    expectLimited(await ask(h, alice), 60);
    // A fresh token of the same subject is the same caller.
    expectLimited(await ask(h, { authorization: `Bearer ${await tokenFor('alice')}` }), 60);
    expect(h.simulator.totalHits()).toBe(0);
    await spend(h, { authorization: `Bearer ${await tokenFor('bob')}` }, 3);
  });

  it('limits a caller without a token by the upstream credential it brings, not another credential from the same address', async () => {
    const first = h.simulator.issueApiKey();
    const second = h.simulator.issueApiKey();
    await spend(h, { 'x-api-key': first }, 3);
    expectLimited(await ask(h, { 'x-api-key': first }), 60);
    await spend(h, { 'x-api-key': second }, 3);
  });

  it('limits an anonymous caller by its address', async () => {
    // Anonymous here: no token and no credential of its own (its fields answer UNAUTHENTICATED, still a request).
    for (let i = 0; i < 3; i++) expect((await ask(h, {})).status).toBe(200);
    expectLimited(await ask(h, {}), 60);
  });

  it('counts every operation of a batch', async () => {
    const carol = { authorization: `Bearer ${await tokenFor('carol')}` };
    const batch = (n: number) => Array.from({ length: n }, () => ({ query }));
    expect((await ask(h, carol, batch(3))).status).toBe(200);
    expectLimited(await ask(h, carol), 60);
    expectLimited(await ask(h, { authorization: `Bearer ${await tokenFor('dave')}` }, batch(4)), 60);
  });

  it('keys callers by digests, never by a credential itself', () => {
    const keyOf = callerKeyOf(h.config.auth, h.gateway.upstreams);
    const key = 'smk_a-secret-key-0123456789';
    const request = new Request(h.url, { headers: { 'x-api-key': key, 'x-project-id': 'p', 'x-tasks-authorization': 'Bearer sk_token' } });
    const caller = keyOf(request, {});
    expect(caller).toMatch(/^key:[\w-]{43}$/);
    expect(caller).not.toContain(key);
    expect(keyOf(new Request(h.url, { headers: { 'x-api-key': `${key}-other` } }), {})).not.toBe(caller);
  });
});

describe('rate limit settings', () => {
  it('RATE_LIMIT_REQUESTS=0 turns it off', async () => {
    const h = await startHarness({ env: { RATE_LIMIT_REQUESTS: '0' } });
    try {
      // More than the default budget (600) from one caller; no upstream call, to keep it quick.
      for (let i = 0; i < 650; i++) expect((await ask(h, {}, { query: '{ __typename }' })).status).toBe(200);
    } finally {
      await h.close();
    }
  });

  it('a caller is served again once its window has passed', async () => {
    const h = await startHarness({ env: { RATE_LIMIT_REQUESTS: '1', RATE_LIMIT_WINDOW_MS: '1000' } });
    try {
      expect((await ask(h, {})).status).toBe(200);
      expectLimited(await ask(h, {}), 1);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect((await ask(h, {})).status).toBe(200);
    } finally {
      await h.close();
    }
  });

  it('takes an IPv6 client as its /64 and an IPv4-mapped one as its IPv4 address', () => {
    const at = (remoteAddress: string) => clientAddress({ req: { socket: { remoteAddress } } });
    expect(at('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(at('2001:db8:1:2::1')).toBe(at('2001:0db8:0001:0002:ffff::9'));
    expect(at('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(at('::1')).toBe('0:0:0:0::/64');
    expect(at('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(at('192.0.2.7')).toBe('192.0.2.7');
  });
});

describe('rate limit shared by replicas through Redis (REDIS_URL)', () => {
  let redis: ChildProcess;
  let redisUrl: string;
  let simulator: Simulator;
  beforeAll(async () => {
    const probePort = createServer().listen(0, '127.0.0.1');
    await once(probePort, 'listening');
    const { port } = probePort.address() as { port: number };
    await new Promise<void>((resolve) => probePort.close(() => resolve()));
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    redisUrl = `redis://127.0.0.1:${port}`;
    const probe = new Redis(redisUrl, { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: null });
    probe.on('error', () => undefined);
    await probe.connect().catch(() => undefined);
    await probe.ping();
    probe.disconnect();
    simulator = await startSimulator({ clock: 'manual' });
  });
  afterAll(async () => {
    await simulator?.close();
    redis?.kill();
  });

  it("counts a caller's requests on every replica together", async () => {
    const env = { REDIS_URL: redisUrl, AUTH_JWT_SECRET: secret, RATE_LIMIT_REQUESTS: '4', RATE_LIMIT_WINDOW_MS: '60000' };
    const one = await startHarness({ sharedSimulator: simulator, env });
    const two = await startHarness({ sharedSimulator: simulator, env });
    try {
      // Until a replica's Redis connection is up it counts in memory: wait until each one counts in Redis.
      const store = new Redis(redisUrl);
      for (const [name, replica] of [
        ['one', one],
        ['two', two],
      ] as const) {
        for (let i = 0; ; i++) {
          const subject = `warm-up-${name}-${i}`;
          await ask(replica, { authorization: `Bearer ${await tokenFor(subject)}` });
          if ((await store.exists(`execution-gateway:rate:${callerKey('sub', subject)}`)) === 1) break;
          expect(i).toBeLessThan(100);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
      store.disconnect();
      const erin = { authorization: `Bearer ${await tokenFor('erin')}` };
      await spend(one, erin, 2);
      await spend(two, erin, 2);
      expectLimited(await ask(one, erin), 60);
      expectLimited(await ask(two, erin), 60);
      await spend(two, { authorization: `Bearer ${await tokenFor('frank')}` }, 1);
    } finally {
      await one.close();
      await two.close();
    }
  });
});

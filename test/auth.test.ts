/**
 * Caller authentication (`AUTH_*`, README "Security"): without a valid JWT nobody spends the
 * server-side upstream credentials. Tokens are signed here with jose; the JWKS is served on
 * loopback. Every refusal is HTTP 401 with UNAUTHENTICATED, before any upstream call.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, type JWTPayload, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { codesOf, type GraphQLBody, type Harness, startHarness } from './helpers/harness.ts';

const secret = 'test-secret-of-at-least-32-characters-0123456789';
const issuer = 'https://issuer.test';
const audience = 'execution-gateway';
const key = new TextEncoder().encode(secret);

/** A token the HS256 gateway accepts, with `change` applied to its claims. */
async function hsToken(change: (jwt: SignJWT) => SignJWT = (jwt) => jwt, signingKey: Uint8Array = key): Promise<string> {
  const jwt = new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('alice')
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime('5m');
  return change(jwt).sign(signingKey);
}

const Trigger = `mutation($wf: String!) { triggerWorkflow(workflowId: $wf, inputs: { prompt: "a lighthouse at dawn" }) { accepted executionId } }`;
const Reads = `query($t: String!, $wf: String!) {
  taskExecution(executionId: $t) { executionId }
  workflowExecutions(workflowId: $wf, first: 1) { totalCount }
  modelExecutions(first: 1) { totalCount }
}`;

interface Answer {
  status: number;
  headers: Headers;
  body: GraphQLBody;
}

async function post(h: Harness, query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(h.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLBody };
}

function readsOf(h: Harness) {
  return { t: h.simulator.data.picks.completedTask, wf: h.simulator.data.bigWorkflowId };
}

function expectRefused(answer: Answer) {
  expect(answer.status).toBe(401);
  expect(answer.headers.get('www-authenticate')).toBe('Bearer');
  expect(answer.body.data).toBeUndefined();
  expect(codesOf(answer.body)).toEqual(['UNAUTHENTICATED']);
}

describe('caller authentication with AUTH_JWT_SECRET, AUTH_ISSUER, AUTH_AUDIENCE', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { AUTH_JWT_SECRET: secret, AUTH_ISSUER: issuer, AUTH_AUDIENCE: audience } });
  });
  afterAll(() => h?.close());

  it('refuses an anonymous triggerWorkflow with 401 UNAUTHENTICATED and sends nothing upstream', async () => {
    h.simulator.resetHits();
    const answer = await post(h, Trigger, { wf: h.simulator.data.bigWorkflowId });
    expectRefused(answer);
    expect(answer.body.errors?.[0]?.message).toMatch(/Authorization: Bearer/);
    expect(h.simulator.totalHits()).toBe(0);
  });

  it('serves a caller with a valid token, with the server-side credentials', async () => {
    h.simulator.resetHits();
    const token = await hsToken();
    const trigger = await post(h, Trigger, { wf: h.simulator.data.bigWorkflowId }, { authorization: `Bearer ${token}` });
    expect(trigger.status).toBe(200);
    expect(trigger.body.data?.['triggerWorkflow']).toMatchObject({ accepted: true });
    const reads = await post(h, Reads, readsOf(h), { authorization: `Bearer ${token}` });
    expect(reads.body.errors).toBeUndefined();
    const { apiKey, tasksToken, tasksProjectId } = h.simulator.credentials;
    const sent = h.simulator.requests();
    expect(sent.filter((r) => r.host === 'workflows').map((r) => r.headers['x-api-key'])).toEqual([apiKey, apiKey]);
    expect(sent.filter((r) => r.host === 'tasks').map((r) => [r.headers['authorization'], r.headers['x-project-id']])).toEqual([
      [`Bearer ${tasksToken}`, tasksProjectId],
    ]);
    // The caller's JWT is for the gateway alone: no upstream ever sees it.
    expect(JSON.stringify(sent.map((r) => r.headers))).not.toContain(token);
  });

  it.each([
    ['no Authorization', async () => ({})],
    ['a bad signature', async () => ({ authorization: `Bearer ${await hsToken(undefined, new TextEncoder().encode(`${secret}-other`))}` })],
    [
      'an expired token',
      async () => ({ authorization: `Bearer ${await hsToken((jwt) => jwt.setIssuedAt('-20m').setExpirationTime('-10m'))}` }),
    ],
    ['a token not valid yet', async () => ({ authorization: `Bearer ${await hsToken((jwt) => jwt.setNotBefore('10m'))}` })],
    ['the wrong issuer', async () => ({ authorization: `Bearer ${await hsToken((jwt) => jwt.setIssuer('https://elsewhere.test'))}` })],
    ['the wrong audience', async () => ({ authorization: `Bearer ${await hsToken((jwt) => jwt.setAudience('another-service'))}` })],
    [
      'an unsigned token (alg none)',
      async () => ({ authorization: `Bearer ${new UnsecuredJWT({ sub: 'alice', iss: issuer, aud: audience }).encode()}` }),
    ],
    ['a token that is not a JWT', async () => ({ authorization: 'Bearer not-a-jwt' })],
    ['a non-Bearer Authorization', async () => ({ authorization: `Basic ${Buffer.from('alice:pw').toString('base64')}` })],
    ['an upstream credential in place of a token', async () => ({ 'x-api-key': h.simulator.credentials.apiKey })],
  ])('refuses %s: 401 UNAUTHENTICATED, nothing sent upstream', async (_name, headers) => {
    h.simulator.resetHits();
    expectRefused(await post(h, Trigger, { wf: h.simulator.data.bigWorkflowId }, await headers()));
    expectRefused(await post(h, Reads, readsOf(h), await headers()));
    expect(h.simulator.totalHits()).toBe(0);
  });

  it("takes a caller's own task credential from X-Tasks-Authorization + X-Project-ID, since Authorization carries the JWT", async () => {
    h.simulator.resetHits();
    const auth = { authorization: `Bearer ${await hsToken()}` };
    const own = await post(h, Reads, readsOf(h), {
      ...auth,
      'x-tasks-authorization': 'Bearer callers-token',
      'x-project-id': 'callers-project',
    });
    const sent = h.simulator.requests().filter((r) => r.host === 'tasks');
    expect(sent.map((r) => [r.headers['authorization'], r.headers['x-project-id']])).toEqual([['Bearer callers-token', 'callers-project']]);
    expect(sent[0]!.headers).not.toHaveProperty('x-tasks-authorization');
    // The simulator does not know that token: the upstream's refusal, on the task field only.
    expect(codesOf(own.body)).toEqual(['UNAUTHENTICATED']);
    expect(own.body.errors?.[0]?.path).toEqual(['taskExecution']);

    h.simulator.resetHits();
    const half = await post(h, Reads, readsOf(h), { ...auth, 'x-project-id': 'callers-project' });
    expect(h.simulator.requests().filter((r) => r.host === 'tasks')).toEqual([]);
    expect(half.body.errors?.map((e) => [e.path, e.extensions?.['code']])).toEqual([[['taskExecution'], 'UNAUTHENTICATED']]);
    expect(half.body.errors?.[0]?.message).toMatch(/X-Project-ID was sent without X-Tasks-Authorization/);
  });
});

describe('AUTH_REQUIRED=false: anonymous callers are served, never with the server-side credentials', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ env: { AUTH_JWT_SECRET: secret, AUTH_REQUIRED: 'false' } });
  });
  afterAll(() => h?.close());

  it("answers an anonymous caller's upstream fields UNAUTHENTICATED, sending nothing", async () => {
    h.simulator.resetHits();
    const trigger = await post(h, Trigger, { wf: h.simulator.data.bigWorkflowId });
    expect(trigger.status).toBe(200);
    expect(trigger.body.errors?.map((e) => [e.extensions?.['code'], e.extensions?.['upstream']])).toEqual([
      ['UNAUTHENTICATED', 'workflows'],
    ]);
    const reads = await post(h, Reads, readsOf(h));
    expect(reads.body.data).toEqual({ taskExecution: null, workflowExecutions: null, modelExecutions: null });
    expect(codesOf(reads.body)).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED']);
    expect(h.simulator.totalHits()).toBe(0);
  });

  it('serves an anonymous caller that brings its own credentials, with them', async () => {
    h.simulator.resetHits();
    const { apiKey, tasksToken, tasksProjectId } = h.simulator.credentials;
    const own = await post(h, Reads, readsOf(h), {
      'x-api-key': apiKey,
      'x-tasks-authorization': `Bearer ${tasksToken}`,
      'x-project-id': tasksProjectId,
    });
    expect(own.body.errors).toBeUndefined();
    expect(
      h.simulator
        .requests()
        .map((r) => r.host)
        .sort(),
    ).toEqual(['models', 'tasks', 'workflows']);
  });

  it('still refuses a token that does not verify, and serves a valid one with the server-side credentials', async () => {
    expectRefused(await post(h, Reads, readsOf(h), { authorization: 'Bearer not-a-jwt' }));
    const valid = await post(h, Reads, readsOf(h), {
      authorization: `Bearer ${await hsToken((jwt) => jwt.setIssuer('any').setAudience('any'))}`,
    });
    expect(valid.body.errors).toBeUndefined();
  });
});

describe('caller authentication with AUTH_JWKS_URL (a JWKS served on loopback)', () => {
  let h: Harness;
  let jwks: Server;
  let jwksFetches = 0;
  let signing: Awaited<ReturnType<typeof generateKeyPair>>;
  const kid = 'key-1';
  const rsToken = (claims: JWTPayload, privateKey = signing.privateKey, header: { kid?: string } = { kid }) =>
    new SignJWT({ iss: issuer, aud: audience, ...claims })
      .setProtectedHeader({ alg: 'RS256', ...header })
      .setSubject('bob')
      .setExpirationTime(claims.exp ?? '5m')
      .sign(privateKey);

  beforeAll(async () => {
    signing = await generateKeyPair('RS256');
    const publicJwk = { ...(await exportJWK(signing.publicKey)), kid, alg: 'RS256', use: 'sig' };
    jwks = createServer((_req, res) => {
      jwksFetches++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }));
    });
    jwks.listen(0, '127.0.0.1');
    await once(jwks, 'listening');
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
    h = await startHarness({ env: { AUTH_JWKS_URL: jwksUrl, AUTH_ISSUER: issuer, AUTH_AUDIENCE: audience } });
  });
  afterAll(async () => {
    await h?.close();
    jwks?.close();
  });

  it('serves RS256 tokens signed by a key of the JWKS, fetching the JWKS once', async () => {
    jwksFetches = 0;
    for (let i = 0; i < 3; i++) {
      const answer = await post(h, Reads, readsOf(h), { authorization: `Bearer ${await rsToken({})}` });
      expect(answer.status).toBe(200);
      expect(answer.body.errors).toBeUndefined();
    }
    expect(jwksFetches).toBe(1);
  });

  it('refuses a token from another key under the same kid, an unknown kid, a wrong iss or aud, and an HS256 token keyed with the public key', async () => {
    const other = await generateKeyPair('RS256');
    const publicPem = await exportSPKI(signing.publicKey);
    const tokens = [
      await rsToken({}, other.privateKey),
      await rsToken({}, other.privateKey, { kid: 'key-unknown' }),
      await rsToken({ iss: 'https://elsewhere.test' }),
      await rsToken({ aud: 'another-service' }),
      await rsToken({ exp: Math.floor(Date.now() / 1000) - 60 }),
      // The classic key confusion: the public key (which anyone has) used as an HMAC secret.
      await new SignJWT({ iss: issuer, aud: audience })
        .setProtectedHeader({ alg: 'HS256', kid })
        .setSubject('mallory')
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(publicPem)),
    ];
    h.simulator.resetHits();
    for (const token of tokens) expectRefused(await post(h, Reads, readsOf(h), { authorization: `Bearer ${token}` }));
    expect(h.simulator.totalHits()).toBe(0);
  });
});

describe('start:live in production', () => {
  const base = {
    PATH: process.env['PATH'] ?? '',
    NODE_ENV: 'production',
    PORT: '0',
    LOG_LEVEL: 'info',
    // Loopback ports nothing listens on: a start never reaches the network.
    WORKFLOWS_API_URL: 'http://127.0.0.1:9/api/v1',
    FLOWS_API_URL: 'http://127.0.0.1:9/api/v1',
    MODELS_API_URL: 'http://127.0.0.1:9/v1',
    EACHLABS_API_KEY: 'a-server-side-key',
  };

  /** Spawns `src/main.ts --live`; resolves with its exit code and output, or 'listening' once it listens (then stops it). */
  async function start(env: Record<string, string>): Promise<{ outcome: number | 'listening'; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, ['src/main.ts', '--live'], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = once(child, 'exit');
    // Never left running: a start that neither listens nor exits in time is killed and fails.
    const stuck = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const outcome = await new Promise<number | 'listening'>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('listening on')) resolve('listening');
      });
      child.on('exit', (code) => resolve(code ?? -1));
    });
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    clearTimeout(stuck);
    return { outcome, stdout, stderr };
  }

  it('refuses to start with server-side credentials and no AUTH_*, and says why in one line', async () => {
    const { outcome, stderr } = await start({});
    expect(outcome).not.toBe('listening');
    expect(outcome).not.toBe(0);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/EACHLABS_API_KEY/);
    expect(lines[0]).toMatch(/AUTH_JWKS_URL or AUTH_JWT_SECRET, or AUTH_REQUIRED=false/);
  }, 30_000);

  it('starts with AUTH_JWT_SECRET set, or with AUTH_REQUIRED=false said explicitly', async () => {
    expect((await start({ AUTH_JWT_SECRET: secret })).outcome).toBe('listening');
    expect((await start({ AUTH_REQUIRED: 'false' })).outcome).toBe('listening');
  }, 30_000);
});

describe('AUTH_* configuration', () => {
  it('refuses settings that would not protect anything', () => {
    expect(() => loadConfig({ AUTH_REQUIRED: 'true' }, [])).toThrow(/AUTH_REQUIRED=true needs AUTH_JWKS_URL or AUTH_JWT_SECRET/);
    expect(() => loadConfig({ AUTH_JWT_SECRET: 'short' }, [])).toThrow(/at least 32 characters/);
    expect(() => loadConfig({ AUTH_JWT_SECRET: secret, AUTH_JWKS_URL: 'https://issuer.test/jwks' }, [])).toThrow(/not both/);
    expect(() => loadConfig({ AUTH_AUDIENCE: audience }, [])).toThrow(/need AUTH_JWKS_URL or AUTH_JWT_SECRET/);
    expect(loadConfig({ AUTH_JWT_SECRET: secret }, []).auth.required).toBe(true);
    expect(loadConfig({}, []).auth.required).toBe(false);
  });
});

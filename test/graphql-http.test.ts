/**
 * GraphQL over HTTP conformance: graphql-http's audit suite against the running gateway over
 * HTTP, with the plugins configured as in production (NODE_ENV=production: CSRF prevention of
 * simple POSTs, armor limits, batching, body limit, masked errors), also with caller authentication on. The results are pinned, so a change in
 * conformance is a visible test change; README "GraphQL over HTTP" lists them.
 */
import { type AuditResult, auditServer } from 'graphql-http';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './helpers/harness.ts';

type Level = 'MUST' | 'SHOULD' | 'MAY';
const levelOf = (result: AuditResult) => result.name.split(' ')[0] as Level;
const failing = (results: AuditResult[]) =>
  results
    .filter((r) => r.status !== 'ok')
    .map((r) => r.id)
    .sort();

function tally(results: AuditResult[]): Record<Level, string> {
  const count = (level: Level) => {
    const all = results.filter((r) => levelOf(r) === level);
    return `${all.filter((r) => r.status === 'ok').length}/${all.length}`;
  };
  return { MUST: count('MUST'), SHOULD: count('SHOULD'), MAY: count('MAY') };
}

/** The audits that probe variables with `query Type($name: String!) { __type(name: $name) … }`: introspection. */
const probeWithIntrospection = ['28B9', '2EA1', '6A70', 'D6D5'];

const authSecret = 'graphql-http-audit-secret-of-32-characters';

/** Sends these headers with every audit request. */
const withHeaders =
  (headers: Record<string, string>): typeof fetch =>
  (input, init) =>
    fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers } });

let production: Harness;
let productionWithIntrospection: Harness;
let productionWithAuth: Harness;
beforeAll(async () => {
  production = await startHarness({ env: { NODE_ENV: 'production' } });
  productionWithIntrospection = await startHarness({ env: { NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true' } });
  productionWithAuth = await startHarness({ env: { NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true', AUTH_JWT_SECRET: authSecret } });
});
afterAll(async () => {
  await production?.close();
  await productionWithIntrospection?.close();
  await productionWithAuth?.close();
});

describe('graphql-http audit (production plugins)', () => {
  it('passes every MUST, SHOULD and MAY, plain GETs included (as urql sends them)', async () => {
    const results = await auditServer({ url: productionWithIntrospection.url });
    expect(failing(results)).toEqual([]);
    expect(tally(results)).toEqual({ MUST: '13/13', SHOULD: '23/23', MAY: '25/25' });
  });

  it('with introspection off (the production default) misses only the audits that probe with __type', async () => {
    const results = await auditServer({ url: production.url });
    expect(failing(results)).toEqual([...probeWithIntrospection].sort());
    expect(tally(results)).toEqual({ MUST: '12/13', SHOULD: '22/23', MAY: '23/25' });
    for (const result of results.filter((r) => r.status !== 'ok')) {
      expect('response' in result && (await result.response.clone().text())).toMatch(/introspection/i);
    }
  });

  it('with AUTH_JWT_SECRET and a valid token, conforms as without authentication', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('auditor')
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(authSecret));
    const results = await auditServer({ url: productionWithAuth.url, fetchFn: withHeaders({ authorization: `Bearer ${token}` }) });
    expect(failing(results)).toEqual([]);
    expect(tally(results)).toEqual({ MUST: '13/13', SHOULD: '23/23', MAY: '25/25' });
  });
});

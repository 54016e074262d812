/**
 * Every GraphiQL example tab answers with data against the simulator, without errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { examplesFrom, graphiqlTabs } from '../src/graphiql.ts';
import { type Harness, startHarness } from './helpers/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

describe('GraphiQL example tabs', () => {
  it('has the six examples and the live tab (test/browser.test.ts runs it in the page, test/live.test.ts with a client)', () => {
    expect(graphiqlTabs(examplesFrom(h.simulator.data))).toHaveLength(7);
  });
  for (const index of [0, 1, 2, 3, 4, 5]) {
    it(`tab ${index + 1} answers with data and no errors`, async () => {
      const tab = graphiqlTabs(examplesFrom(h.simulator.data))[index]!;
      const { status, body } = await h.post({
        query: tab.query,
        variables: tab.variables ? JSON.parse(tab.variables) : undefined,
      });
      expect(body.errors).toBeUndefined();
      expect(status).toBe(200);
      const values = Object.values(body.data ?? {});
      expect(values.length).toBeGreaterThan(0);
      for (const value of values) expect(value).not.toBeNull();
    });
  }
});

describe('GraphiQL page', () => {
  it('loads its scripts and styles from the gateway itself, not a CDN', async () => {
    const html = await (await fetch(h.url, { headers: { accept: 'text/html' } })).text();
    expect(html).not.toContain('unpkg.com');
    const assets = [...html.matchAll(/\/graphiql\/assets\/[^"'\s>]+/g)].map((m) => m[0]);
    expect(assets.some((a) => a.endsWith('.umd.js'))).toBe(true);
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    const origin = new URL(h.url).origin;
    for (const asset of new Set(assets)) {
      const response = await fetch(origin + asset);
      expect(response.status, asset).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/(javascript|css)/);
      await response.arrayBuffer();
    }
  });

  it('serves nothing outside the package', async () => {
    const origin = new URL(h.url).origin;
    for (const path of ['/graphiql/assets/..%2F..%2Fpackage.json', '/graphiql/assets/../../../etc/passwd', '/graphiql/assets/x.json']) {
      const response = await fetch(origin + path);
      expect(response.status).toBe(404);
      await response.arrayBuffer();
    }
  });
});

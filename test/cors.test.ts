/**
 * Which browser origins may read answers (`CORS_ORIGINS`, README "Security"). Over HTTP: a
 * foreign origin gets no CORS header on the preflight or on the request. In Chromium: a page on
 * one loopback origin that posts a triggerWorkflow mutation to the gateway on another cannot
 * read the answer (and its mutation never reaches the upstream), unless its origin is allowed.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { launchChromium } from './helpers/chromium.ts';
import { type Harness, startHarness } from './helpers/harness.ts';

const corsHeaders = (response: Response) =>
  Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('access-control-')));

async function preflight(h: Harness, origin: string): Promise<Record<string, string>> {
  const response = await fetch(h.url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
  });
  await response.arrayBuffer();
  return corsHeaders(response);
}

async function request(h: Harness, origin: string): Promise<Record<string, string>> {
  const response = await fetch(h.url, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  await response.arrayBuffer();
  return corsHeaders(response);
}

describe('CORS over HTTP', () => {
  let production: Harness;
  let allowList: Harness;
  let development: Harness;
  beforeAll(async () => {
    production = await startHarness({ env: { NODE_ENV: 'production' } });
    allowList = await startHarness({ env: { NODE_ENV: 'production', CORS_ORIGINS: 'https://app.example.com, http://127.0.0.1:5173' } });
    development = await startHarness();
  });
  afterAll(async () => {
    await production?.close();
    await allowList?.close();
    await development?.close();
  });

  it('in production by default, answers no origin with a CORS header, loopback ones included', async () => {
    for (const origin of ['https://evil.example', 'http://localhost:3000', 'http://127.0.0.1:5173', 'null']) {
      expect(await preflight(production, origin)).toEqual({});
      expect(await request(production, origin)).toEqual({});
    }
  });

  it('with CORS_ORIGINS, allows exactly those origins, without credentials', async () => {
    for (const origin of ['https://app.example.com', 'http://127.0.0.1:5173']) {
      expect(await preflight(allowList, origin)).toMatchObject({
        'access-control-allow-origin': origin,
        'access-control-allow-methods': 'POST',
      });
      expect(await request(allowList, origin)).toMatchObject({ 'access-control-allow-origin': origin });
      expect(await request(allowList, origin)).not.toHaveProperty('access-control-allow-credentials');
    }
    for (const origin of [
      'https://evil.example',
      'https://app.example.com.evil.example',
      'http://app.example.com',
      'http://127.0.0.1:5174',
      'http://localhost:5173',
    ]) {
      expect(await preflight(allowList, origin)).toEqual({});
      expect(await request(allowList, origin)).toEqual({});
    }
  });

  it('outside production by default, allows localhost, 127.0.0.1 and [::1] on any port, and nothing else', async () => {
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:3000', 'http://[::1]:8080', 'https://localhost']) {
      expect(await preflight(development, origin)).toMatchObject({ 'access-control-allow-origin': origin });
    }
    for (const origin of ['https://evil.example', 'http://localhost.evil.example', 'http://127.0.0.2:3000', 'null', 'file://']) {
      expect(await preflight(development, origin)).toEqual({});
      expect(await request(development, origin)).toEqual({});
    }
  });

  it('refuses CORS_ORIGINS entries that are not origins', () => {
    for (const entry of ['*', 'https://app.example.com/path', 'app.example.com']) {
      expect(() => loadConfig({ CORS_ORIGINS: entry }, [])).toThrow(/CORS_ORIGINS entries must be origins/);
    }
    expect(loadConfig({ CORS_ORIGINS: 'https://App.Example.com:443/' }, []).cors.origins).toEqual(['https://app.example.com']);
  });
});

/** What a page's script got from fetching the gateway: the answer's text, or the browser's refusal. */
type PageFetch = { read: true; status: number; text: string } | { read: false; error: string };

describe('CORS in Chromium: a page on another origin posts a mutation to the gateway', () => {
  let browser: Browser;
  let pages: Server;
  let pagePort: number;
  beforeAll(async () => {
    // The page's own origin: a server that answers every path with an empty page.
    pages = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>page</title>'));
    pages.listen(0, '127.0.0.1');
    await once(pages, 'listening');
    pagePort = (pages.address() as AddressInfo).port;
    // evil.test is a name for loopback: a foreign host name without leaving the machine.
    browser = await launchChromium(['--host-resolver-rules=MAP evil.test 127.0.0.1']);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    pages?.close();
  });

  /** Opens `pageOrigin` and, from its script, posts triggerWorkflow to the gateway of `h`. */
  async function postFrom(pageOrigin: string, h: Harness): Promise<PageFetch> {
    const page = await browser.newPage();
    try {
      await page.goto(`${pageOrigin}/`);
      const workflowId = h.simulator.data.workflows.find((w) =>
        w.executionIds.includes(h.simulator.data.picks.completedImageExecution),
      )!.id;
      const body = JSON.stringify({
        query:
          'mutation($wf: String!) { triggerWorkflow(workflowId: $wf, inputs: { prompt: "from another origin" }) { accepted executionId } }',
        variables: { wf: workflowId },
      });
      return await page.evaluate(
        async ({ url, body }): Promise<PageFetch> => {
          try {
            const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
            return { read: true, status: response.status, text: await response.text() };
          } catch (error) {
            return { read: false, error: String(error) };
          }
        },
        { url: h.url, body },
      );
    } finally {
      await page.close();
    }
  }

  const triggers = (h: Harness) => h.simulator.requests().filter((r) => r.method === 'POST' && r.host === 'workflows').length;

  it('in production, a page on another loopback port can neither trigger nor read; one listed in CORS_ORIGINS can', async () => {
    const pageOrigin = `http://127.0.0.1:${pagePort}`;
    const closed = await startHarness({ env: { NODE_ENV: 'production' } });
    const listed = await startHarness({ env: { NODE_ENV: 'production', CORS_ORIGINS: pageOrigin } });
    try {
      const refused = await postFrom(pageOrigin, closed);
      expect(refused).toEqual({ read: false, error: expect.stringMatching(/Failed to fetch/) });
      expect(triggers(closed)).toBe(0);

      const allowed = await postFrom(pageOrigin, listed);
      expect(allowed).toMatchObject({ read: true, status: 200 });
      expect(allowed.read && JSON.parse(allowed.text)).toMatchObject({ data: { triggerWorkflow: { accepted: true } } });
      expect(triggers(listed)).toBe(1);
    } finally {
      await closed.close();
      await listed.close();
    }
  }, 60_000);

  it('outside production, a page on a foreign host name can neither trigger nor read; a localhost page can', async () => {
    const h = await startHarness();
    try {
      const refused = await postFrom(`http://evil.test:${pagePort}`, h);
      expect(refused).toEqual({ read: false, error: expect.stringMatching(/Failed to fetch/) });
      expect(triggers(h)).toBe(0);

      const local = await postFrom(`http://localhost:${pagePort}`, h);
      expect(local).toMatchObject({ read: true, status: 200 });
      expect(triggers(h)).toBe(1);
    } finally {
      await h.close();
    }
  }, 60_000);
});

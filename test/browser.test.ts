/**
 * GraphiQL in a real browser: Debian's Chromium driven by playwright-core opens the gateway,
 * runs the first example tab and finds data in the result pane. The suite's setup
 * (test/setup/system.ts) installs Chromium where it is missing, or stops the run: never skipped.
 */
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './helpers/harness.ts';
import { chromiumPath as executablePath } from './setup/system.ts';

describe('GraphiQL in Chromium', () => {
  let h: Harness;
  let browser: Browser;
  beforeAll(async () => {
    h = await startHarness();
    browser = await chromium.launch({
      executablePath,
      // The flags keep Chromium off the network: this machine has none but loopback.
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('runs the default example and shows its data', async () => {
    const page = await browser.newPage();
    const requestedHosts = new Set<string>();
    page.on('request', (request) => {
      const url = new URL(request.url());
      // blob: and data: URLs (Monaco's workers) are not network requests.
      if (url.protocol === 'http:' || url.protocol === 'https:') requestedHosts.add(url.host);
    });
    await page.goto(h.url);
    await page.waitForSelector('.graphiql-execute-button', { timeout: 20_000 });
    await page.click('.graphiql-execute-button');
    const result = page.locator('.graphiql-response');
    await expect.poll(() => result.innerText(), { timeout: 20_000 }).toContain('"workflowExecution"');
    // The result pane is a Monaco editor: it renders spaces as no-break spaces.
    const text = (await result.innerText()).replace(/\u00a0/g, ' ');
    expect(text).toContain('"status": "COMPLETED"');
    expect(text).toContain('.png');
    expect(text).not.toContain('"errors"');
    // Everything the page loaded came from the gateway itself.
    expect([...requestedHosts]).toEqual([new URL(h.url).host]);
  }, 60_000);
});

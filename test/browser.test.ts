/**
 * GraphiQL in a real browser: Debian's Chromium driven by playwright-core opens the gateway,
 * runs the first example tab and finds data in the result pane, and runs the live tab's trigger
 * and subscription (a GET with `Accept: text/event-stream`) as a user would. The suite's setup
 * (test/setup/system.ts) installs Chromium where it is missing, or stops the run: never skipped.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './helpers/chromium.ts';
import { type Harness, startHarness } from './helpers/harness.ts';

describe('GraphiQL in Chromium', () => {
  let h: Harness;
  let browser: Browser;
  beforeAll(async () => {
    h = await startHarness();
    browser = await launchChromium();
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

  it('runs the live tab as a user does: Trigger, paste the id it returns, Watch, and events arrive in the result pane', async () => {
    // Its own gateway and simulator: this one moves the simulated clock, with polls a hundredth of the defaults.
    const own = await startHarness({ env: { LIVE_POLL_MIN_MS: '20', LIVE_POLL_MAX_MS: '150', LIVE_LEASE_MS: '1000' } });
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const page = await context.newPage();
    try {
      await page.goto(own.url);
      await page.waitForSelector('.graphiql-execute-button', { timeout: 20_000 });
      await page.locator('.graphiql-tab').last().click();
      const result = page.locator('.graphiql-response');
      // Monaco wraps long lines and renders spaces as no-break spaces: compare without whitespace.
      const pane = async () => (await result.innerText()).replace(/\s+/g, '');
      // The tab holds two operations: the execute button asks which.
      const run = async (operation: string) => {
        await page.click('.graphiql-execute-button');
        await page.getByRole('menuitem', { name: operation }).click();
      };

      await run('Trigger');
      await expect.poll(pane, { timeout: 20_000 }).toContain('"triggerWorkflow"');
      const triggered = await pane();
      expect(triggered).toContain('"accepted":true');
      const id = /"id":"([^"]+)"/.exec(triggered)![1]!;
      const executionId = /"executionId":"([^"]+)"/.exec(triggered)![1]!;

      const variables = page.locator('.graphiql-editor-tool .graphiql-editor').first();
      await variables.click();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.press('Delete');
      await page.evaluate((text) => navigator.clipboard.writeText(text), JSON.stringify({ id }, null, 2));
      await page.keyboard.press('ControlOrMeta+V');

      await run('Watch');
      const events = new Set<string>();
      for (let i = 0; i < 100 && ![...events].some((event) => event.includes('"isTerminal":true')); i++) {
        const text = await pane();
        expect(text).not.toContain('"errors"');
        if (text.includes('"executionUpdated"')) events.add(text.replace(/,?"extensions":.*$/, ''));
        own.simulator.advance(5_000);
        await page.waitForTimeout(100);
      }
      const states = [...events];
      expect(states.length).toBeGreaterThanOrEqual(2);
      expect(states[0]).toContain('"status":"RUNNING"');
      expect(states.at(-1)).toContain('"status":"COMPLETED"');
      // The execution Trigger started, not the tab's preset one.
      for (const state of states) expect(state).toContain(`"executionId":"${executionId}"`);
    } finally {
      await context.close();
      await own.close();
    }
  }, 90_000);
});

/**
 * Headless Chromium for the browser tests, from the path the suite's setup (test/setup/system.ts)
 * makes sure of: never skipped.
 */
import { type Browser, chromium } from 'playwright-core';
import { chromiumPath } from '../setup/system.ts';

/** The flags keep Chromium off the network: this machine has none but loopback. `extraArgs` add to them. */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

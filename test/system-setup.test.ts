/**
 * The suite's own setup (test/setup/system.ts) on a fresh machine: a PATH without redis-server
 * and Chromium. As root with apt-get it installs both, then finds them; without root or apt-get it
 * stops at once naming the packages, rather than letting the Redis hook time out and the browser
 * test be skipped.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureSystemPackages, requirements, type Requirement } from './setup/system.ts';

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

/** A bin directory holding only the given executables (shell scripts that exit 0). */
function binWith(names: readonly string[]): string {
  dir = mkdtempSync(join(tmpdir(), 'system-setup-'));
  for (const name of names) {
    writeFileSync(join(dir, name), '#!/bin/sh\nexit 0\n');
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

const needs = (bin: string): Requirement[] => [
  { command: 'redis-server', package: 'redis-server' },
  { command: join(bin, 'chromium'), package: 'chromium' },
];

describe('system packages for the suite', () => {
  it('needs redis-server and chromium, nothing it could skip', () => {
    expect(requirements.map((need) => need.package)).toEqual(['redis-server', 'chromium']);
  });

  it('as root with apt-get, installs what is missing with apt-get and goes on', () => {
    const bin = binWith(['apt-get']);
    const calls: string[] = [];
    ensureSystemPackages(needs(bin), {
      path: bin,
      root: true,
      run: (command, args) => {
        calls.push(`${command} ${args.join(' ')}`);
        // What the install does: the programs appear.
        if (args[0] === 'install')
          for (const name of ['redis-server', 'chromium']) writeFileSync(join(bin, name), '#!/bin/sh\n', { mode: 0o755 });
        return 0;
      },
      log: () => undefined,
    });
    expect(calls).toEqual(['apt-get update -qq', 'apt-get install -y -qq --no-install-recommends redis-server chromium']);
  });

  it('installs only what is missing, and nothing when all is there', () => {
    const bin = binWith(['apt-get', 'redis-server', 'chromium']);
    const calls: string[] = [];
    const run = (command: string, args: readonly string[]) => (calls.push(`${command} ${args.join(' ')}`), 0);
    ensureSystemPackages(needs(bin), { path: bin, root: true, run, log: () => undefined });
    expect(calls).toEqual([]);
    rmSync(join(bin, 'chromium'));
    expect(() => ensureSystemPackages(needs(bin), { path: bin, root: true, run, log: () => undefined })).toThrow(/still not there/);
    expect(calls.at(-1)).toBe('apt-get install -y -qq --no-install-recommends chromium');
  });

  it('without root, or without apt-get, stops at once naming the packages', () => {
    const bin = binWith(['apt-get']);
    const run = () => {
      throw new Error('must not run anything');
    };
    expect(() => ensureSystemPackages(needs(bin), { path: bin, root: false, run, log: () => undefined })).toThrow(
      /needs Debian's redis-server and chromium.*not root.*sudo apt-get install -y redis-server chromium/,
    );
    rmSync(join(bin, 'apt-get'));
    expect(() => ensureSystemPackages(needs(bin), { path: bin, root: true, run, log: () => undefined })).toThrow(/no apt-get/);
  });

  it('stops when apt-get fails', () => {
    const bin = binWith(['apt-get']);
    expect(() => ensureSystemPackages(needs(bin), { path: bin, root: true, run: () => 100, log: () => undefined })).toThrow(
      /apt-get update -qq` failed \(exit 100\)/,
    );
  });
});

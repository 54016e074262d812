/**
 * The Debian packages the suite drives as real programs: `redis-server` (test/redis.test.ts) and
 * `chromium` (test/browser.test.ts, through playwright-core, which downloads no browser). Vitest
 * runs this once before any test file: what is missing is installed with apt-get when this runs
 * as root on a machine that has it (a fresh Debian machine runs `npm ci && npm test` as it is);
 * elsewhere the run stops at once, naming the packages. No test is ever skipped for want of them.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** Where the browser test finds Chromium (Debian's package puts it there). */
export const chromiumPath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export interface Requirement {
  /** A command name looked up on PATH, or an absolute path. */
  readonly command: string;
  /** The Debian package that provides it. */
  readonly package: string;
}

export const requirements: readonly Requirement[] = [
  { command: 'redis-server', package: 'redis-server' },
  { command: chromiumPath, package: 'chromium' },
];

export interface SystemOptions {
  readonly path: string;
  readonly root: boolean;
  /** Runs a command to completion; returns its exit status. */
  readonly run: (command: string, args: readonly string[]) => number | null;
  readonly log: (line: string) => void;
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function found(command: string, path: string): boolean {
  if (isAbsolute(command)) return executable(command);
  return path.split(delimiter).some((dir) => dir !== '' && executable(join(dir, command)));
}

/** Installs what is missing, or throws naming it. */
export function ensureSystemPackages(needs: readonly Requirement[], options: SystemOptions): void {
  const missing = () => needs.filter((need) => !found(need.command, options.path));
  const packages = missing().map((need) => need.package);
  if (packages.length === 0) return;
  const install = `apt-get install -y ${packages.join(' ')}`;
  if (!options.root || !found('apt-get', options.path)) {
    throw new Error(
      `The test suite needs Debian's ${packages.join(' and ')}, and cannot install ${packages.length > 1 ? 'them' : 'it'} here ` +
        `(${options.root ? 'no apt-get' : 'not root'}): run \`sudo ${install}\` (or set CHROMIUM_PATH to a Chromium), then test again.`,
    );
  }
  options.log(`test setup: installing ${packages.join(', ')} (apt-get), needed by the Redis and browser tests`);
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', ...packages],
  ]) {
    const status = options.run('apt-get', args);
    if (status !== 0)
      throw new Error(`\`apt-get ${args.join(' ')}\` failed (exit ${status}): install ${packages.join(' ')} by hand, then test again.`);
  }
  const still = missing();
  if (still.length > 0)
    throw new Error(`apt-get installed ${packages.join(' ')} but ${still.map((need) => need.command).join(', ')} is still not there.`);
}

export default function setup(): void {
  ensureSystemPackages(requirements, {
    path: process.env['PATH'] ?? '',
    root: process.getuid?.() === 0,
    run: (command, args) =>
      spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status,
    log: (line) => console.log(line),
  });
}

/**
 * The Dockerfile, correct by construction (no `docker build` on these machines, and hadolint
 * has no offline install): it parses and validates (dockerfile-utils, the Docker language
 * server's validator), it is multi-stage with production dependencies only, non-root, with a
 * HEALTHCHECK, listening on every interface (HOST), and what it runs needs nothing from devDependencies.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url);
const dockerfile = readFileSync(new URL('Dockerfile', root), 'utf8');
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
};
/** Instructions of the last stage, continuation lines joined. */
const instructions = dockerfile
  .replace(/\\\n\s*/g, ' ')
  .split('\n')
  .filter((line) => /^[A-Z]+\s/.test(line));
const finalStage = instructions.slice(instructions.findLastIndex((line) => line.startsWith('FROM ')));

describe('Dockerfile', () => {
  it('validates', () => {
    expect(validate(dockerfile).map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  it('is multi-stage, installs production dependencies from the lockfile, runs as non-root with a HEALTHCHECK, on every interface', () => {
    expect(instructions.filter((line) => line.startsWith('FROM ')).length).toBeGreaterThanOrEqual(2);
    expect(instructions.find((line) => line.startsWith('RUN npm ci'))).toContain('--omit=dev');
    expect(finalStage.filter((line) => line.startsWith('USER ')).at(-1)).toMatch(/^USER (?!root\b|0\b)\w+/);
    expect(finalStage.some((line) => line.startsWith('HEALTHCHECK ') && line.includes('/health'))).toBe(true);
    expect(finalStage.at(-1)).toBe('CMD ["npm", "run", "start:live"]');
    // The gateway binds loopback by default (HOST); in a container that is unreachable from the published port.
    expect(finalStage.filter((line) => line.startsWith('ENV ')).join(' ')).toMatch(/\bHOST=0\.0\.0\.0\b/);
    // A pinned major, never `latest` or no tag.
    for (const from of instructions.filter((line) => line.startsWith('FROM ')))
      expect(from).toMatch(/^FROM [\w./-]+:\d+[\w.-]*( AS \w+)?$/);
  });

  it('runs `start:live` with node alone, over source whose every package import is a dependency', () => {
    expect(pkg.scripts['start:live']).toMatch(/^node src\/\S+\.ts --live$/);
    const sources = listSources(new URL('src/', root));
    const packages = new Set<string>();
    for (const file of sources) {
      for (const [, specifier] of readFileSync(file, 'utf8').matchAll(
        /(?:^(?:import|export)\b[^;]*?\bfrom\s*|\bimport\(\s*)'([@a-z][^']*)'/gm,
      )) {
        if (specifier!.startsWith('node:')) continue;
        packages.add(specifier!.startsWith('@') ? specifier!.split('/').slice(0, 2).join('/') : specifier!.split('/')[0]!);
      }
    }
    expect(packages).toContain('graphql-yoga');
    expect([...packages].filter((name) => !(name in pkg.dependencies))).toEqual([]);
  });
});

function listSources(dir: URL): URL[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listSources(new URL(`${entry.name}/`, dir)) : entry.name.endsWith('.ts') ? [new URL(entry.name, dir)] : [],
  );
}

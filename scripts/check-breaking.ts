/**
 * Breaking-change check (`npm run check`): the working schema.graphql against the one committed
 * on the base branch (`main`, or `--base REV`), with @graphql-inspector/core. Exits 1 on a
 * breaking change; prints dangerous ones. Outside a git checkout, or without the base ref or
 * its schema.graphql, it says so and passes: there is nothing to compare with.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { type Change, CriticalityLevel, diff } from '@graphql-inspector/core';
import { buildSchema } from 'graphql';

export interface SchemaChanges {
  readonly breaking: readonly Change[];
  readonly dangerous: readonly Change[];
  readonly safe: readonly Change[];
}

/** Every change from `before` to `after`, by criticality. */
export async function schemaChanges(before: string, after: string): Promise<SchemaChanges> {
  const changes = await diff(buildSchema(before), buildSchema(after));
  const at = (level: CriticalityLevel) => changes.filter((change) => change.criticality.level === level);
  return { breaking: at(CriticalityLevel.Breaking), dangerous: at(CriticalityLevel.Dangerous), safe: at(CriticalityLevel.NonBreaking) };
}

/** schema.graphql at `ref`, or null when git, the ref or the file is not there. */
function committedSchema(ref: string, cwd: string): string | null {
  for (const candidate of [ref, `origin/${ref}`]) {
    try {
      return execFileSync('git', ['show', `${candidate}:schema.graphql`], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      // try the next candidate
    }
  }
  return null;
}

async function main(): Promise<void> {
  const root = new URL('..', import.meta.url).pathname;
  const baseIndex = process.argv.indexOf('--base');
  const base = baseIndex >= 0 ? process.argv[baseIndex + 1]! : 'main';
  const before = committedSchema(base, root);
  if (before === null) {
    console.log(`check-breaking: no schema.graphql at ${base} (not a git checkout, or no such ref): nothing to compare`);
    return;
  }
  const { breaking, dangerous, safe } = await schemaChanges(before, readFileSync(`${root}schema.graphql`, 'utf8'));
  for (const change of dangerous) console.log(`dangerous: ${change.message}`);
  for (const change of breaking) console.error(`BREAKING: ${change.message}`);
  console.log(
    `check-breaking: schema.graphql against ${base}: ${breaking.length} breaking, ${dangerous.length} dangerous, ${safe.length} safe`,
  );
  if (breaking.length > 0) process.exitCode = 1;
}

if (import.meta.main) await main();

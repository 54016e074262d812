/**
 * `npm run lint`: graphql-eslint's Relay rules (eslint.config.ts) pass on the committed
 * schema.graphql, typescript-eslint's type-aware rules pass on the TypeScript, and prettier finds
 * every file formatted; each is live: a broken connection, a floating promise and a badly
 * formatted line are reported.
 */
import { globSync, readFileSync } from 'node:fs';
import { ESLint } from 'eslint';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { schemaChanges } from '../scripts/check-breaking.ts';

const schemaFile = new URL('../schema.graphql', import.meta.url);
const committed = readFileSync(schemaFile, 'utf8');
const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });

async function problems(text: string): Promise<string[]> {
  const [result] = await eslint.lintText(text, { filePath: schemaFile.pathname });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('npm run lint (graphql-eslint Relay rules)', () => {
  it('passes on schema.graphql', async () => {
    expect(await problems(committed)).toEqual([]);
  });

  it('reports a connection without pageInfo and a PageInfo without endCursor', async () => {
    const broken = committed
      .replace(/(type ModelExecutionConnection \{[^}]*?)\n\s*pageInfo: PageInfo!/, '$1')
      .replace(/(type PageInfo \{[^}]*?)\n\s*endCursor: String/, '$1');
    expect(broken).not.toBe(committed);
    const found = await problems(broken);
    expect(found.some((p) => p.startsWith('@graphql-eslint/relay-connection-types'))).toBe(true);
    expect(found.some((p) => p.startsWith('@graphql-eslint/relay-page-info'))).toBe(true);
  });
});

describe('breaking-change check (scripts/check-breaking.ts)', () => {
  it('finds a removed field breaking and an added field safe', async () => {
    const removed = committed.replace(/\n\s*retryCount: Int!/, '');
    const added = committed.replace(/type TaskExecution implements Execution & Node \{/, '$&\n  extra: String');
    expect((await schemaChanges(committed, removed)).breaking.map((c) => c.path)).toEqual(['TaskExecution.retryCount']);
    const { breaking, safe } = await schemaChanges(committed, added);
    expect(breaking).toEqual([]);
    expect(safe.map((c) => c.path)).toEqual(['TaskExecution.extra']);
  });
});

const root = new URL('..', import.meta.url).pathname;

describe('npm run lint (typescript-eslint, type-aware, and prettier)', () => {
  it('passes on src, test, bench and scripts', async () => {
    const results = await eslint.lintFiles(['src', 'test', 'bench', 'scripts']);
    const found = results.flatMap((result) => result.messages.map((m) => `${result.filePath.replace(root, '')}:${m.line} ${m.ruleId}`));
    expect(found).toEqual([]);
    expect(results.length).toBeGreaterThan(100);
  }, 180_000);

  it('reports a floating promise and an unchecked any', async () => {
    const file = new URL('../src/context.ts', import.meta.url).pathname;
    const text = `${readFileSync(file, 'utf8')}\nasync function probe(): Promise<void> {}\nprobe();\nexport const loose: any = 1;\n`;
    const [result] = await eslint.lintText(text, { filePath: file });
    const rules = result!.messages.map((m) => m.ruleId);
    expect(rules).toContain('@typescript-eslint/no-floating-promises');
    expect(rules).toContain('@typescript-eslint/no-explicit-any');
  }, 60_000);

  it('finds every TypeScript file formatted, and a badly formatted one is not', async () => {
    const options = await prettier.resolveConfig(`${root}src/context.ts`);
    const files = globSync('{src,test,bench,scripts}/**/*.ts', {
      cwd: root,
      exclude: (name) => name === 'gql' || name === '__generated__',
    }).map((file) => `${root}${file}`);
    const unformatted: string[] = [];
    for (const file of files) {
      if (!(await prettier.check(readFileSync(file, 'utf8'), { ...options, filepath: file }))) unformatted.push(file.replace(root, ''));
    }
    expect(files.length).toBeGreaterThan(100);
    expect(unformatted).toEqual([]);
    expect(await prettier.check('const a = {b:1}\n', { ...options, filepath: `${root}src/x.ts` })).toBe(false);
  }, 180_000);
});

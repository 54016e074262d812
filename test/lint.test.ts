/**
 * Relay conformance: graphql-eslint's Relay rules (eslint.config.ts) pass on the committed
 * schema.graphql, and are live: a connection without `pageInfo` and a PageInfo without
 * `endCursor` are reported.
 */
import { readFileSync } from 'node:fs';
import { ESLint } from 'eslint';
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

/**
 * The measure behind MAX_RESPONSE_BYTES (plugins/response-size.ts): the bytes JSON.stringify would
 * produce, computed without building the string, and cut short once past a budget.
 */
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { jsonBytes } from '../src/plugins/response-size.ts';

describe('jsonBytes', () => {
  const values: unknown[] = [
    null,
    0,
    -1.5e-7,
    Number.NaN,
    true,
    'plain',
    'quote " backslash \\ newline \n tab \t bell \u0007 nul \u0000',
    'é 中文 😀',
    'lone \ud800 surrogates \udc00 and a pair \ud83d\ude00',
    [1, undefined, () => 1, 'x'],
    { a: 1, skipped: undefined, f: () => 1, nested: { b: [null, { c: 'd' }] } },
    { date: new Date(0), error: new GraphQLError('boom', { extensions: { code: 'X' } }) },
    {},
    [],
  ];
  it('is the UTF-8 length of JSON.stringify', () => {
    for (const value of values) expect(jsonBytes(value), JSON.stringify(value)).toBe(Buffer.byteLength(JSON.stringify(value)));
    expect(jsonBytes(values)).toBe(Buffer.byteLength(JSON.stringify(values)));
  });

  it('stops once past the budget', () => {
    const shared = 'x'.repeat(1000);
    const big = Array.from({ length: 1_000_000 }, () => shared);
    const bytes = jsonBytes(big, 10_000);
    expect(bytes).toBeGreaterThan(10_000);
    expect(bytes).toBeLessThan(12_000);
  });
});

/**
 * Bounded answers: a result whose JSON would be over MAX_RESPONSE_BYTES is replaced by a
 * RESPONSE_TOO_LARGE error before yoga serialises it. The result is measured, not serialised:
 * aliases and repeated ids make an answer many times the size of what the upstreams sent (one
 * output referenced 100 times), and serialising first would build exactly the string the limit
 * is there to prevent. A batch shares the limit; each subscription event has it to itself.
 */
import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { responseTooLarge } from '../errors.ts';

/** Thrown to stop measuring once past the budget. */
const overBudget = Symbol('over budget');

// Characters JSON.stringify escapes (controls, quote, backslash) or may (lone surrogates).
const mayEscape = /[\u0000-\u001f"\\\ud800-\udfff]/;

/** UTF-8 bytes of `JSON.stringify(text)`. */
function stringBytes(text: string): number {
  let bytes = Buffer.byteLength(text, 'utf8') + 2;
  if (!mayEscape.test(text)) return bytes;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22 || code === 0x5c || code === 0x08 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d) bytes += 1;
    else if (code < 0x20)
      bytes += 5; // \u00XX
    else if (code >= 0xd800 && code <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00)
      i += 1; // a pair: 4 bytes either way
    else if (code >= 0xd800 && code <= 0xdfff) bytes += 3; // lone: \uXXXX, where UTF-8 has the 3-byte replacement
  }
  return bytes;
}

/**
 * UTF-8 bytes of `JSON.stringify(value)`, following its rules (toJSON, skipped undefined and
 * functions, null for non-finite numbers); stops early and answers more than `budget` once past it.
 */
export function jsonBytes(value: unknown, budget = Number.POSITIVE_INFINITY): number {
  let total = 0;
  const add = (bytes: number) => {
    total += bytes;
    if (total > budget) throw overBudget; // eslint-disable-line @typescript-eslint/only-throw-error -- a sentinel, caught below: no stack to build on the hot path
  };
  const visit = (key: string, input: unknown): boolean => {
    let value = input;
    if (typeof value === 'object' && value !== null && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
      value = (value as { toJSON(key: string): unknown }).toJSON(key);
    }
    switch (typeof value) {
      case 'string':
        add(stringBytes(value));
        return true;
      case 'number':
        add(Number.isFinite(value) ? String(value).length : 4);
        return true;
      case 'boolean':
        add(value ? 4 : 5);
        return true;
      case 'bigint':
        add(String(value).length); // JSON.stringify throws on these: serialisation fails anyway
        return true;
      case 'object':
        break;
      default:
        return false; // undefined, functions, symbols: skipped in objects, null in arrays
    }
    if (value === null) {
      add(4);
    } else if (Array.isArray(value)) {
      add(2);
      value.forEach((item, index) => {
        add(index === 0 ? 0 : 1);
        if (!visit(String(index), item)) add(4);
      });
    } else {
      add(2);
      let first = true;
      for (const [name, item] of Object.entries(value)) {
        const before = total;
        add(stringBytes(name) + 1 + (first ? 0 : 1));
        if (visit(name, item)) first = false;
        else total = before;
      }
    }
    return true;
  };
  try {
    visit('', value);
  } catch (error) {
    if (error === overBudget) return total;
    throw error;
  }
  return total;
}

/** The result if its JSON fits in `budget` bytes, else the RESPONSE_TOO_LARGE answer; with its size. */
function fit(result: ExecutionResult, budget: number, maxBytes: number): { result: ExecutionResult; bytes: number } {
  const bytes = jsonBytes(result, budget);
  if (bytes <= budget) return { result, bytes };
  const refused: ExecutionResult = { data: null, errors: [responseTooLarge(maxBytes)] };
  return { result: refused, bytes: jsonBytes(refused) };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/** The events of `source`, each through `map`; closing it closes `source` at once (no wait for a next event). */
function mapEvents(
  source: AsyncIterable<ExecutionResult>,
  map: (event: ExecutionResult) => ExecutionResult,
): AsyncIterableIterator<ExecutionResult> {
  const iterator = source[Symbol.asyncIterator]();
  const mapped: AsyncIterableIterator<ExecutionResult> = {
    [Symbol.asyncIterator]: () => mapped,
    next: async () => {
      const step = await iterator.next();
      return step.done ? step : { done: false, value: map(step.value) };
    },
    return: async (value?: unknown) => (await iterator.return?.(value)) ?? { done: true, value: undefined },
    throw: async (error?: unknown) => {
      if (iterator.throw) return iterator.throw(error);
      throw error;
    },
  };
  return mapped;
}

export function useResponseSizeLimit(maxBytes: number): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      if (isAsyncIterable(result)) {
        setResult(mapEvents(result as AsyncIterable<ExecutionResult>, (event) => fit(event, maxBytes, maxBytes).result));
        return;
      }
      if (!Array.isArray(result)) {
        const fitted = fit(result as ExecutionResult, maxBytes, maxBytes);
        if (fitted.result !== result) setResult(fitted.result);
        return;
      }
      // `[`, `]` and a comma between results; each result gets what the ones before it left.
      let left = maxBytes - 1;
      let replaced = false;
      const results = (result as ExecutionResult[]).map((item) => {
        const fitted = fit(item, left - 1, maxBytes);
        left -= fitted.bytes + 1;
        replaced ||= fitted.result !== item;
        return fitted.result;
      });
      if (replaced) setResult(results);
    },
  };
}

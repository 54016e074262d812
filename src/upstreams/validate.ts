/**
 * Tiny hand-written checks for wire validators: required fields must have their type, optional
 * ones may be absent or null, extra fields are ignored. A mismatch is the upstream's fault, so it
 * surfaces as UPSTREAM_ERROR naming only the host.
 */
import type { GraphQLError } from 'graphql';
import { upstreamError } from '../errors.ts';
import type { UpstreamName } from '../model.ts';
import { isPlainObject } from './json.ts';

export function unexpectedShape(upstream: UpstreamName): GraphQLError {
  return upstreamError('UPSTREAM_ERROR', upstream, `The ${upstream} upstream answered an unexpected shape`);
}

export interface Checker {
  object(value: unknown): Record<string, unknown>;
  array(value: unknown): readonly unknown[];
  string(record: Record<string, unknown>, key: string): string;
  optString(record: Record<string, unknown>, key: string): string | null | undefined;
  optNumber(record: Record<string, unknown>, key: string): number | null | undefined;
  number(record: Record<string, unknown>, key: string): number;
  optObject(record: Record<string, unknown>, key: string): Record<string, unknown> | null | undefined;
  optArray(record: Record<string, unknown>, key: string): readonly unknown[] | null | undefined;
}

export function checker(upstream: UpstreamName): Checker {
  const fail = (): never => {
    throw unexpectedShape(upstream);
  };
  const optional = <T>(value: unknown, is: (v: unknown) => v is T): T | null | undefined => {
    if (value === undefined || value === null) return value;
    return is(value) ? value : fail();
  };
  const isString = (v: unknown): v is string => typeof v === 'string';
  const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  const isArray = (v: unknown): v is readonly unknown[] => Array.isArray(v);
  return {
    object: (value) => (isPlainObject(value) ? value : fail()),
    array: (value) => (isArray(value) ? value : fail()),
    string: (record, key) => {
      const value = record[key];
      return isString(value) ? value : fail();
    },
    number: (record, key) => {
      const value = record[key];
      return isNumber(value) ? value : fail();
    },
    optString: (record, key) => optional(record[key], isString),
    optNumber: (record, key) => optional(record[key], isNumber),
    optObject: (record, key) => optional(record[key], isPlainObject),
    optArray: (record, key) => optional(record[key], isArray),
  };
}

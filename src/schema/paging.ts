/**
 * Relay cursor connections over the upstreams' offset APIs. Cursors are opaque offsets;
 * bad `first`/`after` are BAD_USER_INPUT before any upstream call.
 */
import { badUserInput } from '../errors.ts';
import type * as model from '../model.ts';

export const maxPageSize = 100;

export interface OffsetWindow {
  readonly offset: number;
  readonly limit: number;
}

const cursorPrefix = 'offset:';

export function encodeCursor(offset: number): string {
  return Buffer.from(`${cursorPrefix}${offset}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const text = /^[A-Za-z0-9_-]+={0,2}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const offset = text.startsWith(cursorPrefix) ? Number(text.slice(cursorPrefix.length)) : Number.NaN;
  if (!Number.isSafeInteger(offset) || offset < 0 || `${cursorPrefix}${offset}` !== text) {
    throw badUserInput('Malformed cursor in `after`', 'after');
  }
  return offset;
}

/** `after` is the cursor of the last edge seen: the next page starts just past it. */
export function offsetWindow(
  args: { first?: number | null; after?: string | null },
  defaultSize: number,
): OffsetWindow {
  const first = args.first ?? defaultSize;
  if (!Number.isInteger(first) || first < 0 || first > maxPageSize) {
    throw badUserInput(`\`first\` must be between 0 and ${maxPageSize}`, 'first');
  }
  const offset = args.after == null ? 0 : decodeCursor(args.after) + 1;
  return { offset, limit: first };
}

export interface ConnectionShape<T> {
  readonly edges: readonly { readonly cursor: string; readonly node: T }[];
  readonly pageInfo: {
    readonly hasNextPage: boolean;
    readonly hasPreviousPage: boolean;
    readonly startCursor: string | null;
    readonly endCursor: string | null;
  };
  readonly totalCount: number | null;
}

export function toConnection<T>(page: model.Page<T>, window: OffsetWindow): ConnectionShape<T> {
  // `first: 0` still asks the upstream for one item (limits start at 1) to learn the total.
  const items = page.items.slice(0, window.limit);
  const edges = items.map((node, i) => ({ cursor: encodeCursor(window.offset + i), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage || items.length < page.items.length,
      hasPreviousPage: window.offset > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    totalCount: page.totalCount,
  };
}

/** The upstream `limit` for a window: upstream limits are 1–100. */
export function upstreamLimit(window: OffsetWindow): number {
  return Math.max(1, window.limit);
}

/** Whether a window lies inside the first `maxPageSize` items, so one shared call covers it. */
export function fitsFirstPage(window: OffsetWindow): boolean {
  return window.offset + window.limit <= maxPageSize;
}

/** A window cut from a page fetched from offset 0 that covers it (see `fitsFirstPage`). */
export function cutWindow<T>(firstPage: model.Page<T>, window: OffsetWindow): ConnectionShape<T> {
  const end = window.offset + window.limit;
  const items = firstPage.items.slice(window.offset, end);
  const hasNextPage = firstPage.items.length > end || firstPage.hasNextPage;
  return toConnection({ items, totalCount: firstPage.totalCount, hasNextPage }, window);
}

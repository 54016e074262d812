/**
 * Relay cursor connections over the upstreams' offset APIs, which list newest first. A bare
 * offset drifts when executions are created between two pages: page 2 would repeat page 1's last
 * items. So a cursor carries its edge's offset and an anchor, the item itself (its upstream id and
 * creation time); the next page is read where the anchor was, and when the list has grown at its
 * head the window is moved until it starts just past the anchor (connectionOf). Bad `first`/`after`
 * are BAD_USER_INPUT before any upstream call.
 */
import { badUserInput } from '../errors.ts';
import type * as model from '../model.ts';

export const maxPageSize = 100;

export interface OffsetWindow {
  readonly offset: number;
  readonly limit: number;
}

/** What a list item must tell for its cursor to find it again. */
export interface Anchored {
  readonly executionId: string;
  readonly createdAt: Date | null;
}

export interface Anchor {
  readonly id: string;
  /** ms since the epoch; null when the upstream gave none. */
  readonly createdAt: number | null;
}

export interface Cursor {
  readonly offset: number;
  /** Null for a cursor of the earlier, offset-only form: it still pages, by offset alone. */
  readonly anchor: Anchor | null;
}

/** A connection field's arguments, checked. */
export interface PageRequest {
  readonly first: number;
  readonly after: Cursor | null;
}

const cursorPrefix = 'v2:';
/** The earlier form, `offset:N`: decoded still, so cursors held across a deploy keep working. */
const legacyPrefix = 'offset:';
const maxAnchorIdLength = 200;
/**
 * Extra reads one page may cost to find its anchor again: each moves the window one page on (a
 * whole 100 when scanning), so a list that grew by up to ~400 items between two pages is realigned.
 * Past that the page starts where the last read left it.
 */
const maxRealignReads = 4;

export function encodeCursor(offset: number, item: Anchored): string {
  const createdAt = item.createdAt?.getTime() ?? '';
  return Buffer.from(`${cursorPrefix}${offset}:${createdAt}:${item.executionId}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): Cursor {
  const text = /^[A-Za-z0-9_-]+={0,2}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const malformed = () => badUserInput('Malformed cursor in `after`', 'after');
  if (text.startsWith(legacyPrefix)) {
    const offset = Number(text.slice(legacyPrefix.length));
    if (!Number.isSafeInteger(offset) || offset < 0 || `${legacyPrefix}${offset}` !== text) throw malformed();
    return { offset, anchor: null };
  }
  const match = /^v2:(0|[1-9]\d*):(-?\d+|):(.+)$/s.exec(text);
  if (!match) throw malformed();
  const offset = Number(match[1]);
  const createdAt = match[2] === '' ? null : Number(match[2]);
  const id = match[3]!;
  if (!Number.isSafeInteger(offset) || (createdAt !== null && !Number.isSafeInteger(createdAt)) || id.length > maxAnchorIdLength)
    throw malformed();
  return { offset, anchor: { id, createdAt } };
}

/** `first` and `after` checked before any upstream call. */
export function pageRequest(args: { first?: number | null; after?: string | null }, defaultSize: number): PageRequest {
  const first = args.first ?? defaultSize;
  if (!Number.isInteger(first) || first < 0 || first > maxPageSize) {
    throw badUserInput(`\`first\` must be between 0 and ${maxPageSize}`, 'first');
  }
  return { first, after: args.after == null ? null : decodeCursor(args.after) };
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

export function toConnection<T extends Anchored>(page: model.Page<T>, window: OffsetWindow): ConnectionShape<T> {
  // `first: 0` still asks the upstream for one item (limits start at 1) to learn the total.
  const items = page.items.slice(0, window.limit);
  const edges = items.map((node, i) => ({ cursor: encodeCursor(window.offset + i, node), node }));
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
export function windowOf<T>(firstPage: model.Page<T>, window: OffsetWindow): model.Page<T> {
  const end = window.offset + window.limit;
  return {
    items: firstPage.items.slice(window.offset, end),
    totalCount: firstPage.totalCount,
    hasNextPage: firstPage.items.length > end || firstPage.hasNextPage,
  };
}

/** Reads one window of the list (the caller's loader, or a cut from a shared first page). */
export type ReadWindow<T> = (window: OffsetWindow) => Promise<model.Page<T>>;

const newerThan = (item: Anchored, anchor: Anchor) =>
  item.createdAt !== null && anchor.createdAt !== null && item.createdAt.getTime() > anchor.createdAt;

/**
 * How many of a window's items still belong before the anchor, so the page starts past them:
 * all up to the anchor when it is there (the list grew by that many); else those created after
 * it, all of them when the anchor lies further on (`scan`).
 */
function itemsBeforePage(page: model.Page<Anchored>, anchor: Anchor): { skip: number; scan: boolean } {
  const at = page.items.findIndex((item) => item.executionId === anchor.id);
  if (at >= 0) return { skip: at + 1, scan: false };
  const older = page.items.findIndex((item) => !newerThan(item, anchor));
  if (older >= 0) return { skip: older, scan: false };
  return { skip: page.items.length, scan: page.hasNextPage };
}

/**
 * The connection for `request`: the first page, or the page after the cursor's anchor wherever
 * the anchor is now. The common case (nothing created since) is one read, the same window a bare
 * offset reads; each item created at the head since costs nothing more when the window still holds
 * the anchor, and one more read when the page must be topped up.
 */
export async function connectionOf<T extends Anchored>(request: PageRequest, read: ReadWindow<T>): Promise<ConnectionShape<T>> {
  const limit = request.first;
  let offset = request.after ? request.after.offset + 1 : 0;
  let page = await read({ offset, limit });
  const anchor = request.after?.anchor;
  if (!anchor) return toConnection(page, { offset, limit });
  for (let reads = 0; reads < maxRealignReads; reads++) {
    const { skip, scan } = itemsBeforePage(page, anchor);
    if (skip === 0) break;
    offset += skip;
    const rest: model.Page<T> = { ...page, items: page.items.slice(skip) };
    if (!scan && (rest.items.length >= limit || !page.hasNextPage)) return toConnection(rest, { offset, limit });
    page = await read({ offset, limit: scan ? maxPageSize : limit });
  }
  return toConnection(page, { offset, limit });
}

/**
 * The `executions` feed's cursor: opaque, one position per list it merges. A position is how far
 * into that upstream list the feed has read and the item it read last (its boundary), so a list
 * that grew at its head since is found again at that item rather than at a shifted offset. The
 * cursor names the filter it was made for: another filter's cursor is refused, not misread.
 * (Kept apart from paging.ts, whose single-list cursors are another matter.)
 */
import { createHash } from 'node:crypto';
import { badUserInput } from '../errors.ts';

export interface Boundary {
  /** The upstream id of the last item read. */
  readonly id: string;
  /** Its creation instant, ms since the epoch; null when it had none. */
  readonly at: number | null;
}

export interface StreamPosition {
  /** Items of the upstream list read so far, from its head, as of when the boundary was read. */
  readonly offset: number;
  readonly boundary: Boundary | null;
  /** Nothing further belongs to the feed: the list is not read again (`offset` is then its length). */
  readonly done: boolean;
}

export type Positions = Readonly<Record<string, StreamPosition>>;

export const startPosition: StreamPosition = { offset: 0, boundary: null, done: false };

const prefix = 'feed1:';
const maxIdLength = 512;

/** A short digest of what the page was asked for: the filter and the lists it reads. */
export function filterDigest(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16);
}

/** A list still being read: `[offset, boundary id, boundary instant]`; a finished one: `[its length]`. */
type Wire = [offset: number, id: string | null, at: number | null] | [length: number];

export function encodeFeedCursor(digest: string, positions: Positions): string {
  const streams: Record<string, Wire> = {};
  for (const [key, position] of Object.entries(positions)) {
    streams[key] = position.done ? [position.offset] : [position.offset, position.boundary?.id ?? null, position.boundary?.at ?? null];
  }
  return Buffer.from(`${prefix}${JSON.stringify({ f: digest, s: streams })}`, 'utf8').toString('base64url');
}

/**
 * The positions a cursor holds for `keys` (the lists this filter reads); BAD_USER_INPUT for
 * anything else, before any upstream call.
 */
export function decodeFeedCursor(cursor: string, digest: string, keys: readonly string[]): Positions {
  const text = /^[A-Za-z0-9_-]+={0,2}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!text.startsWith(prefix)) throw malformed();
  let value: unknown;
  try {
    value = JSON.parse(text.slice(prefix.length));
  } catch {
    throw malformed();
  }
  if (typeof value !== 'object' || value === null) throw malformed();
  const { f, s } = value as { f?: unknown; s?: unknown };
  if (typeof f !== 'string' || typeof s !== 'object' || s === null || Array.isArray(s)) throw malformed();
  if (f !== digest) throw badUserInput('The cursor in `after` belongs to another filter', 'after');
  const streams = s as Record<string, unknown>;
  if (Object.keys(streams).length !== keys.length || !keys.every((key) => Object.hasOwn(streams, key))) throw malformed();
  return Object.fromEntries(keys.map((key) => [key, positionOf(streams[key])]));
}

function positionOf(wire: unknown): StreamPosition {
  if (!Array.isArray(wire) || (wire.length !== 1 && wire.length !== 3)) throw malformed();
  const [offset, id, at] = wire as unknown[];
  if (!Number.isSafeInteger(offset) || (offset as number) < 0) throw malformed();
  if (wire.length === 1) return { offset: offset as number, boundary: null, done: true };
  if (at !== null && !Number.isSafeInteger(at)) throw malformed();
  if (id === null) {
    if (offset !== 0 || at !== null) throw malformed();
    return startPosition;
  }
  if (typeof id !== 'string' || id === '' || id.length > maxIdLength || offset === 0) throw malformed();
  return { offset: offset as number, boundary: { id, at: at as number | null }, done: false };
}

function malformed() {
  return badUserInput('Malformed cursor in `after`', 'after');
}

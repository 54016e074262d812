/**
 * One page of several upstream lists, each newest first, merged newest first (a k-way merge). Each
 * list is read lazily: only as far as the page needs, with one read per list for a page the lists
 * fill themselves (`first + 1` items, so the page knows whether there is more), and at most
 * `maxReads` when the gateway filters what a list could not, or when a list grew at its head since
 * the cursor (a resumed list is read from just before its boundary, and the boundary found again).
 *
 * Order: by creation, newest first; equal instants keep the lists' own order, lists in the order
 * given; an item without a creation instant sorts after every dated one of other lists, but keeps
 * its place in its own list. A list that fails is left out of the page (the others fill it) and
 * resumes where it was on the next page, so its items come late rather than never.
 */
import type * as model from '../model.ts';
import { type Boundary, type Positions, type StreamPosition, startPosition } from './feed-cursor.ts';
import { maxPageSize } from './paging.ts';

export interface Stream<T> {
  /** Names the list in the cursor. */
  readonly key: string;
  /** `limit` items (1–100) from `offset` of the upstream list, newest first. */
  read(offset: number, limit: number): Promise<model.Page<T>>;
  /** Whether an item belongs on the page: the filters the upstream could not apply itself. */
  keep(item: T): boolean;
  /** Whether nothing from this item on can belong (older than the window, in a list sorted by creation). */
  past(item: T): boolean;
  /** The upstream applies every filter itself, so its total is the page's. */
  readonly exact: boolean;
}

export interface Merging<T> {
  readonly first: number;
  readonly idOf: (item: T) => string;
  readonly atOf: (item: T) => number | null;
  /** Reads one list may make for one page. */
  readonly maxReads: number;
}

export interface MergedPage<T> {
  /** Each item, with the positions just past it (its edge's cursor). */
  readonly edges: readonly { readonly item: T; readonly positions: Positions }[];
  /** Where the next page starts: past the last item and past what was read and filtered out after it. */
  readonly positions: Positions;
  readonly hasNextPage: boolean;
  /** The lists' totals added up, when every list gives one. */
  readonly totalCount: number | null;
  /** The lists that failed, in the order given. */
  readonly failures: readonly { readonly key: string; readonly error: Error }[];
}

type Head<T> =
  | { readonly kind: 'item'; readonly item: T }
  | { readonly kind: 'done' }
  | { readonly kind: 'failed' }
  | { readonly kind: 'blocked'; readonly at: number | null };

/** Creation instant as a sort key: undated sorts oldest. */
const keyOf = (at: number | null) => at ?? Number.NEGATIVE_INFINITY;

/** One list's reading state for this page. */
class Reader<T> {
  private offset: number;
  private boundary: Boundary | null;
  private done: boolean;
  /** The boundary has not been found again yet: the list may have shifted since the cursor. */
  private verifying: boolean;
  /** While verifying, where the next read starts. */
  private scan: number;
  private buffer: T[] = [];
  private more = true;
  private reads = 0;
  private total: number | null = null;
  error: Error | null = null;
  readonly stream: Stream<T>;
  private readonly merging: Merging<T>;

  constructor(stream: Stream<T>, start: StreamPosition, merging: Merging<T>) {
    this.stream = stream;
    this.merging = merging;
    this.offset = start.offset;
    this.boundary = start.boundary;
    this.done = start.done;
    this.verifying = start.boundary !== null;
    this.scan = Math.max(0, start.offset - 1);
    if (start.done) this.total = start.offset;
  }

  /** The next item the page may take from this list, reading (within the budget) if it must. */
  async head(need: number): Promise<Head<T>> {
    for (;;) {
      if (this.error) return { kind: 'failed' };
      if (this.done) return { kind: 'done' };
      while (this.buffer.length > 0) {
        const item = this.buffer[0]!;
        if (this.stream.past(item)) return this.finish();
        if (this.stream.keep(item)) return { kind: 'item', item };
        this.take();
      }
      if (!this.more && !this.verifying) return this.finish();
      if (this.reads >= this.merging.maxReads) return { kind: 'blocked', at: this.boundary?.at ?? Number.POSITIVE_INFINITY };
      await this.fill(need);
    }
  }

  /** Consumes the head item: the list's position moves past it. */
  take(): T {
    const item = this.buffer.shift()!;
    this.offset += 1;
    this.boundary = { id: this.merging.idOf(item), at: this.merging.atOf(item) };
    return item;
  }

  position(): StreamPosition {
    if (this.done) return { offset: this.total ?? this.offset, boundary: null, done: true };
    // Still looking for its boundary: resume the search where it got to.
    if (this.verifying && this.boundary) return { offset: this.scan + 1, boundary: this.boundary, done: false };
    return { offset: this.offset, boundary: this.boundary, done: false };
  }

  /** Whether a later page could hold more of this list (without reading it again). */
  mayHaveMore(): boolean {
    if (this.error) return true;
    if (this.done) return false;
    for (const item of this.buffer) {
      if (this.stream.past(item)) return false;
      if (this.stream.keep(item)) return true;
    }
    return this.more || this.verifying;
  }

  /** This list's total under the page's filters, when its upstream says (or its end was read). */
  totalCount(): number | null {
    return this.stream.exact ? this.total : null;
  }

  private finish(): Head<T> {
    this.done = true;
    this.buffer = [];
    return { kind: 'done' };
  }

  private async fill(need: number): Promise<void> {
    // One more than the page needs tells whether there is more; a resumed list also rereads its boundary.
    const limit = Math.min(maxPageSize, need + (this.verifying ? 2 : 1));
    const from = this.verifying ? this.scan : this.offset + this.buffer.length;
    let page: model.Page<T>;
    try {
      page = await this.stream.read(from, limit);
    } catch (error) {
      this.error = error instanceof Error ? error : new Error(String(error));
      return;
    }
    this.reads += 1;
    const { items } = page;
    this.total = page.totalCount ?? (page.hasNextPage ? null : from + items.length);
    if (!this.verifying) {
      this.buffer.push(...items);
      this.more = page.hasNextPage && items.length > 0;
      return;
    }
    this.locate(from, page);
  }

  /**
   * A resumed list is read from just before its boundary. Found there, nothing moved; found
   * further on, the list grew at its head by that much; not found, it grew by more than the read
   * (read on), or the boundary itself is gone: resume at the first item older than it.
   */
  private locate(from: number, page: model.Page<T>): void {
    const { items } = page;
    const boundary = this.boundary!;
    const found = items.findIndex((item) => this.merging.idOf(item) === boundary.id);
    const older = items.findIndex((item) => keyOf(this.merging.atOf(item)) < keyOf(boundary.at));
    if (found < 0 && older < 0 && page.hasNextPage && items.length > 0) {
      this.scan = from + items.length;
      return;
    }
    const start = found >= 0 ? found + 1 : older >= 0 ? older : items.length;
    this.verifying = false;
    this.offset = from + start;
    this.buffer = items.slice(start);
    this.more = page.hasNextPage && items.length > 0;
  }
}

/** Whether head `a` (of the list ranked `ra`) comes before `b` (ranked `rb`) in the feed. */
function before(a: number | null, ra: number, b: number | null, rb: number): boolean {
  const [ka, kb] = [keyOf(a), keyOf(b)];
  return ka !== kb ? ka > kb : ra < rb;
}

export async function mergePage<T>(streams: readonly Stream<T>[], start: Positions, merging: Merging<T>): Promise<MergedPage<T>> {
  const readers = streams.map((stream) => new Reader(stream, start[stream.key] ?? startPosition, merging));
  const snapshot = (): Positions => Object.fromEntries(readers.map((reader) => [reader.stream.key, reader.position()]));
  const edges: { item: T; positions: Positions }[] = [];
  let blocked = false;
  // `first: 0` still reads one item of each list, to learn the totals and whether there is anything.
  if (merging.first === 0) await Promise.all(readers.map((reader) => reader.head(0)));
  while (edges.length < merging.first) {
    const need = merging.first - edges.length;
    const heads = await Promise.all(readers.map((reader) => reader.head(need)));
    let best = -1;
    let bestAt: number | null = null;
    heads.forEach((head, rank) => {
      if (head.kind !== 'item') return;
      const at = merging.atOf(head.item);
      if (best < 0 || before(at, rank, bestAt, best)) [best, bestAt] = [rank, at];
    });
    if (best < 0) {
      blocked = heads.some((head) => head.kind === 'blocked');
      break;
    }
    // A list out of reads may still hold items newer than the best head: the page stops before them.
    blocked = heads.some((head, rank) => head.kind === 'blocked' && before(head.at, rank, bestAt, best));
    if (blocked) break;
    edges.push({ item: readers[best]!.take(), positions: snapshot() });
  }
  const totals = readers.map((reader) => reader.totalCount());
  const failures = readers.flatMap((reader) => (reader.error ? [{ key: reader.stream.key, error: reader.error }] : []));
  return {
    edges,
    positions: snapshot(),
    hasNextPage: blocked || readers.some((reader) => reader.mayHaveMore()),
    totalCount:
      failures.length === 0 && totals.every((total) => total !== null) ? totals.reduce((sum: number, total) => sum + total, 0) : null,
    failures,
  };
}

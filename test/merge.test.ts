/**
 * The feed's k-way merge (src/schema/merge.ts) over in-memory lists that change between pages the
 * way upstream lists do: inserts at the head, a deleted item, filters only the gateway applies,
 * a list that fails. Paged to the end, every item comes exactly once, in order, with the reads
 * each page needed counted.
 */
import { describe, expect, it } from 'vitest';
import { decodeFeedCursor, encodeFeedCursor, type Positions } from '../src/schema/feed-cursor.ts';
import { type MergedPage, mergePage, type Stream } from '../src/schema/merge.ts';
import { pageOf } from '../src/upstreams/normalise.ts';

interface Item {
  readonly id: string;
  readonly at: number;
}

/** A list the test can change, newest first, that counts its reads; `total` as the models host gives it, or none (the task runs list). */
function list(key: string, items: Item[], options: { total?: boolean; keep?: (item: Item) => boolean } = {}) {
  const state = { items: [...items].sort((a, b) => b.at - a.at), reads: 0, fail: null as Error | null };
  const stream: Stream<Item> = {
    key,
    exact: options.keep === undefined,
    keep: options.keep ?? (() => true),
    past: () => false,
    read: async (offset, limit) => {
      if (state.fail) throw state.fail;
      state.reads += 1;
      expect(limit).toBeGreaterThanOrEqual(1);
      expect(limit).toBeLessThanOrEqual(100);
      return pageOf(state.items.slice(offset, offset + limit), { offset, limit }, options.total === false ? null : state.items.length);
    },
  };
  return {
    stream,
    state,
    insert: (...added: Item[]) => state.items.unshift(...[...added].sort((a, b) => b.at - a.at)),
    remove: (id: string) =>
      state.items.splice(
        state.items.findIndex((item) => item.id === id),
        1,
      ),
  };
}

const merging = { idOf: (item: Item) => item.id, atOf: (item: Item) => item.at, maxReads: 3 };
const items = (prefix: string, count: number, from: number, step: number) =>
  Array.from({ length: count }, (_, i) => ({ id: `${prefix}${i}`, at: from - i * step }));

/** Pages to the end through real cursors, calling `between` after each page. */
async function pageAll(streams: Stream<Item>[], first: number, between: (page: MergedPage<Item>, index: number) => void = () => {}) {
  const keys = streams.map((stream) => stream.key);
  const seen: Item[] = [];
  const pages: MergedPage<Item>[] = [];
  let after: Positions = {};
  for (let index = 0; index < 100; index++) {
    const page = await mergePage(streams, after, { ...merging, first });
    pages.push(page);
    seen.push(...page.edges.map((edge) => edge.item));
    between(page, index);
    if (!page.hasNextPage) break;
    after = decodeFeedCursor(encodeFeedCursor('f', page.positions), 'f', keys);
  }
  return { seen, pages };
}

function expectNewestFirst(seen: readonly Item[]): void {
  for (let i = 1; i < seen.length; i++) expect(seen[i]!.at).toBeLessThanOrEqual(seen[i - 1]!.at);
}

describe('mergePage', () => {
  it('merges newest first, reading each list once for a page it fills (first + 1 items)', async () => {
    const a = list('A', items('a', 50, 1000, 3));
    const b = list('B', items('b', 50, 999, 2), { total: false });
    const page = await mergePage([a.stream, b.stream], {}, { ...merging, first: 20 });
    expect(page.edges).toHaveLength(20);
    expectNewestFirst(page.edges.map((edge) => edge.item));
    expect([a.state.reads, b.state.reads]).toEqual([1, 1]);
    expect(page.hasNextPage).toBe(true);
    expect(page.totalCount).toBeNull(); // B gives no total
  });

  it('reads one item of each list for `first: 0`, to say whether there is anything and how much', async () => {
    const a = list('A', items('a', 30, 1000, 10));
    const empty = list('B', []);
    const page = await mergePage([a.stream, empty.stream], {}, { ...merging, first: 0 });
    expect(page).toMatchObject({ edges: [], hasNextPage: true, totalCount: 30 });
    expect([a.state.reads, empty.state.reads]).toEqual([1, 1]);
  });

  it('breaks ties by the lists’ order, and counts a total when every list gives one', async () => {
    const a = list('A', [
      { id: 'a1', at: 5 },
      { id: 'a2', at: 3 },
    ]);
    const b = list('B', [
      { id: 'b1', at: 5 },
      { id: 'b2', at: 4 },
    ]);
    const page = await mergePage([a.stream, b.stream], {}, { ...merging, first: 10 });
    expect(page.edges.map((edge) => edge.item.id)).toEqual(['a1', 'b1', 'b2', 'a2']);
    expect(page).toMatchObject({ hasNextPage: false, totalCount: 4 });
  });

  it('pages to the end with inserts at the head of every list in between: each item once, none missing', async () => {
    const a = list('A', items('a', 120, 10_000, 7));
    const b = list('B', items('b', 90, 9_990, 11), { total: false });
    const before = new Set([...a.state.items, ...b.state.items].map((item) => item.id));
    let stamp = 20_000;
    const { seen, pages } = await pageAll([a.stream, b.stream], 25, (_page, index) => {
      // Fewer and more inserts than a read holds, at the head of both lists.
      const count = index % 2 === 0 ? 3 : 130;
      a.insert(...items(`new-a${index}-`, count, (stamp += 1000), 1));
      b.insert(...items(`new-b${index}-`, 2, (stamp += 1000), 1));
    });
    expect(seen.map((item) => item.id)).toEqual([...new Set(seen.map((item) => item.id))]);
    expect(new Set(seen.map((item) => item.id))).toEqual(before);
    expectNewestFirst(seen);
    expect(pages.length).toBeGreaterThan(8);
  });

  it('finds its place again when the boundary item is gone: the next item older than it', async () => {
    const a = list('A', items('a', 30, 1000, 10));
    const first = await mergePage([a.stream], {}, { ...merging, first: 10 });
    expect(first.edges.at(-1)!.item.id).toBe('a9');
    a.remove('a9');
    a.insert({ id: 'new1', at: 5000 }, { id: 'new2', at: 5001 });
    const second = await mergePage([a.stream], first.positions, { ...merging, first: 10 });
    expect(second.edges.map((edge) => edge.item.id)).toEqual(
      items('a', 20, 1000, 10)
        .slice(10)
        .map((item) => item.id),
    );
  });

  it('stops a page at a list out of reads (a filter only the gateway applies), and resumes from what it read', async () => {
    // One item in 100 of B passes the filter: 3 reads of at most 21 cannot reach as far back as A's page does.
    const a = list('A', items('a', 200, 100_000, 500));
    const keep = (item: Item) => Number(item.id.slice(1)) % 100 === 0;
    const b = list('B', items('b', 2000, 100_010, 20), { keep });
    const { seen, pages } = await pageAll([a.stream, b.stream], 20);
    const expected = [...a.state.items, ...b.state.items.filter(keep)];
    expect(seen.map((item) => item.id).sort()).toEqual(expected.map((item) => item.id).sort());
    expectNewestFirst(seen);
    const cut = pages.filter((page) => page.edges.length < 20 && page.hasNextPage);
    expect(cut.length).toBeGreaterThan(0);
    expect(b.state.reads).toBeLessThanOrEqual(3 * pages.length);
    expect(pages.every((page) => page.totalCount === null)).toBe(true);
  });

  it('leaves a failing list out of the page and resumes it where it was: its items come late, never lost', async () => {
    const a = list('A', items('a', 40, 1000, 10));
    const b = list('B', items('b', 40, 1005, 10));
    b.state.fail = new Error('task host down');
    const first = await mergePage([a.stream, b.stream], {}, { ...merging, first: 10 });
    expect(first.edges.map((edge) => edge.item.id)).toEqual(items('a', 10, 1000, 10).map((item) => item.id));
    expect(first.failures).toEqual([{ key: 'B', error: b.state.fail }]);
    expect(first).toMatchObject({ hasNextPage: true, totalCount: null });
    b.state.fail = null;
    const rest: string[] = [];
    for (let after = first.positions; ;) {
      const page = await mergePage([a.stream, b.stream], after, { ...merging, first: 10 });
      rest.push(...page.edges.map((edge) => edge.item.id));
      if (!page.hasNextPage) break;
      after = page.positions;
    }
    const all = [...a.state.items, ...b.state.items].map((item) => item.id);
    expect([...first.edges.map((edge) => edge.item.id), ...rest].sort()).toEqual(all.sort());
    expect(rest.slice(0, 2)).toEqual(['b0', 'b1']); // late: newer than what page one gave, given on page two
  });
});

describe('the feed cursor', () => {
  it('refuses another filter’s cursor, unknown lists and bad positions', () => {
    const cursor = encodeFeedCursor('digest-a', {
      A: { offset: 3, boundary: { id: 'x', at: 5 }, done: false },
      B: { offset: 7, boundary: null, done: true },
    });
    expect(decodeFeedCursor(cursor, 'digest-a', ['A', 'B'])).toEqual({
      A: { offset: 3, boundary: { id: 'x', at: 5 }, done: false },
      B: { offset: 7, boundary: null, done: true },
    });
    const code = (run: () => unknown) => {
      try {
        run();
        return 'no error';
      } catch (error) {
        return (error as { extensions?: { code?: string } }).extensions?.code;
      }
    };
    expect(code(() => decodeFeedCursor(cursor, 'digest-b', ['A', 'B']))).toBe('BAD_USER_INPUT');
    expect(code(() => decodeFeedCursor(cursor, 'digest-a', ['A']))).toBe('BAD_USER_INPUT');
    const forged = (streams: unknown) => Buffer.from(`feed1:${JSON.stringify({ f: 'd', s: streams })}`).toString('base64url');
    for (const bad of [
      { A: [-1, 'x', 1] },
      { A: [1, 'x', 'soon'] },
      { A: [0, 'x', 1] },
      { A: [2, null, null] },
      { A: 'done' },
      { A: [1, 'x'.repeat(600), 1] },
    ]) {
      expect(
        code(() => decodeFeedCursor(forged(bad), 'd', ['A'])),
        JSON.stringify(bad),
      ).toBe('BAD_USER_INPUT');
    }
    expect(code(() => decodeFeedCursor('b2Zmc2V0OjQ', 'd', ['A']))).toBe('BAD_USER_INPUT'); // another connection's cursor
  });
});

/**
 * Cursors that stay correct while a list grows at its head (newest first): executions created
 * between two pages, through triggerWorkflow or the simulator's own write seam, never make page 2
 * repeat or skip an item, on every paged field. Walking a whole list with inserts between every
 * page gives exactly the list as it was. Bad `first` and cursors are BAD_USER_INPUT before any call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codesOf, type Harness, startHarness } from './helpers/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

interface Connection {
  edges: { cursor: string; node: { executionId: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number | null;
}

/** A paged field: how to read one page of it, and how to make its list grow at the head. */
interface Field {
  readonly name: string;
  page(first: number, after: string | null): Promise<Connection>;
  grow(count: number): Promise<void>;
}

async function read(query: string, variables: Record<string, unknown>, path: string[]): Promise<Connection> {
  const { body } = await h.post({ query, variables });
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  let value: unknown = body.data;
  for (const key of path) value = (value as Record<string, unknown>)[key];
  return value as Connection;
}

const page = `edges { cursor node { executionId } } pageInfo { hasNextPage endCursor } totalCount`;

/** Triggers through the gateway's own mutation: the way a frontend makes the list grow. */
async function trigger(workflowId: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    // A second apart, as real executions are: the simulator orders executions created in the same instant by id.
    h.simulator.advance(1_000);
    const { body } = await h.post({
      query: `mutation($wf: String!) { triggerWorkflow(workflowId: $wf, inputs: { prompt: "page drift" }) { accepted } }`,
      variables: { wf: workflowId },
    });
    expect(body.data).toEqual({ triggerWorkflow: { accepted: true } });
  }
}

const fields = (): Field[] => {
  const { bigWorkflowId, picks } = h.simulator.data;
  const bulk = picks.completedBulk;
  return [
    {
      name: 'Query.workflowExecutions',
      page: (first, after) =>
        read(
          `query($wf: String!, $first: Int, $after: String) { workflowExecutions(workflowId: $wf, first: $first, after: $after) { ${page} } }`,
          { wf: bigWorkflowId, first, after },
          ['workflowExecutions'],
        ),
      grow: (count) => trigger(bigWorkflowId, count),
    },
    {
      name: 'Query.modelExecutions',
      page: (first, after) =>
        read(`query($first: Int, $after: String) { modelExecutions(first: $first, after: $after) { ${page} } }`, { first, after }, [
          'modelExecutions',
        ]),
      grow: async (count) => {
        // Each new execution's model executions exist once its steps have started.
        for (let i = 0; i < count; i++) {
          h.simulator.advance(1_000);
          h.simulator.addExecution(bigWorkflowId);
        }
        const before = await read(`{ modelExecutions(first: 1) { totalCount } }`, {}, ['modelExecutions']);
        for (let i = 0; i < 600; i++) {
          h.simulator.advance(1_000);
          const now = await read(`{ modelExecutions(first: 1) { totalCount } }`, {}, ['modelExecutions']);
          if ((now.totalCount ?? 0) >= (before.totalCount ?? 0) + count) return;
        }
        throw new Error('the model executions never appeared');
      },
    },
    {
      name: 'Bulk.executions',
      page: (first, after) =>
        read(
          `query($wf: String!, $bulk: UUID!, $first: Int, $after: String) { bulk(workflowId: $wf, bulkId: $bulk) { executions(first: $first, after: $after) { ${page} } } }`,
          { wf: bulk.workflowId, bulk: bulk.bulkId, first, after },
          ['bulk', 'executions'],
        ),
      grow: async (count) => {
        for (let i = 0; i < count; i++) {
          h.simulator.advance(1_000);
          h.simulator.addExecution(bulk.workflowId, { bulkId: bulk.bulkId });
        }
      },
    },
  ];
};

const ids = (connection: Connection) => connection.edges.map((edge) => edge.node.executionId);

/** Every item of the list now, newest first, read in one page (each list here holds at most 100 in the window used). */
async function everything(field: Field): Promise<string[]> {
  const all = await field.page(100, null);
  return ids(all);
}

describe.each(['Query.workflowExecutions', 'Query.modelExecutions', 'Bulk.executions'])('%s', (name) => {
  const field = () => fields().find((candidate) => candidate.name === name)!;

  it.each([1, 3, 5])('page 2 after %i new items at the head starts right after page 1', async (inserted) => {
    const before = await everything(field());
    const first = await field().page(3, null);
    expect(ids(first)).toEqual(before.slice(0, 3));
    await field().grow(inserted);
    const grown = await everything(field());
    // The list grew at its head only (by at least as many: a workflow execution starts several model executions).
    const shift = grown.indexOf(before[0]!);
    expect(shift).toBeGreaterThanOrEqual(inserted);
    expect(grown.slice(shift, shift + 9)).toEqual(before.slice(0, 9));
    const second = await field().page(3, first.pageInfo.endCursor);
    // Neither page 1's last item again nor a gap: exactly the three that followed it.
    expect(ids(second)).toEqual(before.slice(3, 6));
    const third = await field().page(3, second.pageInfo.endCursor);
    expect(ids(third)).toEqual(before.slice(6, 9));
  });
});

describe('walking a whole list while it grows', () => {
  it('workflowExecutions: every page after a few triggers; the pages together are the list as it was', async () => {
    const workflowId = h.simulator.data.bigWorkflowId;
    const query = `query($wf: String!, $after: String) { workflowExecutions(workflowId: $wf, first: 40, after: $after) { ${page} } }`;
    const snapshot: string[] = [];
    for (let after: string | null = null, more = true; more;) {
      const connection: Connection = await read(query, { wf: workflowId, after }, ['workflowExecutions']);
      snapshot.push(...ids(connection));
      ({ hasNextPage: more, endCursor: after } = connection.pageInfo);
    }
    expect(snapshot.length).toBeGreaterThan(150);
    const walked: string[] = [];
    let pages = 0;
    for (let after: string | null = null, more = true; more; pages++) {
      const connection: Connection = await read(query, { wf: workflowId, after }, ['workflowExecutions']);
      walked.push(...ids(connection));
      ({ hasNextPage: more, endCursor: after } = connection.pageInfo);
      for (let i = 0; i < 1 + (pages % 3); i++) h.simulator.addExecution(workflowId);
    }
    expect(pages).toBeGreaterThan(3);
    expect(walked).toEqual(snapshot);
  });

  it('costs one upstream call per page when nothing was created since the cursor', async () => {
    const workflowId = h.simulator.data.bigWorkflowId;
    const query = `query($wf: String!, $after: String) { workflowExecutions(workflowId: $wf, first: 10, after: $after) { ${page} } }`;
    const first = await read(query, { wf: workflowId, after: null }, ['workflowExecutions']);
    h.simulator.resetHits();
    await read(query, { wf: workflowId, after: first.pageInfo.endCursor }, ['workflowExecutions']);
    expect(h.simulator.totalHits()).toBe(1);
  });
});

describe('WorkflowExecution.modelExecutions', () => {
  it('page 2 does not repeat page 1 when the execution starts another model execution in between', async () => {
    const workflowId = h.simulator.data.bigWorkflowId;
    const executionId = h.simulator.addExecution(workflowId);
    const query = `query($id: String!, $wf: String, $after: String) { workflowExecution(executionId: $id, workflowId: $wf) { modelExecutions(first: 1, after: $after) { ${page} } } }`;
    const connection = (after: string | null) =>
      read(query, { id: executionId, wf: workflowId, after }, ['workflowExecution', 'modelExecutions']);
    const advanceUntil = async (count: number) => {
      for (let i = 0; i < 600; i++) {
        if (((await connection(null)).totalCount ?? 0) >= count) return;
        h.simulator.advance(1_000);
      }
      throw new Error(`never ${count} model executions`);
    };
    await advanceUntil(1);
    const first = await connection(null);
    expect(first.totalCount).toBe(1);
    await advanceUntil(2);
    const second = await connection(first.pageInfo.endCursor);
    // The list is [the new one, page 1's]: nothing follows page 1's item.
    expect(ids(second)).toEqual([]);
    expect(second.pageInfo.hasNextPage).toBe(false);
  });
});

describe('cursors', () => {
  it('still read an earlier bare-offset cursor, by offset', async () => {
    const workflowId = h.simulator.data.bigWorkflowId;
    const all = await read(`query($wf: String!) { workflowExecutions(workflowId: $wf, first: 6) { ${page} } }`, { wf: workflowId }, [
      'workflowExecutions',
    ]);
    const legacy = Buffer.from('offset:2').toString('base64url');
    const next = await read(
      `query($wf: String!, $after: String) { workflowExecutions(workflowId: $wf, first: 3, after: $after) { ${page} } }`,
      { wf: workflowId, after: legacy },
      ['workflowExecutions'],
    );
    expect(ids(next)).toEqual(ids(all).slice(3, 6));
  });

  it('refuse `first` over 100 and malformed cursors with BAD_USER_INPUT before any upstream call, on every field', async () => {
    const { bigWorkflowId, picks } = h.simulator.data;
    const bad = [
      Buffer.from('v2:abc:1:x').toString('base64url'),
      Buffer.from('v2:3:1:').toString('base64url'),
      Buffer.from('v2:3:soon:x').toString('base64url'),
      Buffer.from(`v2:3:1:${'x'.repeat(300)}`).toString('base64url'),
      'not a cursor',
    ];
    const execution = `workflowExecution(executionId: "${picks.completedImageExecution}")`;
    const bulk = `bulk(workflowId: "${picks.completedBulk.workflowId}", bulkId: "${picks.completedBulk.bulkId}")`;
    // Each connection, and what its parent alone costs (the parent is read whatever the arguments).
    const cases = [
      {
        query: `query($first: Int, $after: String) { workflowExecutions(workflowId: "${bigWorkflowId}", first: $first, after: $after) { totalCount } }`,
        parent: null,
      },
      { query: `query($first: Int, $after: String) { modelExecutions(first: $first, after: $after) { totalCount } }`, parent: null },
      {
        query: `query($first: Int, $after: String) { ${execution} { modelExecutions(first: $first, after: $after) { totalCount } } }`,
        parent: `{ ${execution} { executionId } }`,
      },
      {
        query: `query($first: Int, $after: String) { ${bulk} { executions(first: $first, after: $after) { totalCount } } }`,
        parent: `{ ${bulk} { bulkId } }`,
      },
    ];
    for (const { query, parent } of cases) {
      h.simulator.resetHits();
      if (parent) await h.post({ query: parent });
      const parentCalls = h.simulator.hits();
      for (const variables of [{ first: 101 }, { first: -1 }, ...bad.map((after) => ({ after }))]) {
        h.simulator.resetHits();
        const { body } = await h.post({ query, variables });
        expect(codesOf(body), `${query} ${JSON.stringify(variables)}`).toEqual(['BAD_USER_INPUT']);
        expect(h.simulator.hits()).toEqual(parentCalls);
      }
    }
  });
});

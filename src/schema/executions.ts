/**
 * `executions`: what ran, whatever ran it, newest first. One page merged (merge.ts) from each
 * source's own list: model executions (`GET /v1/executions`, the whole account), task runs (the
 * task host's runs list, one per workflow type: workflows, agents, tools) and, given
 * `filter.workflowId`, that workflow's executions. Filters go to each list as far as its upstream
 * takes them; the rest are applied here. A source that fails gives its error as a null edge
 * (`extensions.source`) while the others fill the page.
 */
import type { Context } from '../context.ts';
import { badUserInput, sourceError } from '../errors.ts';
import * as model from '../model.ts';
import { taskWorkflowTypes } from '../upstreams/types.ts';
import { builder } from './builder.ts';
import { itemsOf, upstreamCall } from './cost.ts';
import { Execution, ExecutionSource, ExecutionStatus } from './execution.ts';
import { decodeFeedCursor, encodeFeedCursor, filterDigest, type Positions } from './feed-cursor.ts';
import { mergePage, type Stream } from './merge.ts';
import { maxPageSize } from './paging.ts';

/** Default page size of the feed. */
const defaultFeedPage = 20;

/** Reads one list may make for one page: more than one only when the gateway filters or the list grew at its head. */
const maxReadsPerList = 3;

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const ExecutionFilter = builder.inputType('ExecutionFilter', {
  fields: (t) => ({
    sources: t.field({
      type: [ExecutionSource],
      description: 'Default: every configured source. WORKFLOW needs `workflowId` (the workflows host lists one workflow at a time).',
    }),
    status: t.field({ type: [ExecutionStatus] }),
    workflowId: t.string({
      description:
        'The executions of one workflow (uuid or slug): its workflow executions, and the model executions and task runs whose `workflowId` it is.',
    }),
    createdAfter: t.field({ type: 'DateTime', description: 'Inclusive.' }),
    createdBefore: t.field({ type: 'DateTime', description: 'Inclusive.' }),
  }),
});

type Filter = typeof ExecutionFilter.$inferInput;

const ExecutionConnection = builder.connectionObject(
  {
    type: Execution,
    name: 'ExecutionConnection',
    description:
      'A merged page. `pageInfo.endCursor` is where the next page starts, which may lie past the last edge (items read and filtered out after it). A source that failed is a null edge whose error names it in `extensions.source`.',
    fields: (t) => ({
      totalCount: t.int({
        description:
          'Every source counted, when each gives a total under the filter (the task runs list gives none until read to its end).',
        resolve: (connection) => (connection as unknown as { totalCount: number | null }).totalCount,
      }),
    }),
  },
  { name: 'ExecutionEdge' },
);

/** One list of the page, and the source it belongs to. */
interface FeedList {
  readonly source: model.ExecutionSource;
  readonly stream: Stream<model.Execution>;
}

const sourcesOf = (filter: Filter | null | undefined, tasksConfigured: boolean): readonly model.ExecutionSource[] =>
  filter?.sources ?? [...(filter?.workflowId ? (['WORKFLOW'] as const) : []), 'MODEL', ...(tasksConfigured ? (['TASK'] as const) : [])];

/** The lists a filter reads, checked before any upstream call. */
function listsOf(filter: Filter | null | undefined, context: Context): FeedList[] {
  const sources = new Set(sourcesOf(filter, context.config.upstreams.tasks.baseUrl !== null));
  const workflowId = filter?.workflowId ?? null;
  if (sources.has('WORKFLOW') && workflowId === null) {
    throw badUserInput('The WORKFLOW source needs filter.workflowId: the workflows host lists one workflow at a time', 'filter.sources');
  }
  const statuses = filter?.status && filter.status.length > 0 ? new Set(filter.status) : null;
  const from = filter?.createdAfter ?? null;
  const to = filter?.createdBefore ?? null;
  const windowed = from !== null || to !== null;
  const keep = (item: model.Execution): boolean => {
    if (statuses && !statuses.has(item.status)) return false;
    if (!windowed) return true;
    const at = item.createdAt?.getTime();
    return at !== undefined && (from === null || at >= from.getTime()) && (to === null || at <= to.getTime());
  };
  const past = (item: model.Execution): boolean => from !== null && item.createdAt !== null && item.createdAt.getTime() < from.getTime();
  const list = (source: model.ExecutionSource, key: string, exact: boolean, read: Stream<model.Execution>['read']): FeedList => ({
    source,
    stream: { key, read, keep, past, exact },
  });
  const lists: FeedList[] = [];
  if (sources.has('WORKFLOW') && workflowId !== null) {
    lists.push(
      list('WORKFLOW', 'WORKFLOW', statuses === null && !windowed, (offset, limit) =>
        context.upstreams.workflows.loaders.page.load({ workflowId, bulkId: null, offset, limit }),
      ),
    );
  }
  if (sources.has('MODEL')) {
    // UNKNOWN has no upstream value: with it, the models host cannot filter by status.
    const upstreamStatuses =
      statuses && !statuses.has('UNKNOWN') ? [...statuses].flatMap((status) => model.upstreamStatusesOf(status)) : null;
    lists.push(
      list('MODEL', 'MODEL', statuses === null || upstreamStatuses !== null, async (offset, limit) =>
        context.upstreams.models.loaders.page.load({
          offset,
          limit,
          statuses: upstreamStatuses,
          workflowId: workflowId === null ? null : await workflowUuid(workflowId, context),
          from,
          to,
        }),
      ),
    );
  }
  if (sources.has('TASK')) {
    for (const workflowType of taskWorkflowTypes) {
      lists.push(
        list('TASK', `TASK.${workflowType}`, statuses === null, (offset, limit) =>
          context.upstreams.tasks.loaders.runs.load({ workflowType, workflowId, offset, limit, from, to }),
        ),
      );
    }
  }
  return lists;
}

/** The models host filters by a workflow's uuid: a slug is looked up (one call, shared with `workflow`). */
async function workflowUuid(idOrSlug: string, context: Context): Promise<string> {
  return uuid.test(idOrSlug) ? idOrSlug : (await context.upstreams.workflows.loaders.workflow.load(idOrSlug)).workflowId;
}

/** What the page was asked for: a cursor made for another filter is refused. */
function digestOf(filter: Filter | null | undefined, lists: readonly FeedList[]): string {
  return filterDigest([
    lists.map((list) => list.stream.key),
    [...(filter?.status ?? [])].sort(),
    filter?.workflowId ?? null,
    filter?.createdAfter?.toISOString() ?? null,
    filter?.createdBefore?.toISOString() ?? null,
  ]);
}

async function executionsPage(args: { filter?: Filter | null; first?: number | null; after?: string | null }, context: Context) {
  const first = args.first ?? defaultFeedPage;
  if (!Number.isInteger(first) || first < 0 || first > maxPageSize)
    throw badUserInput(`\`first\` must be between 0 and ${maxPageSize}`, 'first');
  const lists = listsOf(args.filter, context);
  const digest = digestOf(args.filter, lists);
  const keys = lists.map((list) => list.stream.key);
  const start: Positions = args.after == null ? {} : decodeFeedCursor(args.after, digest, keys);
  const page = await mergePage(
    lists.map((list) => list.stream),
    start,
    { first, idOf: (item) => item.executionId, atOf: (item) => item.createdAt?.getTime() ?? null, maxReads: maxReadsPerList },
  );
  const edges = page.edges.map((edge) => ({ cursor: encodeFeedCursor(digest, edge.positions), node: edge.item }));
  // One error per failed source, as a null edge after the items, so the rest of the page still answers.
  const failed = new Map<string, Error>();
  for (const { key, error } of page.failures) {
    const source = lists.find((list) => list.stream.key === key)!.source;
    if (!failed.has(source)) failed.set(source, sourceError(error, source));
  }
  return {
    // graphql-js raises an Error met as a list item where it stands: a null edge carrying that error.
    edges: [...edges, ...failed.values()] as typeof edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: args.after != null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.length > 0 || args.after != null || page.hasNextPage ? encodeFeedCursor(digest, page.positions) : null,
    },
    totalCount: page.totalCount,
  };
}

/** The estimate (cost.ts): each list's reads at most, one more call per task of the page (the runs list lacks most task fields), the selection per item. */
function executionsComplexity({ filter, first }: { filter?: Filter | null; first?: number | null }) {
  const size = itemsOf(first ?? defaultFeedPage, maxPageSize);
  const sources = new Set(sourcesOf(filter, true));
  const lists =
    (sources.has('WORKFLOW') && filter?.workflowId ? 1 : 0) +
    (sources.has('MODEL') ? 1 : 0) +
    (sources.has('TASK') ? taskWorkflowTypes.length : 0);
  const taskReads = sources.has('TASK') ? size : 0;
  return { field: upstreamCall * (lists * maxReadsPerList + taskReads), multiplier: size };
}

builder.queryFields((t) => ({
  executions: t.field({
    type: ExecutionConnection,
    description:
      'What ran, newest first, whatever ran it: model executions, task runs (workflows, agents and tools) and, with `filter.workflowId`, that workflow’s executions, merged by creation.',
    args: {
      filter: t.arg({ type: ExecutionFilter }),
      first: t.arg.int({ description: `Page size, 0–${maxPageSize}. @default ${defaultFeedPage}` }),
      after: t.arg.string(),
    },
    complexity: executionsComplexity,
    resolve: (_root, args, context) => executionsPage(args, context),
  }),
}));

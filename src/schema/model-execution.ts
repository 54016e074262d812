/**
 * ModelExecution (models host) and its root field with every documented filter.
 */
import type { Context } from '../context.ts';
import * as model from '../model.ts';
import type { ModelListQuery } from '../upstreams/types.ts';
import { badUserInput } from '../errors.ts';
import { builder } from './builder.ts';
import { ModelExecutionConnection } from './connections.ts';
import { pageComplexity } from './cost.ts';
import { ErrorClassification, Execution, ExecutionStatus } from './execution.ts';
import {
  type ConnectionShape,
  type OffsetWindow,
  type PageRequest,
  connectionOf,
  fitsFirstPage,
  maxPageSize,
  pageRequest,
  upstreamLimit,
  windowOf,
} from './paging.ts';
import type { NodeRef, NodeRefOf } from './ids.ts';
import { ModelExecution, WorkflowExecution } from './refs.ts';

/** Default page size of the models list (the upstream's own default). */
const defaultModelPage = 20;

ModelExecution.implement({
  description: 'One AI model execution on the models host, with its cost and run time.',
  interfaces: [builder.nodeInterfaceRef(), Execution],
  isTypeOf: (value) => (value as model.Execution).source === 'MODEL',
  fields: (t) => ({
    model: t.exposeString('model', {
      description:
        'Model slug, e.g. `flux-1-1-pro`. Null only where no answer named it: the prediction read `node(id:)` makes documents none, so an id taken from a list carries it.',
    }),
    cost: t.exposeFloat('cost', { description: 'USD.' }),
    runTimeSeconds: t.exposeFloat('runTimeSeconds'),
    errorClassification: t.field({
      type: ErrorClassification,
      resolve: (execution) => execution.errorClassification,
    }),
    workflowId: t.exposeString('workflowId'),
    workflowExecutionId: t.exposeString('workflowExecutionId'),
    workflowExecution: t.field({
      type: WorkflowExecution,
      description: 'The workflow execution that started this one, read through the bulk endpoint.',
      resolve: (execution, _args, context) =>
        execution.workflowExecutionId
          ? context.upstreams.flows.loaders.execution.load({
              executionId: execution.workflowExecutionId,
              workflowId: execution.workflowId,
            })
          : null,
    }),
  }),
});

/**
 * A model execution by its global id: `GET /v1/prediction/{id}`, whose shape documents no model
 * slug; the slug an id taken from a list carries fills it in.
 */
export async function loadModelExecution(ref: NodeRefOf<'ModelExecution'>, context: Context): Promise<model.ModelExecution> {
  return withSlugOf(ref, await context.upstreams.models.loaders.prediction.load(ref.executionId));
}

/** A model execution with the slug its global id carries, where its own answer named none. */
export function withSlugOf<T extends model.Execution>(ref: NodeRef, execution: T): T {
  return execution.source === 'MODEL' && execution.model === null && ref.typename === 'ModelExecution' && ref.model
    ? { ...execution, model: ref.model }
    : execution;
}

export const ModelExecutionFilter = builder.inputType('ModelExecutionFilter', {
  fields: (t) => ({
    model: t.string(),
    status: t.field({ type: [ExecutionStatus], description: 'Maps to every upstream value of each status.' }),
    workflowId: t.string(),
    workflowExecutionId: t.string(),
    errorClassification: t.field({ type: [ErrorClassification] }),
    createdAfter: t.field({ type: 'DateTime', description: 'Upstream `from`.' }),
    createdBefore: t.field({ type: 'DateTime', description: 'Upstream `to`.' }),
  }),
});

type Filter = typeof ModelExecutionFilter.$inferInput;

function toQuery(filter: Filter | null | undefined, window: OffsetWindow): ModelListQuery {
  if (filter?.status && filter.status.length > 0 && filter.status.every((status) => status === 'UNKNOWN')) {
    throw badUserInput('UNKNOWN has no upstream value to filter on', 'filter.status');
  }
  return {
    offset: window.offset,
    limit: upstreamLimit(window),
    model: filter?.model ?? null,
    statuses: filter?.status ? filter.status.flatMap((status) => model.upstreamStatusesOf(status)) : null,
    workflowId: filter?.workflowId ?? null,
    workflowExecutionId: filter?.workflowExecutionId ?? null,
    errorClassifications: filter?.errorClassification?.map((value) => value.toLowerCase()) ?? null,
    from: filter?.createdAfter ?? null,
    to: filter?.createdBefore ?? null,
  };
}

/** The first 100 model executions of one workflow execution: one call, shared by `cost` and `modelExecutions`. */
export function firstModelExecutionsOf(workflowExecutionId: string, context: Context): Promise<model.Page<model.ModelExecution>> {
  return context.upstreams.models.loaders.page.load(toQuery({ workflowExecutionId }, { offset: 0, limit: maxPageSize }));
}

/**
 * The model executions of one workflow execution. Every window inside the first 100 is cut
 * from one shared call, so `modelExecutions` and `cost` together cost one upstream call.
 */
export function modelExecutionsOfWorkflowExecution(
  workflowExecutionId: string,
  request: PageRequest,
  context: Context,
): Promise<ConnectionShape<model.ModelExecution>> {
  return connectionOf(request, async (window) =>
    fitsFirstPage(window)
      ? windowOf(await firstModelExecutionsOf(workflowExecutionId, context), window)
      : context.upstreams.models.loaders.page.load(toQuery({ workflowExecutionId }, window)),
  );
}

/**
 * The model execution a step ran: the prediction its metadata names (the detail shape names it
 * once the step completed; for a step read in bulk, which does not, the detail is read, once per
 * workflow execution), found in its workflow execution's model executions, the one call `cost`
 * and `modelExecutions` make too. Not listed there (a workflow execution of more than 100), it is
 * read by id. Null for a step that has not completed or is not a model step.
 */
export async function modelExecutionOfStep(step: model.Step, context: Context): Promise<model.ModelExecution | null> {
  if (step.model === null || step.status !== 'COMPLETED') return null;
  const named = step.predictionId
    ? Promise.resolve(step.predictionId)
    : context.upstreams.workflows.loaders.detail
        .load(step.executionId)
        .then((detail) => detail.steps?.find((candidate) => candidate.stepId === step.stepId)?.predictionId ?? null);
  const listed = modelExecutionsOfWorkflowExecution(step.executionId, { first: maxPageSize, after: null }, context);
  // Both calls at once; a list that failed matters only if the step names a prediction.
  listed.catch(() => undefined);
  const predictionId = await named;
  if (predictionId === null) return null;
  const found = (await listed).edges.find((edge) => edge.node.executionId === predictionId)?.node;
  return found ?? loadModelExecution({ typename: 'ModelExecution', executionId: predictionId }, context);
}

builder.queryFields((t) => ({
  modelExecutions: t.field({
    type: ModelExecutionConnection,
    description: 'Model executions, newest first, filtered as the models host allows.',
    args: {
      filter: t.arg({ type: ModelExecutionFilter }),
      first: t.arg.int({ description: `Page size, 0–${maxPageSize}. @default ${defaultModelPage}` }),
      after: t.arg.string(),
    },
    complexity: pageComplexity(defaultModelPage),
    resolve: (_root, args, context) =>
      connectionOf(pageRequest(args, defaultModelPage), async (window) =>
        context.upstreams.models.loaders.page.load(toQuery(args.filter, window)),
      ),
  }),
}));

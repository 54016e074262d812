/**
 * Workflow: what the workflows host knows of a workflow (`GET /workflows/{id}`: name, slug,
 * versions), its executions as a connection, and the link from each of its executions.
 */
import type * as model from '../model.ts';
import { builder } from './builder.ts';
import { WorkflowExecutionConnection } from './connections.ts';
import { pageComplexity, upstreamCall } from './cost.ts';
import { encodeGlobalId } from './ids.ts';
import { Workflow, WorkflowExecution } from './refs.ts';
import { defaultWorkflowPage, workflowExecutionsOf } from './workflow-execution.ts';

const WorkflowVersion = builder.objectRef<model.WorkflowVersion>('WorkflowVersion').implement({
  description: 'One version of a workflow.',
  fields: (t) => ({
    versionId: t.exposeString('versionId', { nullable: false }),
    status: t.exposeString('status', { description: '`active`, `archived` or `deleted`, as the upstream says.' }),
    production: t.exposeBoolean('production'),
    triggerCount: t.exposeInt('triggerCount', { description: 'Executions started with this version.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

Workflow.implement({
  description: 'A workflow of the workflows host, with its versions and its executions.',
  interfaces: [builder.nodeInterfaceRef()],
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'versions' in value && 'workflowId' in value && !('source' in value),
  fields: (t) => ({
    id: t.id({ nullable: false, resolve: (workflow) => encodeGlobalId({ typename: 'Workflow', workflowId: workflow.workflowId }) }),
    workflowId: t.exposeString('workflowId', { nullable: false, description: "The workflow's uuid, whichever way it was asked for." }),
    slug: t.exposeString('slug'),
    name: t.exposeString('name'),
    description: t.exposeString('description'),
    categories: t.exposeStringList('categories'),
    status: t.exposeString('status', { description: '`active`, `archived` or `deleted`, as the upstream says.' }),
    latestVersionId: t.exposeString('latestVersionId'),
    triggerCount: t.exposeInt('triggerCount', { description: 'Executions started, all versions together.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    versions: t.field({ type: [WorkflowVersion], resolve: (workflow) => workflow.versions }),
    executions: t.field({
      type: WorkflowExecutionConnection,
      description: 'Its executions, newest first, optionally of one bulk (the workflows list).',
      args: { first: t.arg.int(), after: t.arg.string(), bulkId: t.arg({ type: 'UUID' }) },
      complexity: pageComplexity(defaultWorkflowPage),
      resolve: (workflow, args, context) => workflowExecutionsOf(workflow.workflowId, args, context),
    }),
  }),
});

builder.objectField(WorkflowExecution, 'workflow', (t) =>
  t.field({
    type: Workflow,
    description: 'The workflow this is an execution of (one call per distinct workflow in the request).',
    complexity: upstreamCall,
    resolve: (execution, _args, context) => context.upstreams.workflows.loaders.workflow.load(execution.workflowId),
  }),
);

builder.queryFields((t) => ({
  workflow: t.field({
    type: Workflow,
    description: 'A workflow by its uuid or slug.',
    args: { idOrSlug: t.arg.string({ required: true }) },
    complexity: upstreamCall,
    resolve: (_root, { idOrSlug }, context) => context.upstreams.workflows.loaders.workflow.load(idOrSlug),
  }),
}));

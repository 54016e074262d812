/**
 * Step: one step of a workflow execution (text, image, structured …).
 */
import { ExecutionStatus } from './execution.ts';
import { Step, WorkflowExecution } from './refs.ts';

Step.implement({
  description: 'One step of a workflow execution. Identical whichever upstream shape it was read from.',
  fields: (t) => ({
    stepId: t.exposeString('stepId', { nullable: false }),
    name: t.exposeString('name', { description: 'Only the bulk endpoint names steps.' }),
    status: t.field({ type: ExecutionStatus, nullable: false, resolve: (step) => step.status }),
    upstreamStatus: t.exposeString('upstreamStatus'),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    completedAt: t.expose('completedAt', { type: 'DateTime' }),
    durationMs: t.exposeInt('durationMs'),
    input: t.expose('input', { type: 'JSON' }),
    output: t.expose('output', {
      type: 'JSON',
      description: 'A string (text step), a list of URLs (image step) or an object (structured step).',
    }),
    primary: t.expose('primary', { type: 'JSON', description: 'The main value of `output`, e.g. the first image.' }),
    model: t.exposeString('model'),
    modelVersion: t.exposeString('modelVersion'),
    params: t.expose('params', { type: 'JSONObject' }),
    execution: t.field({
      type: WorkflowExecution,
      nullable: false,
      resolve: (step, _args, context) =>
        context.upstreams.flows.loaders.execution.load({ executionId: step.executionId, workflowId: step.workflowId }),
    }),
  }),
});

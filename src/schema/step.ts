/**
 * Step: one step of a workflow execution (text, image, structured …), and the model execution it ran.
 */
import { expectedListLength, upstreamCall } from './cost.ts';
import { ExecutionStatus } from './execution.ts';
import { modelExecutionOfStep } from './model-execution.ts';
import { OutputItem, outputItemsOf } from './output.ts';
import { ModelExecution, Step, WorkflowExecution } from './refs.ts';

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
    outputs: t.field({
      type: [OutputItem],
      description: '`output`, typed: one item per element of a list output (text, image, file or JSON).',
      resolve: (step) => outputItemsOf(step.output),
    }),
    modelExecution: t.field({
      type: ModelExecution,
      description:
        'The model execution this step ran, with its cost and run time; null until the step completed (the upstream names it then) and for steps that run no model. One models call per workflow execution, shared with `cost` and `modelExecutions` (and, for steps read in bulk, one read of its detail).',
      // Those two calls are its workflow execution's, shared by all its steps.
      complexity: (2 * upstreamCall) / expectedListLength,
      resolve: (step, _args, context) => modelExecutionOfStep(step, context),
    }),
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

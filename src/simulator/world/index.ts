/**
 * The simulated world as facts with timelines, in simulator terms (not gateway terms).
 * Nothing here knows a wire format: the host handlers render these facts, and the state of
 * anything that is still running is computed from the clock at request time, so executions
 * progress and end (complete, fail or get cancelled) as simulated time passes.
 *
 * `buildWorld` lays the world out from one seeded generator in a fixed order of parts (account,
 * catalogue, workflow executions, model executions, tasks): the ids depend on that order, and
 * test/simulator-world.test.ts holds it still.
 */
import { createRng, type Rng } from '../random.ts';
import type { Draft } from './build/draft.ts';
import { layOutModelExecutions, type ModelPicks } from './build/models.ts';
import { layOutTasks, type TaskPicks } from './build/tasks.ts';
import { layOutWorkflowExecutions, type WorkflowPicks } from './build/workflows.ts';
import { workflowKinds } from './catalogue.ts';
import type { ModelExecutionFact } from './models.ts';
import type { TaskFact } from './tasks.ts';
import { SECOND } from './time.ts';
import type { BulkFact, WorkflowDef, WorkflowExecutionFact } from './workflows.ts';
import { createWrites, type WorldWrites } from './writes.ts';

export { errorClassifications, type ErrorClassification, type ErrorFact } from './errors.ts';
export { modelStateAt, type ModelExecutionFact, type ModelState, type ModelStatus } from './models.ts';
export { taskStateAt, type TaskFact, type TaskState, type TaskStatus } from './tasks.ts';
export {
  workflowStateAt,
  type BulkFact,
  type Ending,
  type StepDef,
  type StepKind,
  type StepPlan,
  type StepState,
  type StepStatus,
  type WorkflowDef,
  type WorkflowExecutionFact,
  type WorkflowState,
  type WorkflowStatus,
} from './workflows.ts';
export type { TaskCancel, WorldWrites } from './writes.ts';

/** Named facts with a guaranteed shape, for tests and examples. */
export type Picks = WorkflowPicks & ModelPicks & TaskPicks;

export interface World {
  readonly epoch: number;
  readonly workflows: readonly WorkflowDef[];
  readonly bigWorkflowId: string;
  /** Per workflow id, newest first by created_at. */
  readonly executionsByWorkflow: ReadonlyMap<string, readonly WorkflowExecutionFact[]>;
  readonly executions: ReadonlyMap<string, WorkflowExecutionFact>;
  readonly bulks: readonly BulkFact[];
  /** Newest first by created_at. */
  readonly modelExecutions: readonly ModelExecutionFact[];
  readonly modelExecutionsById: ReadonlyMap<string, ModelExecutionFact>;
  readonly tasks: readonly TaskFact[];
  readonly tasksById: ReadonlyMap<string, TaskFact>;
  readonly picks: Picks;
  readonly credentials: { readonly apiKey: string; readonly tasksToken: string; readonly tasksProjectId: string };
  /**
   * The API keys the eachlabs hosts accept: `credentials.apiKey` and any issued since, minus the
   * revoked ones. An account holds several keys, each revocable on its own.
   */
  readonly apiKeys: Set<string>;
  /** Secrets and personal data the legacy bulk endpoint leaks (the gateway must not). */
  readonly organizationId: string;
  readonly organizationApiKey: string;
  /** The write endpoints' changes to the world (trigger, cancel). */
  readonly writes: WorldWrites;
}

export function buildWorld(seed: number, epochInput: number): World {
  const rng = createRng(seed);
  const epoch = Math.floor(epochInput / SECOND) * SECOND;
  const account = drawAccount(rng);
  const draft: Draft = {
    rng,
    epoch,
    kinds: workflowKinds(rng),
    executions: new Map(),
    byWorkflow: new Map(),
    bulks: [],
    models: [],
    tasks: [],
  };
  const workflowPicks = layOutWorkflowExecutions(draft);
  const modelPicks = layOutModelExecutions(draft, workflowPicks.completedImageExecution);
  const taskPicks = layOutTasks(draft);
  const [bigWorkflow] = draft.kinds;
  if (!bigWorkflow) throw new Error('fixture invariant: no workflows');
  const modelsById = new Map(draft.models.map((m) => [m.id, m]));
  const tasksById = new Map(draft.tasks.map((t) => [t.id, t]));
  return {
    epoch,
    workflows: draft.kinds.map((kind) => kind.def),
    bigWorkflowId: bigWorkflow.def.id,
    executionsByWorkflow: draft.byWorkflow,
    executions: draft.executions,
    bulks: draft.bulks,
    modelExecutions: draft.models,
    modelExecutionsById: modelsById,
    tasks: draft.tasks,
    tasksById,
    picks: { ...workflowPicks, ...modelPicks, ...taskPicks },
    credentials: account.credentials,
    apiKeys: new Set([account.credentials.apiKey]),
    organizationId: account.organizationId,
    organizationApiKey: account.organizationApiKey,
    writes: createWrites({ ...draft, modelsById, tasksById }),
  };
}

/** The account's credentials and the secrets the legacy bulk endpoint leaks. */
function drawAccount(rng: Rng) {
  const credentials = { apiKey: `smk_sim_${rng.hex(32)}`, tasksToken: `sk_sim_${rng.hex(40)}`, tasksProjectId: rng.uuid() };
  return { credentials, organizationId: rng.uuid(), organizationApiKey: `sk_live_${rng.hex(40)}` };
}

/** `SimulatorData`: the seeded world as tests see it, and the answers the hosts would give now. */
import type { Clock } from './clock.ts';
import type { Picks, StepKind, World } from './world/index.ts';
import { renderBulkExecution } from './flows.ts';
import { rebaseJson, worldMediaBase } from './media.ts';
import { renderModelListItem, renderPrediction } from './models.ts';
import { renderTask } from './tasks.ts';
import { renderWorkflowDetail, renderWorkflowSummary } from './workflows.ts';

export type { Picks } from './world/index.ts';

export interface SimStep {
  readonly stepId: string;
  readonly name: string;
  /** text → string output, image → list of URLs, structured → object. */
  readonly kind: StepKind;
  readonly model: string;
  readonly version: string;
}

export interface SimWorkflow {
  /** UUID; the list endpoint also accepts `slug`. */
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly steps: readonly SimStep[];
  /** Every execution of the workflow, newest first by created_at (the list endpoint's order). */
  readonly executionIds: readonly string[];
}

export interface SimBulk {
  readonly workflowId: string;
  readonly bulkId: string;
  /** In trigger order. */
  readonly executionIds: readonly string[];
}

/** JSON as a host would answer it (a fresh object every call). */
export type WireJson = Record<string, unknown>;

export interface SimulatorData {
  readonly seed: number;
  /** The instant (ms, whole second) the data is laid out relative to. */
  readonly epoch: number;
  readonly workflows: readonly SimWorkflow[];
  /** A workflow with more than 150 executions (paging tests). */
  readonly bigWorkflowId: string;
  readonly bulks: readonly SimBulk[];
  /** Every model execution id, newest first (some linked to workflow steps, some standalone). */
  readonly modelExecutionIds: readonly string[];
  /** Every task execution id. */
  readonly taskExecutionIds: readonly string[];
  readonly picks: Picks;
  /** What the bulk endpoint leaks and the gateway must never expose. */
  readonly secrets: { readonly bulkApiKey: string; readonly organizationId: string; readonly sourceIpAddresses: readonly string[] };
  /** `GET /executions/{id}` body now, or null when unknown. */
  workflowExecution(id: string): WireJson | null;
  /** The list endpoint's summary of one execution now, or null. */
  workflowExecutionSummary(id: string): WireJson | null;
  /** One execution as the flows bulk endpoint answers it now, or null. */
  bulkExecution(id: string): WireJson | null;
  /** `GET /v1/executions` item now, or null when unknown or not created yet. */
  modelExecution(id: string): WireJson | null;
  /** Every `GET /v1/executions` item that exists now, newest first (unfiltered, unpaged). */
  modelExecutionList(): WireJson[];
  /** `GET /v1/prediction/{id}` body now, or null. */
  prediction(id: string): WireJson | null;
  /** `GET /api/v1/executions/{id}` body (tasks host) now, or null. */
  taskExecution(id: string): WireJson | null;
}

/** @param mediaBase the base image URLs are answered under (media.ts); the world's own by default. */
export function createSimulatorData(
  world: World,
  seed: number,
  clock: Clock,
  modelsBaseUrl: () => string,
  mediaBase = worldMediaBase,
): SimulatorData {
  const rebase = <T>(value: T): T => rebaseJson(value, mediaBase);
  const workflows = world.workflows.map((workflow) => ({
    id: workflow.id,
    slug: workflow.slug,
    name: workflow.name,
    steps: workflow.steps.map((step) => ({ ...step })),
    executionIds: (world.executionsByWorkflow.get(workflow.id) ?? []).map((fact) => fact.id),
  }));
  const withExecution = <T>(id: string, render: (fact: NonNullable<ReturnType<typeof world.executions.get>>) => T): T | null => {
    const fact = world.executions.get(id);
    return fact ? render(fact) : null;
  };
  return {
    seed,
    epoch: world.epoch,
    workflows,
    bigWorkflowId: world.bigWorkflowId,
    bulks: world.bulks.map((bulk) => ({ ...bulk, executionIds: [...bulk.executionIds] })),
    modelExecutionIds: world.modelExecutions.map((fact) => fact.id),
    taskExecutionIds: world.tasks.map((fact) => fact.id),
    picks: world.picks,
    secrets: {
      bulkApiKey: world.organizationApiKey,
      organizationId: world.organizationId,
      sourceIpAddresses: [...new Set([...world.executions.values()].map((fact) => fact.sourceIp))],
    },
    workflowExecution: (id) => rebase(withExecution(id, (fact) => renderWorkflowDetail(fact, clock.now()))),
    workflowExecutionSummary: (id) => withExecution(id, (fact) => renderWorkflowSummary(fact, clock.now())),
    bulkExecution: (id) => rebase(withExecution(id, (fact) => renderBulkExecution(world, fact, clock.now()))),
    modelExecution: (id) => {
      const fact = world.modelExecutionsById.get(id);
      return fact ? rebase(renderModelListItem(fact, clock.now())) : null;
    },
    modelExecutionList: () => {
      const now = clock.now();
      return rebase(
        world.modelExecutions.flatMap((fact): WireJson[] => {
          const item = renderModelListItem(fact, now);
          return item ? [item] : [];
        }),
      );
    },
    prediction: (id) => {
      const fact = world.modelExecutionsById.get(id);
      return fact ? rebase(renderPrediction(fact, clock.now(), modelsBaseUrl())) : null;
    },
    taskExecution: (id) => {
      const fact = world.tasksById.get(id);
      return fact ? renderTask(fact, clock.now()) : null;
    },
  };
}

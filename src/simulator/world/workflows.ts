/**
 * Workflow executions (workflows and flows hosts) as facts with a planned timeline: the state at
 * any instant is computed from the plan, so running executions progress and end as time passes.
 */
import type { ErrorFact } from './errors.ts';

export type StepKind = 'text' | 'image' | 'structured';
export type WorkflowStatus = 'running' | 'completed' | 'failed' | 'cancelled';
export type StepStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface StepDef {
  readonly stepId: string;
  readonly name: string;
  readonly kind: StepKind;
  readonly model: string;
  readonly version: string;
}

export interface WorkflowDef {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly steps: readonly StepDef[];
}

export interface StepPlan {
  readonly def: StepDef;
  readonly startAt: number;
  readonly endAt: number;
  /** The resolved input of the step (= what the model received). */
  readonly params: Readonly<Record<string, unknown>>;
  /** What the step produces if it completes. */
  readonly output: unknown;
  /** The linked model execution (models host) of this step. */
  readonly predictionId: string;
  readonly cost: number;
}

export type Ending =
  | { readonly kind: 'completed' }
  | { readonly kind: 'failed'; readonly stepIndex: number; readonly error: ErrorFact }
  | { readonly kind: 'cancelled'; readonly at: number };

export interface WorkflowExecutionFact {
  readonly id: string;
  readonly workflow: WorkflowDef;
  readonly versionId: string;
  readonly bulkId: string | null;
  readonly createdAt: number;
  /** All values are strings, so the bulk endpoint's `parameters` carry the same values. */
  readonly inputs: Readonly<Record<string, string>>;
  readonly steps: readonly StepPlan[];
  readonly ending: Ending;
  readonly sourceIp: string;
}

export interface StepState {
  readonly plan: StepPlan;
  readonly status: StepStatus;
  readonly startedAt: number | null;
  /** Only for completed or failed steps. */
  readonly completedAt: number | null;
  /** True when `plan.output` is visible (completed steps only). */
  readonly hasOutput: boolean;
  readonly error: ErrorFact | null;
}

export interface WorkflowState {
  readonly status: WorkflowStatus;
  readonly startedAt: number;
  /** Set once terminal (completed, failed or cancelled). */
  readonly completedAt: number | null;
  readonly updatedAt: number;
  readonly steps: readonly StepState[];
  /** The output of the step with the latest completed_at; only when completed. */
  readonly hasOutput: boolean;
  readonly output: unknown;
  readonly errorCause: string | null;
}

/** What the timeline functions need to know about how an execution ends. */
interface EndingAt {
  readonly ending: Ending;
  /** When the failing step ends (Infinity unless the execution fails). */
  readonly failedAt: number;
  /** When the execution is cancelled (Infinity unless it is). */
  readonly cancelAt: number;
}

export function workflowStateAt(fact: WorkflowExecutionFact, now: number): WorkflowState {
  const { ending } = fact;
  const failedAt = ending.kind === 'failed' ? (fact.steps[ending.stepIndex]?.endAt ?? Infinity) : Infinity;
  const cancelAt = ending.kind === 'cancelled' ? ending.at : Infinity;
  const events: number[] = [fact.createdAt];
  const steps = fact.steps.map((plan, index) => stepStateAt(plan, index, now, { ending, failedAt, cancelAt }, events));
  const lastEnd = fact.steps.reduce((max, step) => Math.max(max, step.endAt), fact.createdAt);
  let status: WorkflowStatus = 'running';
  let completedAt: number | null = null;
  if (now >= failedAt) [status, completedAt] = ['failed', failedAt];
  else if (now >= cancelAt) [status, completedAt] = ['cancelled', cancelAt];
  else if (ending.kind === 'completed' && now >= lastEnd) [status, completedAt] = ['completed', lastEnd];
  const last = status === 'completed' ? lastCompleted(steps) : null;
  const failedStep = status === 'failed' && ending.kind === 'failed' ? fact.steps[ending.stepIndex] : undefined;
  return {
    status,
    startedAt: fact.createdAt,
    completedAt,
    updatedAt: Math.max(...events.filter((at) => at <= now)),
    steps,
    hasOutput: last !== null,
    output: last ? last.plan.output : null,
    errorCause: failedStep && ending.kind === 'failed' ? `Step '${failedStep.def.stepId}' failed: ${ending.error.message}` : null,
  };
}

/** One step at `now`; pushes the instants at which it changed (so far) onto `events`. */
function stepStateAt(plan: StepPlan, index: number, now: number, { ending, failedAt, cancelAt }: EndingAt, events: number[]): StepState {
  const base = { plan, startedAt: null, completedAt: null, hasOutput: false, error: null };
  const skippedAfterFailure = ending.kind === 'failed' && index > ending.stepIndex;
  const skippedAfterCancel = ending.kind === 'cancelled' && plan.startAt >= cancelAt;
  if (skippedAfterFailure || skippedAfterCancel) {
    const at = skippedAfterFailure ? failedAt : cancelAt;
    return { ...base, status: now >= at ? 'cancelled' : 'queued' };
  }
  if (now < plan.startAt) return { ...base, status: 'queued' };
  events.push(plan.startAt);
  if (ending.kind === 'cancelled' && cancelAt < plan.endAt) {
    if (now < cancelAt) return { ...base, status: 'running', startedAt: plan.startAt };
    events.push(cancelAt);
    return { ...base, status: 'cancelled', startedAt: plan.startAt };
  }
  if (now < plan.endAt) return { ...base, status: 'running', startedAt: plan.startAt };
  events.push(plan.endAt);
  if (ending.kind === 'failed' && index === ending.stepIndex) {
    return { ...base, status: 'failed', startedAt: plan.startAt, completedAt: plan.endAt, error: ending.error };
  }
  return { ...base, status: 'completed', startedAt: plan.startAt, completedAt: plan.endAt, hasOutput: true };
}

/** The step with the latest completed_at (the later one on a tie), or null. */
function lastCompleted(steps: readonly StepState[]): StepState | null {
  return steps
    .filter((step) => step.completedAt !== null)
    .reduce<StepState | null>((best, step) => (best === null || (step.completedAt ?? 0) >= (best.completedAt ?? 0) ? step : best), null);
}

export interface BulkFact {
  readonly workflowId: string;
  readonly bulkId: string;
  readonly executionIds: readonly string[];
}

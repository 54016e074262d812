/**
 * Model executions (models host) as facts with a timeline: standalone ones, and the ones the
 * steps of workflow executions start.
 */
import type { ErrorFact } from './errors.ts';
import { SECOND } from './time.ts';
import type { WorkflowExecutionFact } from './workflows.ts';

export type ModelStatus = 'starting' | 'processing' | 'success' | 'failed' | 'cancelled';

export interface ModelExecutionFact {
  readonly id: string;
  readonly model: string;
  readonly input: Readonly<Record<string, unknown>>;
  /** Raw output: string, URL list or object. */
  readonly output: unknown;
  readonly createdAt: number;
  readonly startAt: number;
  readonly endAt: number;
  readonly outcome: 'success' | 'failed' | 'cancelled';
  readonly cost: number;
  readonly error: ErrorFact | null;
  readonly workflowId: string | null;
  readonly workflowExecutionId: string | null;
}

export interface ModelState {
  readonly status: ModelStatus;
  readonly startedAt: number | null;
  readonly completedAt: number | null;
  readonly runTimeSeconds: number;
  readonly cost: number;
  readonly hasOutput: boolean;
  readonly error: ErrorFact | null;
}

/** Null when the execution does not exist yet at `now`. */
export function modelStateAt(fact: ModelExecutionFact, now: number): ModelState | null {
  if (now < fact.createdAt) return null;
  if (now < fact.startAt) {
    return { status: 'starting', startedAt: null, completedAt: null, runTimeSeconds: 0, cost: 0, hasOutput: false, error: null };
  }
  if (now < fact.endAt) {
    const runTimeSeconds = Math.round((now - fact.startAt) / 100) / 10;
    return { status: 'processing', startedAt: fact.startAt, completedAt: null, runTimeSeconds, cost: 0, hasOutput: false, error: null };
  }
  return {
    status: fact.outcome,
    startedAt: fact.startAt,
    completedAt: fact.endAt,
    runTimeSeconds: Math.round((fact.endAt - fact.startAt) / 100) / 10,
    cost: fact.outcome === 'success' ? fact.cost : 0,
    hasOutput: fact.outcome === 'success',
    error: fact.outcome === 'failed' ? fact.error : null,
  };
}

/** The model executions (models host) the steps of a workflow execution start, as it is planned to end. */
export function predictionsOf(fact: WorkflowExecutionFact): ModelExecutionFact[] {
  const cancelAt = fact.ending.kind === 'cancelled' ? fact.ending.at : Infinity;
  return fact.steps.flatMap((step, index): ModelExecutionFact[] => {
    if (fact.ending.kind === 'failed' && index > fact.ending.stepIndex) return [];
    if (step.startAt >= cancelAt) return [];
    const failedHere = fact.ending.kind === 'failed' && index === fact.ending.stepIndex;
    const cancelledHere = cancelAt < step.endAt;
    return [
      {
        id: step.predictionId,
        model: step.def.model,
        input: step.params,
        output: step.output,
        createdAt: step.startAt,
        startAt: step.startAt + SECOND,
        endAt: cancelledHere ? cancelAt : step.endAt,
        outcome: failedHere ? 'failed' : cancelledHere ? 'cancelled' : 'success',
        cost: step.cost,
        error: failedHere && fact.ending.kind === 'failed' ? fact.ending.error : null,
        workflowId: fact.workflow.id,
        workflowExecutionId: fact.id,
      },
    ];
  });
}

/** One workflow execution, planned from its kind: steps, timings, content and how it ends. */
import type { Rng } from '../../random.ts';
import { costOf, duration, type StepContent, type WorkflowKind } from '../catalogue.ts';
import { errorClassifications, errorMessages } from '../errors.ts';
import { SECOND } from '../time.ts';
import type { Ending, StepPlan, WorkflowExecutionFact } from '../workflows.ts';
import type { Draft } from './draft.ts';

/** How an execution is planned to end; the running ones end 1–3 minutes after the epoch. */
export type Plan = 'completed' | 'failed' | 'cancelled' | 'running' | 'running-fail';

/**
 * A new execution of `kind` created at `createdAt`, recorded in the draft. Draws, in order: its id,
 * inputs (unless given), step content, durations, step plans, ending, version and source IP.
 */
export function makeExecution(
  draft: Pick<Draft, 'rng' | 'epoch' | 'executions' | 'byWorkflow'>,
  kind: WorkflowKind,
  createdAt: number,
  plan: Plan,
  bulkId: string | null,
  given?: Readonly<Record<string, string>>,
): WorkflowExecutionFact {
  const { rng } = draft;
  const id = rng.uuid();
  const inputs = given ? { ...given } : kind.inputs(rng);
  const contents = kind.content(rng, id, inputs);
  const durations = stepDurations(draft, kind, createdAt, plan);
  const steps = planSteps(rng, kind, contents, durations, createdAt);
  const ending = planEnding(rng, plan, steps);
  const fact: WorkflowExecutionFact = {
    id,
    workflow: kind.def,
    versionId: rng.chance(0.7) ? 'v2' : 'v1',
    bulkId,
    createdAt,
    inputs,
    steps,
    ending,
    sourceIp: `${rng.pick(['203.0.113', '198.51.100', '192.0.2'])}.${rng.int(2, 254)}`,
  };
  draft.executions.set(id, fact);
  const list = draft.byWorkflow.get(kind.def.id) ?? [];
  list.push(fact);
  draft.byWorkflow.set(kind.def.id, list);
  return fact;
}

function stepDurations({ rng, epoch }: Pick<Draft, 'rng' | 'epoch'>, kind: WorkflowKind, createdAt: number, plan: Plan): number[] {
  const durations = kind.def.steps.map((step) => duration(rng, step.kind));
  if (plan !== 'running' && plan !== 'running-fail') return durations;
  // Stretch the plan so it ends 1–3 minutes after the epoch, whatever already elapsed.
  const total = epoch + rng.int(60, 180) * SECOND - createdAt;
  const sum = durations.reduce((a, b) => a + b, 0);
  return durations.map((d) => Math.max(SECOND, Math.round((d * total) / sum / SECOND) * SECOND));
}

/** The steps back to back from `createdAt`, each with its prediction id and cost. */
function planSteps(
  rng: Rng,
  kind: WorkflowKind,
  contents: readonly StepContent[],
  durations: readonly number[],
  createdAt: number,
): StepPlan[] {
  let at = createdAt;
  return kind.def.steps.map((def, index): StepPlan => {
    const content = contents[index] ?? { params: {}, output: null };
    const startAt = at;
    at += durations[index] ?? SECOND;
    return {
      def,
      startAt,
      endAt: at,
      params: content.params,
      output: content.output,
      predictionId: rng.uuid(),
      cost: costOf(rng, def.kind),
    };
  });
}

function planEnding(rng: Rng, plan: Plan, steps: readonly StepPlan[]): Ending {
  if (plan === 'failed' || plan === 'running-fail') {
    const classification = rng.pick(errorClassifications);
    const stepIndex = plan === 'running-fail' ? steps.length - 1 : rng.int(0, steps.length - 1);
    return { kind: 'failed', stepIndex, error: { classification, message: errorMessages[classification] } };
  }
  if (plan === 'cancelled') {
    const step = steps[rng.int(0, steps.length - 1)];
    if (step) return { kind: 'cancelled', at: step.startAt + Math.floor((step.endAt - step.startAt) / 2 / SECOND) * SECOND };
  }
  return { kind: 'completed' };
}

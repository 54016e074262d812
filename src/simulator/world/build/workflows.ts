/** The workflow executions and bulks of the seeded world: the named picks first, then filler. */
import type { WorkflowKind } from '../catalogue.ts';
import { errorMessages } from '../errors.ts';
import { DAY, HOUR, MINUTE, SECOND } from '../time.ts';
import type { BulkFact } from '../workflows.ts';
import { newestFirst, type Draft } from './draft.ts';
import { makeExecution, type Plan } from './execution.ts';

export interface WorkflowPicks {
  /** Completed, final output a list of image URLs, not a bulk member. */
  readonly completedImageExecution: string;
  /** Completed, final output a text string. */
  readonly completedTextExecution: string;
  /** Completed, final output an object (structured step). */
  readonly completedStructuredExecution: string;
  /** Failed at its first step; later steps are `cancelled` (skipped). */
  readonly failedExecution: string;
  /** Cancelled while a step was running. */
  readonly cancelledExecution: string;
  /** Running at start; completes within about 1–3 simulated minutes. */
  readonly runningExecution: string;
  /** Running at start; fails within about 1–3 simulated minutes. */
  readonly runningFailingExecution: string;
  /** A bulk whose members are still running at start. */
  readonly runningBulk: BulkFact;
  /** A bulk whose members are all terminal. */
  readonly completedBulk: BulkFact;
}

type Kinds = readonly [
  textToImage: WorkflowKind,
  productWriter: WorkflowKind,
  storyIllustrator: WorkflowKind,
  invoiceExtractor: WorkflowKind,
];

/** Lays out every workflow execution; the first kind gets more than 150 (paging tests). */
export function layOutWorkflowExecutions(draft: Draft): WorkflowPicks {
  const { epoch } = draft;
  const [textToImage, productWriter, storyIllustrator, invoiceExtractor] = draft.kinds as Kinds;
  // Named picks first so their plans are guaranteed, then bulk filler.
  const named = namedExecutions(draft, draft.kinds as Kinds);
  singles(draft, textToImage, 138, 7 * DAY);
  const completedBulk = bulk(draft, textToImage, 10, epoch - 26 * HOUR, (i) => (i === 3 ? 'failed' : 'completed'));
  const runningBulk = bulk(draft, textToImage, 4, epoch - 15 * SECOND, (i) => (i === 2 ? 'running-fail' : 'running'));
  singles(draft, productWriter, 18, 5 * DAY);
  bulk(draft, productWriter, 6, epoch - 30 * HOUR, () => 'completed');
  singles(draft, storyIllustrator, 12, 6 * DAY);
  bulk(draft, storyIllustrator, 3, epoch - 50 * HOUR, (i) => (i === 1 ? 'cancelled' : 'completed'));
  bulk(draft, storyIllustrator, 2, epoch - 3 * DAY, () => 'completed');
  singles(draft, invoiceExtractor, 14, 4 * DAY);
  sortNewestFirst(draft);
  return { ...named, runningBulk, completedBulk };
}

function namedExecutions(draft: Draft, [textToImage, productWriter, storyIllustrator, invoiceExtractor]: Kinds) {
  const make = (kind: WorkflowKind, ago: number, plan: Plan) => makeExecution(draft, kind, draft.epoch - ago, plan, null);
  const completedImage = make(textToImage, 2 * HOUR, 'completed');
  const completedText = make(productWriter, 3 * HOUR, 'completed');
  const completedStructured = make(invoiceExtractor, 4 * HOUR, 'completed');
  const failed = make(storyIllustrator, 5 * HOUR, 'completed');
  // Re-plan the failed pick to fail at its first step so the later step is skipped (`cancelled`).
  const error = { classification: 'execution_timeout', message: errorMessages.execution_timeout } as const;
  draft.executions.set(failed.id, { ...failed, ending: { kind: 'failed', stepIndex: 0, error } });
  const cancelled = make(textToImage, 6 * HOUR, 'cancelled');
  const running = make(textToImage, 8 * SECOND, 'running');
  const runningFailing = make(invoiceExtractor, 12 * SECOND, 'running-fail');
  make(storyIllustrator, 20 * SECOND, 'running');
  make(textToImage, 30 * SECOND, 'running');
  return {
    completedImageExecution: completedImage.id,
    completedTextExecution: completedText.id,
    completedStructuredExecution: completedStructured.id,
    failedExecution: failed.id,
    cancelledExecution: cancelled.id,
    runningExecution: running.id,
    runningFailingExecution: runningFailing.id,
  };
}

/** An instant between 10 minutes and `maxAgo` before the epoch. */
export function pastTime({ rng, epoch }: Pick<Draft, 'rng' | 'epoch'>, maxAgo: number): number {
  return epoch - rng.int(10 * MINUTE, maxAgo) - rng.int(0, 59) * SECOND;
}

/** Mostly completed, some failed, a few cancelled. */
function pastPlan({ rng }: Draft): Plan {
  const roll = rng.next();
  return roll < 0.8 ? 'completed' : roll < 0.94 ? 'failed' : 'cancelled';
}

/** `count` executions outside any bulk, finished at various times in the past. */
function singles(draft: Draft, kind: WorkflowKind, count: number, maxAgo: number): void {
  for (let i = 0; i < count; i++) makeExecution(draft, kind, Math.floor(pastTime(draft, maxAgo) / SECOND) * SECOND, pastPlan(draft), null);
}

/** A bulk of `size` members created a second apart, the i-th planned as `plans(i)`. */
function bulk(draft: Draft, kind: WorkflowKind, size: number, createdAt: number, plans: (i: number) => Plan): BulkFact {
  const bulkId = draft.rng.uuid();
  const ids = Array.from({ length: size }, (_, i) => makeExecution(draft, kind, createdAt + i * SECOND, plans(i), bulkId).id);
  const fact = { workflowId: kind.def.id, bulkId, executionIds: ids };
  draft.bulks.push(fact);
  return fact;
}

/** Each workflow's list newest first, holding the latest version of each fact (re-planned picks). */
function sortNewestFirst({ executions, byWorkflow }: Draft): void {
  for (const [workflowId, list] of byWorkflow) {
    const refreshed = list.map((fact) => executions.get(fact.id) ?? fact);
    refreshed.sort(newestFirst);
    byWorkflow.set(workflowId, refreshed);
  }
}

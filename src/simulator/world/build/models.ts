/** The model executions of the seeded world: those of the workflow steps, then standalone ones. */
import type { Rng } from '../../random.ts';
import { aspectRatios, capitalise, costOf, duration, imageBase, imageUrls, subjects } from '../catalogue.ts';
import { errorClassifications, errorMessages, type ErrorFact } from '../errors.ts';
import { predictionsOf, type ModelExecutionFact } from '../models.ts';
import { DAY, HOUR, MINUTE, SECOND } from '../time.ts';
import type { StepKind } from '../workflows.ts';
import { newestFirst, type Draft } from './draft.ts';
import { pastTime } from './workflows.ts';

export interface ModelPicks {
  /** A successful model execution linked to a completed workflow execution step. */
  readonly modelExecutionLinked: string;
  /** A successful standalone model execution (no workflow). */
  readonly modelExecutionStandalone: string;
  /** A failed standalone model execution (with error_classification). */
  readonly modelExecutionFailed: string;
  /** Processing at start, succeeds later. */
  readonly modelExecutionRunning: string;
  /** Successful prediction whose raw output is an array of URLs. */
  readonly predictionArrayOutput: string;
  /** Successful prediction whose raw output is an object. */
  readonly predictionObjectOutput: string;
}

const modelSlugs = ['flux-1-1-pro', 'nano-banana-pro', 'openai-chatgpt-5', 'gemini-2-5-flash'];

interface StandaloneOptions {
  readonly error?: ErrorFact;
  /** ms from creation to start. @default 1–4 s, drawn */
  readonly startAfter?: number;
  /** ms from start to end. @default drawn by the model's kind */
  readonly runFor?: number;
  /** @default drawn by the model */
  readonly output?: (id: string, prompt: string) => unknown;
}

/** Lays out every model execution; `linkedExecution` is the completed image workflow execution to pick a step of. */
export function layOutModelExecutions(draft: Draft, linkedExecution: string): ModelPicks {
  const { epoch, models } = draft;
  for (const fact of draft.executions.values()) models.push(...predictionsOf(fact));
  const standaloneText = standalone(draft, 'openai-chatgpt-5', 'success', epoch - 90 * MINUTE);
  const standaloneArray = standalone(draft, 'nano-banana-pro', 'success', epoch - 100 * MINUTE, {
    output: (id) => imageUrls(`predictions/${id}`, 3),
  });
  const standaloneObject = standalone(draft, 'gemini-2-5-flash', 'success', epoch - 110 * MINUTE, {
    output: (_id, prompt) => ({
      labels: prompt
        .split(' ')
        .filter((word) => word.length > 4)
        .slice(0, 3),
      caption: capitalise(prompt),
      confidence: 0.93,
    }),
  });
  const [failedPick] = oneFailurePerClassification(draft);
  pastFiller(draft, 30);
  standalone(draft, 'flux-1-1-pro', 'cancelled', epoch - 7 * HOUR);
  standalone(draft, 'gemini-2-5-flash', 'success', epoch - 1 * SECOND, { startAfter: 5 * SECOND, runFor: 30 * SECOND });
  const processing = standalone(draft, 'flux-1-1-pro', 'success', epoch - 10 * SECOND, { startAfter: 2 * SECOND, runFor: 45 * SECOND });
  models.sort(newestFirst);
  const linkedPick = models.find((m) => m.workflowExecutionId === linkedExecution && m.model === 'nano-banana-pro');
  if (!linkedPick || !failedPick) throw new Error('fixture invariant: model picks missing');
  return {
    modelExecutionLinked: linkedPick.id,
    modelExecutionStandalone: standaloneText.id,
    modelExecutionFailed: failedPick.id,
    modelExecutionRunning: processing.id,
    predictionArrayOutput: standaloneArray.id,
    predictionObjectOutput: standaloneObject.id,
  };
}

/** One failed standalone execution per error classification, hours apart. */
function oneFailurePerClassification(draft: Draft): ModelExecutionFact[] {
  const { rng, epoch } = draft;
  return errorClassifications.map((classification, i) =>
    standalone(draft, modelSlugs[i % modelSlugs.length] ?? 'flux-1-1-pro', 'failed', epoch - (2 + i) * HOUR - rng.int(0, 59) * MINUTE, {
      error: { classification, message: errorMessages[classification] },
    }),
  );
}

/** Finished executions of the last three days: mostly successes, some cancelled, a few failed. */
function pastFiller(draft: Draft, count: number): void {
  const { rng } = draft;
  for (let i = 0; i < count; i++) {
    const roll = rng.next();
    standalone(draft, rng.pick(modelSlugs), roll < 0.85 ? 'success' : roll < 0.93 ? 'cancelled' : 'failed', pastTime(draft, 3 * DAY), {
      error: { classification: 'provider_error', message: errorMessages.provider_error },
    });
  }
}

/** A model execution outside any workflow, recorded in the draft. */
function standalone(
  draft: Draft,
  model: string,
  outcome: ModelExecutionFact['outcome'],
  created: number,
  options: StandaloneOptions = {},
): ModelExecutionFact {
  const { rng } = draft;
  const id = rng.uuid();
  const createdAt = Math.floor(created / SECOND) * SECOND;
  const kind: StepKind = model === 'flux-1-1-pro' || model === 'nano-banana-pro' ? 'image' : 'text';
  const prompt = rng.pick(subjects);
  const startAt = createdAt + (options.startAfter ?? rng.int(1, 4) * SECOND);
  const fact: ModelExecutionFact = {
    id,
    model,
    input:
      kind === 'image'
        ? { prompt, aspect_ratio: rng.pick(aspectRatios), output_format: 'png' }
        : { prompt: `Describe ${prompt} in two sentences.`, max_output_tokens: 200 },
    output: options.output ? options.output(id, prompt) : drawnOutput(rng, model, id, prompt),
    createdAt,
    startAt,
    endAt: startAt + (options.runFor ?? duration(rng, kind)),
    outcome,
    cost: costOf(rng, kind),
    error: options.error ?? null,
    workflowId: null,
    workflowExecutionId: null,
  };
  draft.models.push(fact);
  return fact;
}

/** The raw output of each model: one image URL, a list of them, or text. */
function drawnOutput(rng: Rng, model: string, id: string, prompt: string): unknown {
  if (model === 'flux-1-1-pro') return `${imageBase}/predictions/${id}/image.png`;
  if (model === 'nano-banana-pro') return imageUrls(`predictions/${id}`, rng.int(1, 3));
  return `${capitalise(prompt)} is captured in soft light. Every detail invites a closer look.`;
}

/**
 * The simulated world as facts with timelines, in simulator terms (not gateway terms).
 * Nothing here knows a wire format: the host handlers render these facts, and the state of
 * anything that is still running is computed from the clock at request time, so executions
 * progress and end (complete, fail or get cancelled) as simulated time passes.
 */
import { createRng, type Rng } from './random.ts';

export const errorClassifications = [
  'content_moderation',
  'execution_timeout',
  'invalid_user_input',
  'invalid_model_config',
  'provider_auth',
  'provider_error',
  'provider_rate_limit',
  'provider_unavailable',
  'internal_error',
  'unknown',
] as const;
export type ErrorClassification = (typeof errorClassifications)[number];

const errorMessages: Readonly<Record<ErrorClassification, string>> = {
  content_moderation: 'Content flagged by the provider safety filter',
  execution_timeout: 'Model timeout after 30s',
  invalid_user_input: 'Invalid input: prompt must not be empty',
  invalid_model_config: "Invalid model configuration: unsupported aspect_ratio '21:9'",
  provider_auth: 'Provider rejected the credentials (401)',
  provider_error: 'Provider returned an internal error',
  provider_rate_limit: 'Provider rate limit exceeded, retries exhausted',
  provider_unavailable: 'Provider temporarily unavailable (503)',
  internal_error: 'Internal error while processing the prediction',
  unknown: 'Prediction failed for an unknown reason',
};

export interface ErrorFact {
  readonly classification: ErrorClassification;
  readonly message: string;
}

// ---------------------------------------------------------------- workflows

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

export function workflowStateAt(fact: WorkflowExecutionFact, now: number): WorkflowState {
  const { ending } = fact;
  const failedAt = ending.kind === 'failed' ? (fact.steps[ending.stepIndex]?.endAt ?? Infinity) : Infinity;
  const cancelAt = ending.kind === 'cancelled' ? ending.at : Infinity;
  const events: number[] = [fact.createdAt];
  const steps = fact.steps.map((plan, index): StepState => {
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
  });
  const lastEnd = fact.steps.reduce((max, step) => Math.max(max, step.endAt), fact.createdAt);
  let status: WorkflowStatus = 'running';
  let completedAt: number | null = null;
  if (now >= failedAt) [status, completedAt] = ['failed', failedAt];
  else if (now >= cancelAt) [status, completedAt] = ['cancelled', cancelAt];
  else if (ending.kind === 'completed' && now >= lastEnd) [status, completedAt] = ['completed', lastEnd];
  let hasOutput = false;
  let output: unknown = null;
  if (status === 'completed') {
    const last = steps
      .filter((step) => step.completedAt !== null)
      .reduce<StepState | null>((best, step) => (best === null || (step.completedAt ?? 0) >= (best.completedAt ?? 0) ? step : best), null);
    if (last) [hasOutput, output] = [true, last.plan.output];
  }
  const failedStep = status === 'failed' && ending.kind === 'failed' ? fact.steps[ending.stepIndex] : undefined;
  return {
    status,
    startedAt: fact.createdAt,
    completedAt,
    updatedAt: Math.max(...events.filter((at) => at <= now)),
    steps,
    hasOutput,
    output,
    errorCause: failedStep && ending.kind === 'failed' ? `Step '${failedStep.def.stepId}' failed: ${ending.error.message}` : null,
  };
}

// ---------------------------------------------------------------- models

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

// ---------------------------------------------------------------- tasks (Polos)

export type TaskStatus = 'queued' | 'claimed' | 'running' | 'waiting' | 'completed' | 'failed' | 'pending_cancel' | 'cancelled';

export interface TaskFact {
  readonly id: string;
  readonly workflowId: string;
  readonly queueName: string;
  /** Status changes in time order; the first one is the creation (`queued`). */
  readonly phases: readonly { readonly at: number; readonly status: TaskStatus }[];
  readonly payload: unknown;
  /** Shown once completed. */
  readonly result: unknown;
  /** Shown once failed. */
  readonly error: string | null;
  readonly retryCount: number;
  readonly worker: string;
  readonly batchId: string | null;
  readonly concurrencyKey: string | null;
  readonly deploymentId: string | null;
  readonly sessionId: string | null;
  readonly stepKey: string | null;
  readonly userId: string | null;
  readonly outputSchemaName: string | null;
  readonly runTimeoutSeconds: number | null;
  readonly cancelledBy: string | null;
  readonly parentId: string | null;
  readonly rootId: string | null;
}

export interface TaskState {
  readonly status: TaskStatus;
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly completedAt: number | null;
  readonly cancelledAt: number | null;
}

export function taskStateAt(fact: TaskFact, now: number): TaskState {
  const first = fact.phases[0];
  if (!first) throw new Error(`task ${fact.id} has no phases`);
  const reached = fact.phases.filter((phase) => phase.at <= now);
  const current = reached[reached.length - 1] ?? first;
  const startedAt = reached.find((phase) => phase.status === 'running')?.at ?? null;
  const cancelledAt = reached.find((phase) => phase.status === 'pending_cancel' || phase.status === 'cancelled')?.at ?? null;
  const terminal = current.status === 'completed' || current.status === 'failed' || current.status === 'cancelled';
  return { status: current.status, createdAt: first.at, startedAt, completedAt: terminal ? current.at : null, cancelledAt };
}

// ---------------------------------------------------------------- the world

export interface BulkFact {
  readonly workflowId: string;
  readonly bulkId: string;
  readonly executionIds: readonly string[];
}

export interface Picks {
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
  /** Leaf of a task chain of depth >= 5 (root → … → leaf). */
  readonly deepTaskChainLeaf: string;
  readonly deepTaskChainRoot: string;
  /** Queued at start, then claimed, running and completed. */
  readonly queuedTask: string;
  readonly completedTask: string;
  readonly failedTask: string;
  readonly cancelledTask: string;
  readonly pendingCancelTask: string;
  readonly waitingTask: string;
}

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

/** Result of cancelling a task: the target's status right after, or why it could not be. */
export type TaskCancel =
  | { readonly kind: 'cancelled'; readonly status: TaskStatus; readonly at: number }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'not-cancellable'; readonly status: TaskStatus };

/**
 * How the write endpoints change the world. Facts stay immutable: a change replaces a fact
 * with a new one whose timeline diverges at the moment of the write.
 */
export interface WorldWrites {
  /** Input names of a workflow; the first is required (the docs' "missing required field 'prompt'"). */
  inputNames(workflowId: string): readonly string[];
  /** A new execution created at `at`, planned to complete, with its step predictions. */
  trigger(workflowId: string, inputs: Readonly<Record<string, string>>, at: number, options: { bulkId: string | null; versionId: string | null }): WorkflowExecutionFact;
  newBulkId(): string;
  addBulk(bulk: BulkFact): void;
  /** Best effort: a prediction not yet finished at `at` ends `cancelled` then; false when unknown. */
  cancelPrediction(id: string, at: number): boolean;
  /** Polos: the target, its ancestors and descendants that are still cancellable. */
  cancelTask(id: string, at: number): TaskCancel;
  /** Simulator extension (no documented route): a running execution ends `cancelled` at `at`. */
  cancelWorkflowExecution(id: string, at: number): WorkflowStatus | null;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const subjects = [
  'a lighthouse on a stormy coast', 'a red fox in fresh snow', 'a neon-lit Tokyo alley at night', 'a cozy reading nook with a cat',
  'an astronaut tending a greenhouse on Mars', 'a vintage bicycle against a yellow wall', 'a koi pond in autumn',
  'a mountain cabin under the northern lights', 'a steampunk airship over London', 'a bowl of ramen with steam rising',
];
const styles = ['watercolor', 'photorealistic', 'isometric', 'oil painting', 'pixel art', 'line art'];
const products = [
  'Aurora Wireless Earbuds', 'Trailblazer 40L Backpack', 'Cedar & Sage Soy Candle', 'Nimbus Memory Foam Pillow',
  'Forge Cast-Iron Skillet', 'Pulse Smart Water Bottle', 'Atlas Standing Desk', 'Velvet Matte Lipstick',
];
const tones = ['playful', 'premium', 'friendly', 'technical', 'minimal'];
const audiences = ['busy parents', 'outdoor enthusiasts', 'remote workers', 'home cooks', 'students'];
const stories = [
  'tell an epic story of a rat graduating from law', 'a lonely robot learns to paint', 'two snails race across a garden',
  'a dragon who is afraid of the dark', 'the last bookshop on the moon', 'a detective penguin solves a fish heist',
];
const vendors = ['Acme Office Supplies Ltd', 'Northwind Traders', 'Globex Logistics GmbH', 'Initech Consulting', 'Umbrella Catering Co'];
const currencies = ['USD', 'EUR', 'GBP', 'TRY'];
const aspectRatios = ['1:1', '16:9', '4:3', '9:16'];

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function imageUrls(executionOrPrediction: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `https://storage.googleapis.com/eachlabs-sim/${executionOrPrediction}/${i + 1}.png`);
}

function duration(rng: Rng, kind: StepKind): number {
  if (kind === 'image') return rng.int(15, 70) * SECOND;
  if (kind === 'structured') return rng.int(6, 30) * SECOND;
  return rng.int(4, 25) * SECOND;
}

function costOf(rng: Rng, kind: StepKind): number {
  if (kind === 'image') return rng.float(0.03, 0.12, 4);
  if (kind === 'structured') return rng.float(0.01, 0.04, 4);
  return rng.float(0.003, 0.02, 4);
}

interface StepContent {
  readonly params: Record<string, unknown>;
  readonly output: unknown;
}

interface WorkflowKind {
  readonly def: WorkflowDef;
  inputs(rng: Rng): Record<string, string>;
  /** Resolved params and outputs of each step, in order (later steps see earlier outputs). */
  content(rng: Rng, executionId: string, inputs: Record<string, string>): StepContent[];
}

function workflowKinds(rng: Rng): WorkflowKind[] {
  const def = (slug: string, name: string, steps: StepDef[]): WorkflowDef => ({ id: rng.uuid(), slug, name, steps });
  const get = (inputs: Record<string, string>, key: string): string => inputs[key] ?? '';
  return [
    {
      def: def('text-to-image-generator', 'Text to Image Generator', [
        { stepId: 'step1', name: 'Expand prompt', kind: 'text', model: 'openai-chatgpt-5', version: '0.0.1' },
        { stepId: 'step2', name: 'Generate image', kind: 'image', model: 'nano-banana-pro', version: '0.0.1' },
      ]),
      inputs: (r) => ({ prompt: r.pick(subjects), style: r.pick(styles) }),
      content: (r, id, inputs) => {
        const prompt = `${capitalise(get(inputs, 'style'))} image of ${get(inputs, 'prompt')}, golden-hour lighting, shallow depth of field, highly detailed`;
        const count = r.int(1, 4);
        return [
          {
            params: { system_prompt: 'You expand short image ideas into detailed prompts.', user_prompt: `${get(inputs, 'prompt')} (${get(inputs, 'style')})`, max_output_tokens: 256 },
            output: prompt,
          },
          {
            params: { prompt, num_images: count, aspect_ratio: r.pick(aspectRatios), resolution: '1K', output_format: 'png' },
            output: imageUrls(id, count),
          },
        ];
      },
    },
    {
      def: def('product-description-writer', 'Product Description Writer', [
        { stepId: 'step1', name: 'Draft copy', kind: 'text', model: 'gemini-2-5-flash', version: '0.0.1' },
        { stepId: 'step2', name: 'Polish copy', kind: 'text', model: 'openai-chatgpt-5', version: '0.0.1' },
      ]),
      inputs: (r) => ({ product_name: r.pick(products), tone: r.pick(tones), audience: r.pick(audiences) }),
      content: (_r, _id, inputs) => {
        const product = get(inputs, 'product_name');
        const draft = `Meet the ${product}: designed for ${get(inputs, 'audience')}, built to last, and ready for every day. It pairs thoughtful details with materials you can trust, so it simply works when you need it.`;
        return [
          {
            params: { system_prompt: 'You write e-commerce product descriptions.', user_prompt: `Write a ${get(inputs, 'tone')} description of ${product} for ${get(inputs, 'audience')}.`, max_output_tokens: 400 },
            output: draft,
          },
          {
            params: { system_prompt: 'Tighten the copy; keep it under 80 words.', user_prompt: draft, max_output_tokens: 200 },
            output: `The ${product}, made for ${get(inputs, 'audience')}. Thoughtful details, trusted materials, and a ${get(inputs, 'tone')} finish that just works.`,
          },
        ];
      },
    },
    {
      def: def('story-illustrator', 'Story Illustrator', [
        { stepId: 'step1', name: 'Write story', kind: 'text', model: 'openai-chatgpt-5', version: '0.0.1' },
        { stepId: 'step2', name: 'Illustrate story', kind: 'image', model: 'nano-banana-pro', version: '0.0.1' },
      ]),
      inputs: (r) => ({ story: r.pick(stories) }),
      content: (r, id, inputs) => {
        const story = `Once upon a time, ${get(inputs, 'story')}. Against every odd, the hero pressed on, and by the final page the whole town had gathered to cheer.`;
        const count = r.int(2, 4);
        return [
          {
            params: { system_prompt: 'You are a helpful assistant', user_prompt: get(inputs, 'story'), max_output_tokens: 512 },
            output: story,
          },
          {
            params: { prompt: `Generate images based on the story: ${story}`, num_images: count, aspect_ratio: '16:9', resolution: '1K', output_format: 'png' },
            output: imageUrls(id, count),
          },
        ];
      },
    },
    {
      def: def('invoice-extractor', 'Invoice Extractor', [
        { stepId: 'step1', name: 'Read document', kind: 'text', model: 'gemini-2-5-flash', version: '0.0.1' },
        { stepId: 'step2', name: 'Extract fields', kind: 'structured', model: 'openai-chatgpt-5', version: '0.0.1' },
      ]),
      inputs: (r) => ({ document_url: `https://files.example.com/invoices/INV-${r.int(10000, 99999)}.pdf`, currency: r.pick(currencies) }),
      content: (r, _id, inputs) => {
        const vendor = r.pick(vendors);
        const number = `INV-${r.int(2025, 2026)}-${String(r.int(1, 9999)).padStart(4, '0')}`;
        const quantity = r.int(1, 12);
        const unitPrice = r.float(4, 250, 2);
        const subtotal = Math.round(quantity * unitPrice * 100) / 100;
        const tax = Math.round(subtotal * 0.2 * 100) / 100;
        const text = `${vendor}\nInvoice ${number}\nIssue date 2026-03-0${r.int(1, 9)}\n${quantity} x Service package @ ${unitPrice}\nSubtotal ${subtotal}\nVAT ${tax}\nTotal ${subtotal + tax}`;
        return [
          {
            params: { document_url: get(inputs, 'document_url'), prompt: 'Transcribe the invoice text.', max_output_tokens: 1024 },
            output: text,
          },
          {
            params: { text, schema: 'invoice_v2', currency: get(inputs, 'currency'), temperature: 0 },
            output: {
              invoice_number: number,
              vendor,
              issue_date: '2026-03-01',
              due_date: '2026-03-31',
              currency: get(inputs, 'currency'),
              subtotal,
              tax,
              total: Math.round((subtotal + tax) * 100) / 100,
              line_items: [{ description: 'Service package', quantity, unit_price: unitPrice }],
            },
          },
        ];
      },
    },
  ];
}

type Plan = 'completed' | 'failed' | 'cancelled' | 'running' | 'running-fail';

/** The model executions (models host) the steps of a workflow execution start, as it is planned to end. */
function predictionsOf(fact: WorkflowExecutionFact): ModelExecutionFact[] {
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

export function buildWorld(seed: number, epochInput: number): World {
  const rng = createRng(seed);
  const epoch = Math.floor(epochInput / SECOND) * SECOND;
  const credentials = { apiKey: `smk_sim_${rng.hex(32)}`, tasksToken: `sk_sim_${rng.hex(40)}`, tasksProjectId: rng.uuid() };
  const organizationId = rng.uuid();
  const organizationApiKey = `sk_live_${rng.hex(40)}`;
  const kinds = workflowKinds(rng);
  const executions = new Map<string, WorkflowExecutionFact>();
  const byWorkflow = new Map<string, WorkflowExecutionFact[]>();
  const bulks: BulkFact[] = [];

  const makeExecution = (
    kind: WorkflowKind,
    createdAt: number,
    plan: Plan,
    bulkId: string | null,
    given?: Readonly<Record<string, string>>,
  ): WorkflowExecutionFact => {
    const id = rng.uuid();
    const inputs = given ? { ...given } : kind.inputs(rng);
    const contents = kind.content(rng, id, inputs);
    let durations = kind.def.steps.map((step) => duration(rng, step.kind));
    if (plan === 'running' || plan === 'running-fail') {
      // Stretch the plan so it ends 1–3 minutes after the epoch, whatever already elapsed.
      const total = epoch + rng.int(60, 180) * SECOND - createdAt;
      const sum = durations.reduce((a, b) => a + b, 0);
      durations = durations.map((d) => Math.max(SECOND, Math.round((d * total) / sum / SECOND) * SECOND));
    }
    let at = createdAt;
    const steps = kind.def.steps.map((def, index): StepPlan => {
      const content = contents[index] ?? { params: {}, output: null };
      const startAt = at;
      at += durations[index] ?? SECOND;
      return { def, startAt, endAt: at, params: content.params, output: content.output, predictionId: rng.uuid(), cost: costOf(rng, def.kind) };
    });
    let ending: Ending = { kind: 'completed' };
    if (plan === 'failed' || plan === 'running-fail') {
      const classification = rng.pick(errorClassifications);
      const stepIndex = plan === 'running-fail' ? steps.length - 1 : rng.int(0, steps.length - 1);
      ending = { kind: 'failed', stepIndex, error: { classification, message: errorMessages[classification] } };
    } else if (plan === 'cancelled') {
      const step = steps[rng.int(0, steps.length - 1)];
      if (step) ending = { kind: 'cancelled', at: step.startAt + Math.floor((step.endAt - step.startAt) / 2 / SECOND) * SECOND };
    }
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
    executions.set(id, fact);
    const list = byWorkflow.get(kind.def.id) ?? [];
    list.push(fact);
    byWorkflow.set(kind.def.id, list);
    return fact;
  };

  const pastPlan = (): Plan => {
    const roll = rng.next();
    return roll < 0.8 ? 'completed' : roll < 0.94 ? 'failed' : 'cancelled';
  };
  const pastTime = (maxAgo: number): number => epoch - rng.int(10 * MINUTE, maxAgo) - rng.int(0, 59) * SECOND;
  const singles = (kind: WorkflowKind, count: number, maxAgo: number): void => {
    for (let i = 0; i < count; i++) makeExecution(kind, Math.floor(pastTime(maxAgo) / SECOND) * SECOND, pastPlan(), null);
  };
  const bulk = (kind: WorkflowKind, size: number, createdAt: number, plans: (i: number) => Plan): BulkFact => {
    const bulkId = rng.uuid();
    const ids = Array.from({ length: size }, (_, i) => makeExecution(kind, createdAt + i * SECOND, plans(i), bulkId).id);
    const fact = { workflowId: kind.def.id, bulkId, executionIds: ids };
    bulks.push(fact);
    return fact;
  };
  const [textToImage, productWriter, storyIllustrator, invoiceExtractor] = kinds as [WorkflowKind, WorkflowKind, WorkflowKind, WorkflowKind];

  // Named picks first so their plans are guaranteed, then bulk filler.
  const completedImage = makeExecution(textToImage, epoch - 2 * HOUR, 'completed', null);
  const completedText = makeExecution(productWriter, epoch - 3 * HOUR, 'completed', null);
  const completedStructured = makeExecution(invoiceExtractor, epoch - 4 * HOUR, 'completed', null);
  const failed = makeExecution(storyIllustrator, epoch - 5 * HOUR, 'completed', null);
  // Re-plan the failed pick to fail at its first step so the later step is skipped (`cancelled`).
  executions.set(failed.id, { ...failed, ending: { kind: 'failed', stepIndex: 0, error: { classification: 'execution_timeout', message: errorMessages.execution_timeout } } });
  const cancelled = makeExecution(textToImage, epoch - 6 * HOUR, 'cancelled', null);
  const running = makeExecution(textToImage, epoch - 8 * SECOND, 'running', null);
  const runningFailing = makeExecution(invoiceExtractor, epoch - 12 * SECOND, 'running-fail', null);
  makeExecution(storyIllustrator, epoch - 20 * SECOND, 'running', null);
  makeExecution(textToImage, epoch - 30 * SECOND, 'running', null);

  singles(textToImage, 138, 7 * DAY);
  const completedBulk = bulk(textToImage, 10, epoch - 26 * HOUR, (i) => (i === 3 ? 'failed' : 'completed'));
  const runningBulk = bulk(textToImage, 4, epoch - 15 * SECOND, (i) => (i === 2 ? 'running-fail' : 'running'));
  singles(productWriter, 18, 5 * DAY);
  bulk(productWriter, 6, epoch - 30 * HOUR, () => 'completed');
  singles(storyIllustrator, 12, 6 * DAY);
  bulk(storyIllustrator, 3, epoch - 50 * HOUR, (i) => (i === 1 ? 'cancelled' : 'completed'));
  bulk(storyIllustrator, 2, epoch - 3 * DAY, () => 'completed');
  singles(invoiceExtractor, 14, 4 * DAY);

  for (const [workflowId, list] of byWorkflow) {
    const refreshed = list.map((fact) => executions.get(fact.id) ?? fact);
    refreshed.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1));
    byWorkflow.set(workflowId, refreshed);
  }

  // ------------------------------------------------------------ model executions
  const models: ModelExecutionFact[] = [];
  for (const fact of executions.values()) models.push(...predictionsOf(fact));
  const standalone = (model: string, outcome: ModelExecutionFact['outcome'], createdAt: number, options: { error?: ErrorFact; startAfter?: number; runFor?: number; output?: (id: string, prompt: string) => unknown } = {}): ModelExecutionFact => {
    const id = rng.uuid();
    createdAt = Math.floor(createdAt / SECOND) * SECOND;
    const kind: StepKind = model === 'flux-1-1-pro' || model === 'nano-banana-pro' ? 'image' : 'text';
    const prompt = rng.pick(subjects);
    const startAt = createdAt + (options.startAfter ?? rng.int(1, 4) * SECOND);
    const fact: ModelExecutionFact = {
      id,
      model,
      input: kind === 'image' ? { prompt, aspect_ratio: rng.pick(aspectRatios), output_format: 'png' } : { prompt: `Describe ${prompt} in two sentences.`, max_output_tokens: 200 },
      output: options.output
        ? options.output(id, prompt)
        : model === 'flux-1-1-pro'
          ? `https://storage.googleapis.com/eachlabs-sim/predictions/${id}/image.png`
          : model === 'nano-banana-pro'
            ? imageUrls(`predictions/${id}`, rng.int(1, 3))
            : `${capitalise(prompt)} is captured in soft light. Every detail invites a closer look.`,
      createdAt,
      startAt,
      endAt: startAt + (options.runFor ?? duration(rng, kind)),
      outcome,
      cost: costOf(rng, kind),
      error: options.error ?? null,
      workflowId: null,
      workflowExecutionId: null,
    };
    models.push(fact);
    return fact;
  };
  const modelSlugs = ['flux-1-1-pro', 'nano-banana-pro', 'openai-chatgpt-5', 'gemini-2-5-flash'];
  const standaloneText = standalone('openai-chatgpt-5', 'success', epoch - 90 * MINUTE);
  const standaloneArray = standalone('nano-banana-pro', 'success', epoch - 100 * MINUTE, { output: (id) => imageUrls(`predictions/${id}`, 3) });
  const standaloneObject = standalone('gemini-2-5-flash', 'success', epoch - 110 * MINUTE, {
    output: (_id, prompt) => ({ labels: prompt.split(' ').filter((word) => word.length > 4).slice(0, 3), caption: capitalise(prompt), confidence: 0.93 }),
  });
  const standaloneFailures = errorClassifications.map((classification, i) =>
    standalone(modelSlugs[i % modelSlugs.length] ?? 'flux-1-1-pro', 'failed', epoch - (2 + i) * HOUR - rng.int(0, 59) * MINUTE, {
      error: { classification, message: errorMessages[classification] },
    }),
  );
  for (let i = 0; i < 30; i++) {
    const roll = rng.next();
    standalone(rng.pick(modelSlugs), roll < 0.85 ? 'success' : roll < 0.93 ? 'cancelled' : 'failed', pastTime(3 * DAY), {
      error: { classification: 'provider_error', message: errorMessages.provider_error },
    });
  }
  standalone('flux-1-1-pro', 'cancelled', epoch - 7 * HOUR);
  standalone('gemini-2-5-flash', 'success', epoch - 1 * SECOND, { startAfter: 5 * SECOND, runFor: 30 * SECOND });
  const processing = standalone('flux-1-1-pro', 'success', epoch - 10 * SECOND, { startAfter: 2 * SECOND, runFor: 45 * SECOND });
  models.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1));
  const linkedPick = models.find((m) => m.workflowExecutionId === completedImage.id && m.model === 'nano-banana-pro');
  const failedPick = standaloneFailures[0];
  if (!linkedPick || !failedPick) throw new Error('fixture invariant: model picks missing');

  // ------------------------------------------------------------ tasks (Polos)
  const tasks: TaskFact[] = [];
  const deploymentId = `deploy-2026-02-20-${rng.hex(6)}`;
  const worker = (): string => `worker-${rng.hex(8)}`;
  const task = (partial: Partial<TaskFact> & Pick<TaskFact, 'workflowId' | 'phases' | 'payload'>): TaskFact => {
    const fact: TaskFact = {
      id: rng.uuid(),
      queueName: partial.workflowId,
      result: null,
      error: null,
      retryCount: 0,
      worker: worker(),
      batchId: null,
      concurrencyKey: null,
      deploymentId,
      sessionId: null,
      stepKey: null,
      userId: null,
      outputSchemaName: null,
      runTimeoutSeconds: 3600,
      cancelledBy: null,
      parentId: null,
      rootId: null,
      ...partial,
    };
    tasks.push(fact);
    return fact;
  };
  const lifecycle = (created: number, end: number, final: TaskStatus, waits: readonly [number, number][] = []): TaskFact['phases'] => {
    const phases: { at: number; status: TaskStatus }[] = [
      { at: created, status: 'queued' },
      { at: created + 150, status: 'claimed' },
      { at: created + 400, status: 'running' },
    ];
    for (const [from, until] of waits) phases.push({ at: from, status: 'waiting' }, { at: until, status: 'running' });
    phases.push({ at: end, status: final });
    return phases;
  };

  // A live chain of depth 6: each ancestor waits for its child, then finishes shortly after it.
  const chainNames = ['research-agent', 'plan-research', 'web-search-tool', 'fetch-page', 'extract-facts', 'summarize-findings'];
  const chainStart = epoch - 20 * SECOND + rng.int(0, 999);
  const leafEnd = epoch + 40 * SECOND + rng.int(0, 999);
  const sessionId = rng.uuid();
  const chain: TaskFact[] = [];
  chainNames.forEach((workflowId, depth) => {
    const created = chainStart + depth * 2 * SECOND + rng.int(0, 300);
    const isLeaf = depth === chainNames.length - 1;
    const childCreated = chainStart + (depth + 1) * 2 * SECOND;
    const end = leafEnd + (chainNames.length - 1 - depth) * 1500;
    const parent = chain[depth - 1];
    chain.push(
      task({
        workflowId,
        queueName: depth === 0 ? 'agents' : workflowId,
        phases: lifecycle(created, end, 'completed', isLeaf ? [] : [[childCreated + 50, end - 1000]]),
        payload: depth === 0 ? { question: 'What changed in EU AI regulation in 2026?', depth: 'thorough' } : depth === 2 ? ['EU AI Act 2026 amendments', 'AI Office guidance'] : { from: parent?.workflowId ?? null, index: depth },
        result: isLeaf ? 'The 2026 amendments phase in obligations for general-purpose models.' : depth === 0 ? { summary: 'Obligations phase in through 2027.', sources: 4 } : { ok: true, depth },
        sessionId,
        userId: 'user_2f9c41',
        stepKey: depth === 0 ? null : `${workflowId.replace(/-/g, '_')}_0`,
        parentId: parent?.id ?? null,
        rootId: chain[0]?.id ?? null,
        outputSchemaName: depth === 0 ? 'ResearchReport' : null,
        concurrencyKey: depth === 0 ? 'user:2f9c41' : null,
        runTimeoutSeconds: depth === 0 ? 3600 : 300,
      }),
    );
  });

  // A finished batch run: a root that fanned out three children with one shared batch id.
  const batchRootCreated = epoch - 5 * HOUR + rng.int(0, 999);
  const batchRoot = task({
    workflowId: 'report-pipeline',
    phases: lifecycle(batchRootCreated, batchRootCreated + 95 * SECOND, 'completed', [[batchRootCreated + 2 * SECOND, batchRootCreated + 90 * SECOND]]),
    payload: { report: 'weekly-metrics', week: 9 },
    result: { url: 'https://reports.example.com/weekly-metrics/2026-w09.pdf', pages: 12 },
    userId: 'user_8a1d07',
    sessionId: rng.uuid(),
    outputSchemaName: 'ReportLink',
  });
  const batchId = rng.uuid();
  const batchResults: unknown[] = [1284, ['mrr', 'churn', 'nps'], true];
  const completedTask = batchResults.map((result, i) =>
    task({
      workflowId: ['count-signups', 'list-metrics', 'check-thresholds'][i] ?? 'count-signups',
      queueName: 'reports',
      phases: lifecycle(batchRootCreated + 2 * SECOND + i * 37, batchRootCreated + (30 + i * 20) * SECOND, 'completed'),
      payload: i === 0 ? 'signups' : i === 1 ? { period: '2026-W09' } : 42,
      result,
      retryCount: i === 1 ? 1 : 0,
      batchId,
      stepKey: `batch_${i}`,
      parentId: batchRoot.id,
      rootId: batchRoot.id,
      concurrencyKey: 'tenant-acme',
      runTimeoutSeconds: null,
    }),
  )[0];

  // A failed chain: the child exhausted its retries, so the root failed too.
  const failedRootCreated = epoch - 9 * HOUR + rng.int(0, 999);
  const failedRoot = task({
    workflowId: 'ingest-documents',
    phases: lifecycle(failedRootCreated, failedRootCreated + 70 * SECOND, 'failed', [[failedRootCreated + SECOND, failedRootCreated + 65 * SECOND]]),
    payload: { bucket: 's3://acme-inbox', prefix: '2026/02/' },
    error: "Child execution 'parse-pdf' failed after 2 retries",
    deploymentId: null,
  });
  const failedTask = task({
    workflowId: 'parse-pdf',
    phases: lifecycle(failedRootCreated + SECOND, failedRootCreated + 64 * SECOND, 'failed'),
    payload: 's3://acme-inbox/2026/02/scan-0042.pdf',
    error: 'PdfParseError: unexpected end of stream at byte 48213',
    retryCount: 2,
    stepKey: 'parse_pdf_0',
    parentId: failedRoot.id,
    rootId: failedRoot.id,
    deploymentId: null,
  });

  // Cancelled by a user (descendants follow), and one still waiting for its worker to confirm.
  const cancelCreated = epoch - 3 * HOUR + rng.int(0, 999);
  const cancelledTask = task({
    workflowId: 'translate-batch',
    phases: [...lifecycle(cancelCreated, cancelCreated + 20 * SECOND, 'pending_cancel'), { at: cancelCreated + 21 * SECOND, status: 'cancelled' }],
    payload: { languages: ['de', 'fr', 'tr'], document_id: 'doc_5521' },
    cancelledBy: 'manual',
    userId: 'user_77b2e0',
  });
  task({
    workflowId: 'translate-document',
    phases: [...lifecycle(cancelCreated + SECOND, cancelCreated + 20 * SECOND, 'pending_cancel'), { at: cancelCreated + 22 * SECOND, status: 'cancelled' }],
    payload: { language: 'de', document_id: 'doc_5521' },
    cancelledBy: 'manual',
    stepKey: 'translate_de',
    parentId: cancelledTask.id,
    rootId: cancelledTask.id,
  });
  const pendingCreated = epoch - 4 * MINUTE + rng.int(0, 999);
  const pendingCancelTask = task({
    workflowId: 'video-render',
    queueName: 'gpu',
    phases: lifecycle(pendingCreated, epoch - 30 * SECOND, 'pending_cancel'),
    payload: { scene: 'intro', fps: 30 },
    cancelledBy: 'manual',
    concurrencyKey: 'gpu-a100',
    runTimeoutSeconds: 900,
  });
  const timeoutCreated = epoch - 26 * HOUR + rng.int(0, 999);
  task({
    workflowId: 'video-render',
    queueName: 'gpu',
    phases: lifecycle(timeoutCreated, timeoutCreated + 900 * SECOND, 'cancelled'),
    payload: { scene: 'outro', fps: 60 },
    cancelledBy: 'system',
    runTimeoutSeconds: 900,
  });

  // Waiting on a human approval with no end in sight.
  const waitingCreated = epoch - 45 * MINUTE + rng.int(0, 999);
  const waitingTask = task({
    workflowId: 'approval-agent',
    queueName: 'agents',
    phases: [...lifecycle(waitingCreated, Infinity, 'completed').slice(0, 3), { at: waitingCreated + 3 * SECOND, status: 'waiting' }],
    payload: { request: 'refund', amount: 129.5, currency: 'EUR' },
    sessionId: rng.uuid(),
    userId: 'user_c0ffee',
    outputSchemaName: 'ApprovalDecision',
  });

  // Queued now, claimed and run shortly after.
  const queuedCreated = epoch - 800 + rng.int(0, 300);
  const queuedTask = task({
    workflowId: 'send-digest-email',
    queueName: 'email',
    phases: [
      { at: queuedCreated, status: 'queued' },
      { at: epoch + 5 * SECOND, status: 'claimed' },
      { at: epoch + 8 * SECOND, status: 'running' },
      { at: epoch + 30 * SECOND, status: 'completed' },
    ],
    payload: { to: 'team@example.com', template: 'daily-digest' },
    result: 'queued-for-delivery',
    concurrencyKey: 'email-provider',
  });
  // Claimed now (worker picked it up, not started).
  const claimedCreated = epoch - 2 * SECOND + rng.int(0, 300);
  task({
    workflowId: 'resize-images',
    phases: [
      { at: claimedCreated, status: 'queued' },
      { at: claimedCreated + 500, status: 'claimed' },
      { at: epoch + 10 * SECOND, status: 'running' },
      { at: epoch + 50 * SECOND, status: 'completed' },
    ],
    payload: [640, 1280, 1920],
    result: { resized: 3 },
    runTimeoutSeconds: null,
  });
  for (let i = 0; i < 8; i++) {
    const created = epoch - rng.int(1, 72) * HOUR - rng.int(0, 3599) * SECOND;
    const ok = rng.chance(0.75);
    const results: unknown[] = [{ rows: rng.int(10, 5000) }, 'done', rng.int(1, 99), [rng.hex(4), rng.hex(4)], false];
    task({
      workflowId: rng.pick(['sync-crm', 'score-leads', 'cleanup-temp-files']),
      phases: lifecycle(created, created + rng.int(2, 120) * SECOND, ok ? 'completed' : 'failed'),
      payload: rng.chance(0.5) ? { batch: rng.int(1, 40) } : `job-${rng.hex(6)}`,
      result: ok ? rng.pick(results) : null,
      error: ok ? null : 'TimeoutError: upstream CRM did not answer within 30s',
      retryCount: ok ? rng.int(0, 1) : 2,
      userId: rng.chance(0.5) ? `user_${rng.hex(6)}` : null,
      deploymentId: rng.chance(0.8) ? deploymentId : null,
    });
  }

  const chainRoot = chain[0];
  const chainLeaf = chain[chain.length - 1];
  if (!chainRoot || !chainLeaf || !completedTask) throw new Error('fixture invariant: task picks missing');

  const modelsById = new Map(models.map((m) => [m.id, m]));
  const tasksById = new Map(tasks.map((t) => [t.id, t]));
  const writes = createWrites({ rng, kinds, executions, byWorkflow, bulks, models, modelsById, tasks, tasksById, makeExecution });

  return {
    epoch,
    workflows: kinds.map((kind) => kind.def),
    bigWorkflowId: textToImage.def.id,
    executionsByWorkflow: byWorkflow,
    executions,
    bulks,
    modelExecutions: models,
    modelExecutionsById: modelsById,
    tasks,
    tasksById,
    picks: {
      completedImageExecution: completedImage.id,
      completedTextExecution: completedText.id,
      completedStructuredExecution: completedStructured.id,
      failedExecution: failed.id,
      cancelledExecution: cancelled.id,
      runningExecution: running.id,
      runningFailingExecution: runningFailing.id,
      runningBulk,
      completedBulk,
      modelExecutionLinked: linkedPick.id,
      modelExecutionStandalone: standaloneText.id,
      modelExecutionFailed: failedPick.id,
      modelExecutionRunning: processing.id,
      predictionArrayOutput: standaloneArray.id,
      predictionObjectOutput: standaloneObject.id,
      deepTaskChainLeaf: chainLeaf.id,
      deepTaskChainRoot: chainRoot.id,
      queuedTask: queuedTask.id,
      completedTask: completedTask.id,
      failedTask: failedTask.id,
      cancelledTask: cancelledTask.id,
      pendingCancelTask: pendingCancelTask.id,
      waitingTask: waitingTask.id,
    },
    credentials,
    apiKeys: new Set([credentials.apiKey]),
    organizationId,
    organizationApiKey,
    writes,
  };
}

// ---------------------------------------------------------------- writes

const cancellableTaskStatuses: readonly TaskStatus[] = ['queued', 'claimed', 'running', 'waiting', 'pending_cancel'];
/** A worker confirms a cancellation this long after it was asked for. */
const workerConfirmMs = 2 * SECOND;

interface WritableWorld {
  readonly rng: Rng;
  readonly kinds: readonly WorkflowKind[];
  readonly executions: Map<string, WorkflowExecutionFact>;
  readonly byWorkflow: Map<string, WorkflowExecutionFact[]>;
  readonly bulks: BulkFact[];
  readonly models: ModelExecutionFact[];
  readonly modelsById: Map<string, ModelExecutionFact>;
  readonly tasks: TaskFact[];
  readonly tasksById: Map<string, TaskFact>;
  makeExecution(kind: WorkflowKind, createdAt: number, plan: Plan, bulkId: string | null, given?: Readonly<Record<string, string>>): WorkflowExecutionFact;
}

function createWrites(world: WritableWorld): WorldWrites {
  const { rng, kinds, executions, byWorkflow, models, modelsById, tasks, tasksById } = world;
  const kindOf = (workflowId: string) => kinds.find((kind) => kind.def.id === workflowId);
  const replaceTask = (fact: TaskFact) => {
    tasksById.set(fact.id, fact);
    const index = tasks.findIndex((task) => task.id === fact.id);
    if (index >= 0) tasks[index] = fact;
  };
  return {
    // A throwaway generator: reading the names must not move the world's own sequence.
    inputNames: (workflowId) => Object.keys(kindOf(workflowId)?.inputs(createRng(0)) ?? {}),
    newBulkId: () => rng.uuid(),
    addBulk: (bulk) => void world.bulks.push(bulk),
    trigger(workflowId, inputs, at, options) {
      const kind = kindOf(workflowId);
      if (!kind) throw new Error(`unknown workflow ${workflowId}`);
      const created = world.makeExecution(kind, at, 'completed', options.bulkId, inputs);
      const fact = options.versionId ? { ...created, versionId: options.versionId } : created;
      executions.set(fact.id, fact);
      const list = (byWorkflow.get(workflowId) ?? []).map((item) => (item.id === fact.id ? fact : item));
      list.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1));
      byWorkflow.set(workflowId, list);
      for (const prediction of predictionsOf(fact)) {
        models.push(prediction);
        modelsById.set(prediction.id, prediction);
      }
      models.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1));
      return fact;
    },
    cancelPrediction(id, at) {
      const fact = modelsById.get(id);
      const state = fact ? modelStateAt(fact, at) : null;
      if (!fact || !state) return false;
      if (state.status === 'starting' || state.status === 'processing') {
        const cancelled: ModelExecutionFact = { ...fact, outcome: 'cancelled', startAt: Math.min(fact.startAt, at), endAt: at };
        modelsById.set(id, cancelled);
        const index = models.findIndex((m) => m.id === id);
        if (index >= 0) models[index] = cancelled;
      }
      return true;
    },
    cancelTask(id, at) {
      const target = tasksById.get(id);
      if (!target || taskStateAt(target, at).createdAt > at) return { kind: 'not-found' };
      const targetStatus = taskStateAt(target, at).status;
      if (!cancellableTaskStatuses.includes(targetStatus)) return { kind: 'not-cancellable', status: targetStatus };
      // Ancestors up the parent chain, descendants down every branch (Polos' recursive CTE).
      const affected = new Set<string>([id]);
      for (let parent = target.parentId; parent !== null && !affected.has(parent); parent = tasksById.get(parent)?.parentId ?? null) {
        affected.add(parent);
      }
      let grew = true;
      while (grew) {
        grew = false;
        for (const task of tasks) {
          if (task.parentId !== null && affected.has(task.parentId) && !affected.has(task.id)) {
            affected.add(task.id);
            grew = true;
          }
        }
      }
      for (const taskId of affected) {
        const fact = tasksById.get(taskId);
        if (!fact) continue;
        const state = taskStateAt(fact, at);
        if (!cancellableTaskStatuses.includes(state.status) || state.status === 'pending_cancel') continue;
        const reached = fact.phases.filter((phase) => phase.at <= at);
        // No worker assigned yet (queued): cancelled at once; otherwise once the worker confirms.
        const ending: TaskFact['phases'] =
          state.status === 'queued'
            ? [{ at, status: 'cancelled' }]
            : [{ at, status: 'pending_cancel' }, { at: at + workerConfirmMs, status: 'cancelled' }];
        replaceTask({ ...fact, phases: [...reached, ...ending], cancelledBy: 'manual' });
      }
      const after = taskStateAt(tasksById.get(id) ?? target, at);
      return { kind: 'cancelled', status: after.status, at: after.cancelledAt ?? at };
    },
    cancelWorkflowExecution(id, at) {
      const fact = executions.get(id);
      if (!fact) return null;
      const state = workflowStateAt(fact, at);
      if (state.status !== 'running') return state.status;
      const cancelled: WorkflowExecutionFact = { ...fact, ending: { kind: 'cancelled', at } };
      executions.set(id, cancelled);
      byWorkflow.set(fact.workflow.id, (byWorkflow.get(fact.workflow.id) ?? []).map((item) => (item.id === id ? cancelled : item)));
      return 'cancelled';
    },
  };
}

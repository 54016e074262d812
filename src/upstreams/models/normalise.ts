/**
 * Models host (docs/upstreams.md page 002 list items, `GET /v1/prediction/{id}`) → ModelExecution. Pure: no I/O.
 */
import type * as model from '../../model.ts';
import { errorClassifications, isTerminalStatus, normaliseStatus } from '../../model.ts';
import { decodeStructured } from '../json.ts';
import { lifecycleOf, pageOf } from '../normalise.ts';
import type { CancelResult } from '../types.ts';
import type { WireCancelPrediction, WireModelExecution, WireModelExecutionList, WirePrediction } from './wire.ts';

const classifications = new Set<string>(errorClassifications);

/** Lower-case wire value → the model's enum; an unlisted value is UNKNOWN, never an error. */
export function normaliseClassification(value: string | null | undefined): model.ErrorClassification | null {
  if (!value) return null;
  const upper = value.trim().toUpperCase();
  return classifications.has(upper) ? (upper as model.ErrorClassification) : 'UNKNOWN';
}

function errorOf(
  status: model.ExecutionStatus,
  message: string | null | undefined,
  classification: model.ErrorClassification | null,
): model.ExecutionError | null {
  if (!message && classification === null && status !== 'FAILED') return null;
  return { message: message || 'Model execution failed', cause: null, classification };
}

export function normaliseModelExecution(wire: WireModelExecution): model.ModelExecution {
  const lifecycle = lifecycleOf({
    status: wire.status,
    createdAt: wire.created_at,
    startedAt: wire.started_at,
    completedAt: wire.completed_at,
  });
  const { status } = lifecycle;
  const classification = normaliseClassification(wire.error_classification);
  return {
    source: 'MODEL',
    executionId: wire.id,
    model: wire.model || null,
    ...lifecycle,
    // A URL or plain text stays text; only JSON arrays/objects are decoded.
    output: typeof wire.output === 'string' ? decodeStructured(wire.output) : null,
    error: errorOf(status, wire.error, classification),
    cost: wire.execution_cost ?? null,
    runTimeSeconds: wire.run_time ?? null,
    errorClassification: classification,
    workflowId: wire.workflow_id || null,
    workflowExecutionId: wire.workflow_execution_id || null,
    // The list shape does not carry the input.
  };
}

export function normaliseModelExecutionList(
  wire: WireModelExecutionList,
  asked: { offset: number; limit: number },
): model.Page<model.ModelExecution> {
  return pageOf(wire.executions.map(normaliseModelExecution), asked, wire.total_count ?? null);
}

/**
 * The prediction shape documents no model slug (an undocumented `model` is read, else null),
 * no timestamps and no workflow links. `urls` are upstream URLs and are never copied.
 */
export function normalisePrediction(wire: WirePrediction, askedId: string): model.ModelExecution {
  const status = normaliseStatus(wire.status);
  return {
    source: 'MODEL',
    executionId: wire.id || askedId,
    model: wire.model || null,
    status,
    upstreamStatus: wire.status ?? '',
    isTerminal: isTerminalStatus(status),
    createdAt: null,
    startedAt: null,
    completedAt: null,
    durationMs: null,
    output: wire.output ?? null,
    error: errorOf(status, wire.error, null),
    cost: wire.metrics?.cost ?? null,
    runTimeSeconds: wire.metrics?.predict_time ?? null,
    errorClassification: null,
    workflowId: null,
    workflowExecutionId: null,
  };
}

/** The cancel answer says only what was asked for: the prediction may still complete or fail. */
export function normaliseCancelPrediction(wire: WireCancelPrediction, askedId: string): CancelResult {
  return {
    executionId: wire.predictionID || askedId,
    status: normaliseStatus(wire.status),
    upstreamStatus: wire.status ?? '',
    cancelledAt: null,
    message: wire.message || null,
  };
}

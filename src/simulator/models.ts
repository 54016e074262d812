/**
 * Host B, the eachlabs model API (`/v1`, header `X-API-Key`), as docs/upstreams.md §2 describes
 * it: `GET /v1/executions` (docs/upstreams.md page 002, B1, as documented in June 2026), `GET /v1/prediction/{id}`
 * (B3) and `POST /v1/prediction/{id}/cancel` (B4, best effort: a finished prediction stays as it
 * ended).
 *
 * Encoding: the list's `output` is a string (documented `string|null`): a text or single-URL
 * output as is, a list or object output as JSON text. The prediction shape carries the raw value
 * (string, array or object) and omits `output` until the prediction succeeded (the vendor's OpenAPI
 * schema does not allow null there). Failed items carry two undocumented extras the `error_classification`
 * filter implies: `error_classification` (lower case) and `error` (message).
 */
import { errorClassifications, modelStateAt, type ModelExecutionFact, type ModelState, type World } from './world/index.ts';
import { isoSeconds, parseRfc3339 } from './format.ts';
import { json, segmentsAfter, type HostHandler, type Route, type SimResponse } from './http.ts';
import { hasApiKey, intParam } from './workflows.ts';

export const modelsRoutes = {
  list: 'models GET /executions',
  prediction: 'models GET /prediction/{id}',
  cancel: 'models POST /prediction/{id}/cancel',
} as const;

function listOutput(fact: ModelExecutionFact, state: ModelState): string | null {
  if (!state.hasOutput) return null;
  return typeof fact.output === 'string' ? fact.output : JSON.stringify(fact.output);
}

/** One item of `GET /v1/executions` at `now`, or null when it does not exist yet. */
export function renderModelListItem(fact: ModelExecutionFact, now: number): Record<string, unknown> | null {
  const state = modelStateAt(fact, now);
  if (!state) return null;
  const body: Record<string, unknown> = {
    id: fact.id,
    model: fact.model,
    status: state.status,
    workflow_id: fact.workflowId,
    workflow_execution_id: fact.workflowExecutionId,
    execution_cost: state.cost,
    run_time: state.runTimeSeconds,
    created_at: isoSeconds(fact.createdAt),
    started_at: state.startedAt === null ? null : isoSeconds(state.startedAt),
    completed_at: state.completedAt === null ? null : isoSeconds(state.completedAt),
    output: listOutput(fact, state),
  };
  if (state.error) {
    body.error_classification = state.error.classification;
    body.error = state.error.message;
  }
  return body;
}

function logsOf(fact: ModelExecutionFact, state: ModelState): string | null {
  if (state.startedAt === null) return null;
  const lines = [`Prediction ${fact.id} started on ${fact.model}`];
  if (state.status === 'success') lines.push(`Prediction completed in ${state.runTimeSeconds}s`);
  if (state.status === 'failed' && state.error) lines.push(`Error: ${state.error.message}`);
  if (state.status === 'cancelled') lines.push('Prediction cancelled');
  return lines.join('\n');
}

/** `GET /v1/prediction/{id}` at `now`, or null when it does not exist yet. */
export function renderPrediction(fact: ModelExecutionFact, now: number, modelsBaseUrl: string): Record<string, unknown> | null {
  const state = modelStateAt(fact, now);
  if (!state) return null;
  const body: Record<string, unknown> = { id: fact.id, input: { ...fact.input }, status: state.status };
  if (state.hasOutput) body.output = fact.output;
  body.logs = logsOf(fact, state);
  body.metrics = { predict_time: state.runTimeSeconds, cost: state.cost };
  body.urls = { cancel: `${modelsBaseUrl}/prediction/${fact.id}/cancel`, get: `${modelsBaseUrl}/prediction/${fact.id}` };
  if (state.error) body.error = state.error.message;
  return body;
}

function csv(value: string | null): string[] | null {
  if (value === null || value.trim() === '') return null;
  return value
    .split(',')
    .map((token) => token.trim())
    .filter((token) => token !== '');
}

export function createModelsHandler(world: World, modelsBaseUrl: () => string): HostHandler {
  return {
    match: (method, pathname) => {
      const segments = segmentsAfter(pathname, '/v1');
      if (!segments) return null;
      const [first, second, ...rest] = segments;
      if (method === 'POST') {
        return first === 'prediction' && second !== undefined && rest.length === 1 && rest[0] === 'cancel'
          ? cancelRoute(world, second)
          : null;
      }
      if (method !== 'GET') return null;
      if (first === 'executions' && second === undefined) return listRoute(world);
      if (first === 'prediction' && second !== undefined && rest.length === 0) return predictionRoute(world, second, modelsBaseUrl);
      return null;
    },
    unmatched: () => json(404, { error: 'not found' }),
  };
}

const unauthorized = (): SimResponse => json(401, { error: 'Invalid or missing API key' });

/** The list's filters and page, as its query gives them. */
interface ListQuery {
  readonly limit: number;
  readonly offset: number;
  readonly classes: string[] | null;
  /** The creation window, inclusive at both ends. */
  readonly window: Record<'from' | 'to', number | null>;
  readonly statuses: string[] | null;
  readonly model: string | null;
  readonly workflowId: string | null;
  readonly workflowExecutionId: string | null;
}

/** The list query, or the 400 answer for the first invalid parameter. */
function listQuery(query: URLSearchParams): ListQuery | SimResponse {
  const limit = intParam(query, 'limit', 20);
  if (limit === null || limit < 1 || limit > 100) return json(400, { error: 'limit must be an integer between 1 and 100' });
  const offset = intParam(query, 'offset', 0);
  if (offset === null) return json(400, { error: 'offset must be an integer >= 0' });
  const classes = csv(query.get('error_classification'));
  const allowed: readonly string[] = errorClassifications;
  const bad = classes?.find((value) => !allowed.includes(value));
  if (bad !== undefined) {
    return json(400, { error: `invalid error_classification "${bad}": allowed values are ${errorClassifications.join(', ')}` });
  }
  const window: Record<'from' | 'to', number | null> = { from: null, to: null };
  for (const name of ['from', 'to'] as const) {
    const raw = query.get(name);
    if (raw === null || raw === '') continue;
    const parsed = parseRfc3339(raw);
    if (parsed === null) return json(400, { error: `${name} must be an RFC 3339 date-time` });
    window[name] = parsed;
  }
  const statuses = csv(query.get('status'));
  const text = (name: string) => query.get(name) || null;
  return {
    limit,
    offset,
    classes,
    window,
    statuses,
    model: text('model'),
    workflowId: text('workflow_id'),
    workflowExecutionId: text('workflow_execution_id'),
  };
}

function matches(fact: ModelExecutionFact, state: ModelState, filter: ListQuery): boolean {
  const { classes, window, statuses, model, workflowId, workflowExecutionId } = filter;
  if (model !== null && fact.model !== model) return false;
  if (statuses && !statuses.includes(state.status)) return false;
  if (workflowId !== null && fact.workflowId !== workflowId) return false;
  if (workflowExecutionId !== null && fact.workflowExecutionId !== workflowExecutionId) return false;
  if (classes && (state.status !== 'failed' || !state.error || !classes.includes(state.error.classification))) return false;
  if (window.from !== null && fact.createdAt < window.from) return false;
  if (window.to !== null && fact.createdAt > window.to) return false;
  return true;
}

function listRoute(world: World): Route {
  return {
    key: modelsRoutes.list,
    handle: (request) => {
      if (!hasApiKey(request, world)) return unauthorized();
      const filter = listQuery(request.query);
      if ('status' in filter) return filter;
      const matching: Record<string, unknown>[] = [];
      for (const fact of world.modelExecutions) {
        const state = modelStateAt(fact, request.now);
        if (!state || !matches(fact, state, filter)) continue;
        const item = renderModelListItem(fact, request.now);
        if (item) matching.push(item);
      }
      const { offset, limit } = filter;
      return json(200, { executions: matching.slice(offset, offset + limit), total_count: matching.length, offset, limit });
    },
  };
}

function predictionRoute(world: World, id: string, modelsBaseUrl: () => string): Route {
  return {
    key: modelsRoutes.prediction,
    handle: (request) => {
      if (!hasApiKey(request, world)) return unauthorized();
      const fact = world.modelExecutionsById.get(id);
      const body = fact ? renderPrediction(fact, request.now, modelsBaseUrl()) : null;
      return body ? json(200, body) : json(404, { error: 'Prediction not found' });
    },
  };
}

function cancelRoute(world: World, id: string): Route {
  return {
    key: modelsRoutes.cancel,
    handle: (request) => {
      if (!hasApiKey(request, world)) return unauthorized();
      if (!world.writes.cancelPrediction(id, request.now)) return json(404, { error: 'Prediction not found' });
      return json(200, { status: 'cancelled', message: 'Prediction canceled successfully', predictionID: id });
    },
  };
}

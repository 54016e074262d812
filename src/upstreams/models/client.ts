/**
 * Models host: `GET /executions` with every documented filter and `GET /prediction/{id}`,
 * key in `X-API-Key`; `POST /prediction/{id}/cancel`, sent once (never retried).
 */
import { cachedRead } from '../cache.ts';
import type { BoundCredential, ClientDeps } from '../host.ts';
import { segment } from '../http.ts';
import type { ModelsClient } from '../session.ts';
import type { ModelListQuery } from '../types.ts';
import { normaliseCancelPrediction, normaliseModelExecutionList, normalisePrediction } from './normalise.ts';
import { parseCancelPrediction, parseModelExecutionList, parsePrediction } from './wire.ts';

function list(values: readonly string[] | null | undefined): string | null {
  return values && values.length > 0 ? values.join(',') : null;
}

/** Exported for tests: the query string parameters of `GET /executions`. */
export function modelListParams(query: ModelListQuery): Record<string, string | number | null> {
  return {
    limit: query.limit,
    offset: query.offset,
    model: query.model ?? null,
    status: list(query.statuses),
    workflow_id: query.workflowId ?? null,
    workflow_execution_id: query.workflowExecutionId ?? null,
    error_classification: list(query.errorClassifications),
    from: query.from ? query.from.toISOString() : null,
    to: query.to ? query.to.toISOString() : null,
  };
}

export function createModelsClient({ http, cache }: ClientDeps, { headers, credentialKey }: BoundCredential): ModelsClient {
  const getPrediction = async (predictionId: string) => {
    const json = await http.json({
      method: 'GET',
      path: `/prediction/${segment(predictionId)}`,
      headers,
      idempotent: true,
      resource: 'Model execution',
    });
    return normalisePrediction(parsePrediction(json), predictionId);
  };
  return {
    async listExecutions(query) {
      const json = await http.json({ method: 'GET', path: '/executions', query: modelListParams(query), headers, idempotent: true });
      return normaliseModelExecutionList(parseModelExecutionList(json), query);
    },
    getPrediction: (predictionId) => cachedRead(cache, credentialKey, predictionId, getPrediction),
    async cancelPrediction(predictionId) {
      const json = await http.json({
        method: 'POST',
        path: `/prediction/${segment(predictionId)}/cancel`,
        headers,
        idempotent: false,
        resource: 'Model execution',
      });
      return normaliseCancelPrediction(parseCancelPrediction(json), predictionId);
    },
  };
}

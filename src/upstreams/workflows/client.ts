/**
 * Workflows host: `GET /executions/{id}`, `GET /workflows/{id}/executions` and `GET /workflows/{id}`, key in `X-API-Key`;
 * the writes `POST /{id}/trigger` and `POST /{id}/bulk-trigger`, sent once (never retried).
 */
import { cachedRead } from '../cache.ts';
import type { BoundCredential, ClientDeps } from '../host.ts';
import { segment } from '../http.ts';
import type { WorkflowsClient } from '../session.ts';
import { normaliseExecutionDetails, normaliseExecutionList, normaliseTrigger, normaliseWorkflow } from './normalise.ts';
import {
  parseBulkTriggerResponse,
  parseExecutionDetails,
  parseListExecutionsResponse,
  parseTriggerResponse,
  parseWorkflowDetail,
} from './wire.ts';

/** The trigger body both write endpoints take. */
function triggerBody(request: { readonly versionId?: string | null; readonly webhookUrl?: string | null }, inputs: unknown) {
  return {
    ...(request.versionId ? { version_id: request.versionId } : {}),
    inputs,
    ...(request.webhookUrl ? { webhook_url: request.webhookUrl } : {}),
  };
}

export function createWorkflowsClient({ http, cache }: ClientDeps, { headers, credentialKey }: BoundCredential): WorkflowsClient {
  const getExecution = async (executionId: string) => {
    const json = await http.json({
      method: 'GET',
      path: `/executions/${segment(executionId)}`,
      headers,
      idempotent: true,
      resource: 'Workflow execution',
    });
    return normaliseExecutionDetails(parseExecutionDetails(json));
  };
  return {
    getExecution: (executionId) => cachedRead(cache, credentialKey, executionId, getExecution),
    async listExecutions(query) {
      const json = await http.json({
        method: 'GET',
        path: `/workflows/${segment(query.workflowId)}/executions`,
        query: { bulk_id: query.bulkId, offset: query.offset, limit: query.limit },
        headers,
        idempotent: true,
        resource: 'Workflow',
      });
      return normaliseExecutionList(parseListExecutionsResponse(json), query, query.bulkId ?? null);
    },
    async getWorkflow(idOrSlug) {
      const json = await http.json({
        method: 'GET',
        path: `/workflows/${segment(idOrSlug)}`,
        headers,
        idempotent: true,
        resource: 'Workflow',
      });
      return normaliseWorkflow(parseWorkflowDetail(json));
    },
    async trigger(request) {
      const json = await http.json({
        method: 'POST',
        path: `/${segment(request.workflowId)}/trigger`,
        body: triggerBody(request, request.inputs ?? {}),
        headers,
        idempotent: false,
        resource: 'Workflow',
      });
      return normaliseTrigger(parseTriggerResponse(json));
    },
    async bulkTrigger(request) {
      const json = await http.json({
        method: 'POST',
        path: `/${segment(request.workflowId)}/bulk-trigger`,
        body: triggerBody(request, request.inputs),
        headers,
        idempotent: false,
        resource: 'Workflow',
      });
      const wire = parseBulkTriggerResponse(json);
      return { bulkId: wire.bulk_id, items: wire.executions.map(normaliseTrigger) };
    },
  };
}

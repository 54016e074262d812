/**
 * Workflows host: `GET /executions/{id}` and `GET /workflows/{id}/executions`, key in `X-API-Key`;
 * the writes `POST /{id}/trigger` and `POST /{id}/bulk-trigger`, sent once (never retried).
 */
import type { Http } from '../http.ts';
import { segment } from '../http.ts';
import type { Credentials, WorkflowsApi } from '../types.ts';
import { normaliseExecutionDetails, normaliseExecutionList, normaliseTrigger } from './normalise.ts';
import { parseBulkTriggerResponse, parseExecutionDetails, parseListExecutionsResponse, parseTriggerResponse } from './wire.ts';

function headers(credentials: Credentials) {
  return { 'X-API-Key': credentials.apiKey };
}

export function createWorkflowsApi(http: Http): WorkflowsApi {
  return {
    async getExecution(credentials, executionId) {
      const json = await http.json({
        method: 'GET',
        path: `/executions/${segment(executionId)}`,
        headers: headers(credentials),
        idempotent: true,
        resource: 'Workflow execution',
      });
      return normaliseExecutionDetails(parseExecutionDetails(json));
    },
    async listExecutions(credentials, query) {
      const json = await http.json({
        method: 'GET',
        path: `/workflows/${segment(query.workflowId)}/executions`,
        query: { bulk_id: query.bulkId, offset: query.offset, limit: query.limit },
        headers: headers(credentials),
        idempotent: true,
        resource: 'Workflow',
      });
      return normaliseExecutionList(parseListExecutionsResponse(json), query, query.bulkId ?? null);
    },
    async trigger(credentials, request) {
      const json = await http.json({
        method: 'POST',
        path: `/${segment(request.workflowId)}/trigger`,
        body: {
          ...(request.versionId ? { version_id: request.versionId } : {}),
          inputs: request.inputs ?? {},
          ...(request.webhookUrl ? { webhook_url: request.webhookUrl } : {}),
        },
        headers: headers(credentials),
        idempotent: false,
        resource: 'Workflow',
      });
      return normaliseTrigger(parseTriggerResponse(json));
    },
    async bulkTrigger(credentials, request) {
      const json = await http.json({
        method: 'POST',
        path: `/${segment(request.workflowId)}/bulk-trigger`,
        body: {
          ...(request.versionId ? { version_id: request.versionId } : {}),
          inputs: request.inputs,
          ...(request.webhookUrl ? { webhook_url: request.webhookUrl } : {}),
        },
        headers: headers(credentials),
        idempotent: false,
        resource: 'Workflow',
      });
      const wire = parseBulkTriggerResponse(json);
      return { bulkId: wire.bulk_id, items: wire.executions.map(normaliseTrigger) };
    },
  };
}

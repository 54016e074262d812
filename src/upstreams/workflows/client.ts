/**
 * Workflows host: `GET /executions/{id}` and `GET /workflows/{id}/executions`, key in `X-API-Key`.
 */
import type { Http } from '../http.ts';
import { segment } from '../http.ts';
import type { Credentials, WorkflowsApi } from '../types.ts';
import { normaliseExecutionDetails, normaliseExecutionList } from './normalise.ts';
import { parseExecutionDetails, parseListExecutionsResponse } from './wire.ts';

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
  };
}

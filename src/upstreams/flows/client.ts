/**
 * Flows host: `POST /{workflowId}/executions/bulk`, key in `X-API-KEY`. The POST only reads, so
 * it is retried like a GET.
 */
import type { Http } from '../http.ts';
import { segment } from '../http.ts';
import type { FlowsApi } from '../types.ts';
import { normaliseBulkExecutions } from './normalise.ts';
import { parseBulkResponse } from './wire.ts';

export function createFlowsApi(http: Http): FlowsApi {
  return {
    async bulkExecutions(credentials, workflowId, executionIds) {
      const path = `/${segment(workflowId)}/executions/bulk`;
      const ids = [...new Set(executionIds)];
      if (ids.length === 0) return new Map();
      const json = await http.json({
        method: 'POST',
        path,
        body: { execution_ids: ids },
        headers: { 'X-API-KEY': credentials.apiKey },
        idempotent: true,
        resource: 'Workflow',
        batchSize: ids.length,
      });
      return normaliseBulkExecutions(parseBulkResponse(json).executions, workflowId, ids);
    },
  };
}

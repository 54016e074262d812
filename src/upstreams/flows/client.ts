/**
 * Flows host: `POST /{workflowId}/executions/bulk`, key in `X-API-KEY`. The POST only reads, so
 * it is retried like a GET.
 */
import type * as model from '../../model.ts';
import type { BoundCredential, ClientDeps } from '../host.ts';
import { segment } from '../http.ts';
import type { FlowsClient } from '../session.ts';
import { normaliseBulkExecutions } from './normalise.ts';
import { parseBulkResponse } from './wire.ts';

export function createFlowsClient({ http, cache }: ClientDeps, { headers, credentialKey }: BoundCredential): FlowsClient {
  const bulkExecutions = async (workflowId: string, ids: readonly string[]) => {
    const json = await http.json({
      method: 'POST',
      path: `/${segment(workflowId)}/executions/bulk`,
      body: { execution_ids: ids },
      headers,
      idempotent: true,
      resource: 'Workflow',
      batchSize: ids.length,
    });
    return normaliseBulkExecutions(parseBulkResponse(json).executions, workflowId, ids);
  };
  return {
    async bulkExecutions(workflowId, executionIds) {
      const ids = [...new Set(executionIds)];
      if (ids.length === 0) return new Map();
      if (cache === null) return bulkExecutions(workflowId, ids);
      // Finished executions come from the cache; only the others are asked for.
      const cacheId = (id: string) => `${workflowId}\u0000${id}`;
      const found = new Map<string, model.WorkflowExecution>();
      const missing: string[] = [];
      for (const id of ids) {
        const hit = cache.get<model.WorkflowExecution>(credentialKey, cacheId(id));
        if (hit) found.set(id, hit);
        else missing.push(id);
      }
      if (missing.length === 0) return found;
      for (const [id, execution] of await bulkExecutions(workflowId, missing)) {
        found.set(id, cache.remember(credentialKey, cacheId(id), execution));
      }
      return found;
    },
  };
}

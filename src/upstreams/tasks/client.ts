/**
 * Task host (Polos): `GET /api/v1/executions/{id}`, the runs list `GET /api/v1/workflows/runs`,
 * and `POST /api/v1/executions/{id}/cancel` (sent once, never retried). Without `TASKS_API_URL` every call is NOT_CONFIGURED and nothing
 * is sent.
 */
import { notConfigured } from '../../errors.ts';
import { cachedRead } from '../cache.ts';
import type { BoundCredential, ClientDeps } from '../host.ts';
import { segment } from '../http.ts';
import type { TasksClient } from '../session.ts';
import type { TaskRunsQuery } from '../types.ts';
import { normaliseCancelExecution, normaliseTaskExecution, normaliseTaskRuns } from './normalise.ts';
import { parseCancelExecution, parseTaskExecution, parseTaskRuns } from './wire.ts';

/** The runs list's query: the window as RFC 3339 (an invalid one would be ignored silently upstream). */
export function taskRunsParams(query: TaskRunsQuery): Record<string, string | number | null> {
  return {
    workflow_type: query.workflowType,
    workflow_id: query.workflowId ?? null,
    limit: query.limit,
    offset: query.offset,
    start_time: query.from ? query.from.toISOString() : null,
    end_time: query.to ? query.to.toISOString() : null,
  };
}

export function createTasksClient({ http, cache, config }: ClientDeps, { headers, credentialKey }: BoundCredential): TasksClient {
  // Checked before the id, so an unconfigured host says so whatever the id.
  const configured = () => {
    if (config.baseUrl === null) throw notConfigured('tasks', config.variable);
  };
  const getExecution = async (executionId: string) => {
    configured();
    const json = await http.json({
      method: 'GET',
      path: `/api/v1/executions/${segment(executionId)}`,
      headers,
      idempotent: true,
      resource: 'Task execution',
    });
    return normaliseTaskExecution(parseTaskExecution(json));
  };
  return {
    getExecution: (executionId) => cachedRead(cache, credentialKey, executionId, getExecution),
    async listRuns(query) {
      configured();
      const json = await http.json({
        method: 'GET',
        path: '/api/v1/workflows/runs',
        query: taskRunsParams(query),
        headers,
        idempotent: true,
      });
      return normaliseTaskRuns(parseTaskRuns(json), query);
    },
    async cancelExecution(executionId) {
      configured();
      const json = await http.json({
        method: 'POST',
        path: `/api/v1/executions/${segment(executionId)}/cancel`,
        headers,
        idempotent: false,
        resource: 'Task execution',
      });
      return normaliseCancelExecution(parseCancelExecution(json));
    },
  };
}

/**
 * Task host (Polos): `GET /api/v1/executions/{id}` with `Authorization: Bearer` and
 * `X-Project-ID`, and `POST /api/v1/executions/{id}/cancel` (sent once, never retried). Without
 * `TASKS_API_URL` every call is NOT_CONFIGURED and nothing is sent.
 */
import type { UpstreamConfig } from '../../config.ts';
import { notConfigured } from '../../errors.ts';
import type { Http } from '../http.ts';
import { segment } from '../http.ts';
import type { Credentials, TasksApi } from '../types.ts';
import { normaliseCancelExecution, normaliseTaskExecution } from './normalise.ts';
import { parseCancelExecution, parseTaskExecution } from './wire.ts';

function headers(credentials: Credentials) {
  return {
    Authorization: credentials.tasksToken === null ? null : `Bearer ${credentials.tasksToken}`,
    'X-Project-ID': credentials.tasksProjectId,
  };
}

export function createTasksApi(http: Http, config: Pick<UpstreamConfig, 'baseUrl' | 'variable'>): TasksApi {
  return {
    async getExecution(credentials, executionId) {
      if (config.baseUrl === null) throw notConfigured('tasks', config.variable);
      const json = await http.json({
        method: 'GET',
        path: `/api/v1/executions/${segment(executionId)}`,
        headers: headers(credentials),
        idempotent: true,
        resource: 'Task execution',
      });
      return normaliseTaskExecution(parseTaskExecution(json));
    },
    async cancelExecution(credentials, executionId) {
      if (config.baseUrl === null) throw notConfigured('tasks', config.variable);
      const json = await http.json({
        method: 'POST',
        path: `/api/v1/executions/${segment(executionId)}/cancel`,
        headers: headers(credentials),
        idempotent: false,
        resource: 'Task execution',
      });
      return normaliseCancelExecution(parseCancelExecution(json));
    },
  };
}

/**
 * Task host (Polos): `GET /api/v1/executions/{id}` with `Authorization: Bearer` and
 * `X-Project-ID`. Without `TASKS_API_URL` every call is NOT_CONFIGURED and nothing is sent.
 */
import type { UpstreamConfig } from '../../config.ts';
import { notConfigured } from '../../errors.ts';
import type { Http } from '../http.ts';
import { segment } from '../http.ts';
import type { TasksApi } from '../types.ts';
import { normaliseTaskExecution } from './normalise.ts';
import { parseTaskExecution } from './wire.ts';

export function createTasksApi(http: Http, config: Pick<UpstreamConfig, 'baseUrl' | 'variable'>): TasksApi {
  return {
    async getExecution(credentials, executionId) {
      if (config.baseUrl === null) throw notConfigured('tasks', config.variable);
      const json = await http.json({
        method: 'GET',
        path: `/api/v1/executions/${segment(executionId)}`,
        headers: {
          Authorization: credentials.tasksToken === null ? null : `Bearer ${credentials.tasksToken}`,
          'X-Project-ID': credentials.tasksProjectId,
        },
        idempotent: true,
        resource: 'Task execution',
      });
      return normaliseTaskExecution(parseTaskExecution(json));
    },
  };
}

/**
 * Task host (Polos): `GET /api/v1/executions/{id}` and `POST /api/v1/executions/{id}/cancel`
 * (sent once, never retried). Without `TASKS_API_URL` every call is NOT_CONFIGURED and nothing
 * is sent.
 */
import { notConfigured } from '../../errors.ts';
import { cachedRead } from '../cache.ts';
import type { BoundCredential, ClientDeps } from '../host.ts';
import { segment } from '../http.ts';
import type { TasksClient } from '../session.ts';
import { normaliseCancelExecution, normaliseTaskExecution } from './normalise.ts';
import { parseCancelExecution, parseTaskExecution } from './wire.ts';

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

/**
 * The naive baseline: the same data fetched the way a frontend would without the gateway,
 * straight from the REST hosts, one call per item, through an undici Agent holding at most
 * 6 connections per origin (a browser's HTTP/1.1 limit). Independent calls are issued at once
 * and queue on those 6 connections; dependent ones wait for what they depend on.
 */
import { Agent, request } from 'undici';
import type { Fixtures } from './simulator.ts';
import type { MixedItem, WorkloadName } from './workloads.ts';

export interface Baseline {
  readonly fetchers: Readonly<Record<WorkloadName, () => Promise<void>>>;
  close(): Promise<void>;
}

type Host = 'workflows' | 'models' | 'tasks';
type Body = Record<string, unknown>;

export function createBaseline(fixtures: Fixtures, mixed: readonly MixedItem[]): Baseline {
  const agent = new Agent({ connections: 6 });
  const { urls, credentials } = fixtures;
  const headers: Record<Host, Record<string, string>> = {
    workflows: { 'x-api-key': credentials.apiKey },
    models: { 'x-api-key': credentials.apiKey },
    tasks: { authorization: `Bearer ${credentials.tasksToken}`, 'x-project-id': credentials.tasksProjectId },
  };
  const bases: Record<Host, string> = { workflows: urls.workflows, models: urls.models, tasks: `${urls.tasks}/api/v1` };

  const get = async (host: Host, path: string): Promise<Body> => {
    const response = await request(`${bases[host]}${path}`, { dispatcher: agent, headers: headers[host] });
    const body = (await response.body.json()) as Body;
    if (response.statusCode !== 200) throw new Error(`baseline GET ${host} ${path}: ${response.statusCode}`);
    return body;
  };
  const list = (body: Body, field: string): Body[] => body[field] as Body[];
  const executionDetail = (id: string) => get('workflows', `/executions/${encodeURIComponent(id)}`);
  const task = (id: string) => get('tasks', `/executions/${encodeURIComponent(id)}`);

  const fetchers: Record<WorkloadName, () => Promise<void>> = {
    W1: async () => {
      await executionDetail(fixtures.single.executionId);
    },
    W2: async () => {
      const page = await get('workflows', `/workflows/${fixtures.bigWorkflowId}/executions?limit=50`);
      await Promise.all(list(page, 'executions').map((e) => executionDetail(String(e['execution_id']))));
    },
    W3: async () => {
      const page = await get('models', `/executions?workflow_id=${fixtures.modelWorkflowId}&limit=20`);
      // A frontend dedupes the workflow executions the 20 model executions share.
      const ids = new Set(list(page, 'executions').map((e) => String(e['workflow_execution_id'])));
      await Promise.all([...ids].map(executionDetail));
    },
    W4: async () => {
      const leaf = await task(fixtures.taskLeaf);
      const chain = async (from: Body, depth: number): Promise<void> => {
        if (depth > 0) await chain(await task(String(from['parent_execution_id'])), depth - 1);
      };
      await Promise.all([chain(leaf, 4), task(String(leaf['root_execution_id']))]);
    },
    W5: async () => {
      await Promise.all(
        mixed.map((item) => {
          switch (item.kind) {
            case 'WorkflowExecution':
              return executionDetail(item.executionId);
            case 'ModelExecution':
              return get('models', `/prediction/${encodeURIComponent(item.executionId)}`);
            case 'TaskExecution':
              return task(item.executionId);
            case 'Bulk':
              return get('workflows', `/workflows/${item.workflowId}/executions?bulk_id=${item.bulkId}&limit=100`);
          }
        }),
      );
    },
  };
  return { fetchers, close: () => agent.close() };
}

/**
 * An optional short-TTL cache of terminal executions (`UPSTREAM_CACHE_TTL_MS`, off by default).
 * A completed, failed or cancelled execution never changes upstream, so reading it again within
 * the TTL costs no upstream call. Only single-execution reads are cached (detail, bulk, prediction,
 * task); lists never are. Entries are keyed by a digest of the credentials that read them, so one
 * caller's key never serves another caller's answer, and errors are never cached.
 */
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type * as model from '../model.ts';
import type { Credentials, FlowsApi, ModelsApi, TasksApi, WorkflowsApi } from './types.ts';

export interface TerminalCacheOptions {
  /** How long a terminal execution is served from memory, ms. */
  readonly ttlMs: number;
  /** Most executions kept (least recently used leave first). */
  readonly maxEntries: number;
}

interface Apis {
  readonly workflows: WorkflowsApi;
  readonly flows: FlowsApi;
  readonly models: ModelsApi;
  readonly tasks: TasksApi;
}

type Cached = model.WorkflowExecution | model.ModelExecution | model.TaskExecution;

/** Which credentials a host sees: the cache key includes only those. */
function credentialDigest(host: model.UpstreamName, credentials: Credentials): string {
  const seen = host === 'tasks' ? [credentials.tasksToken, credentials.tasksProjectId] : [credentials.apiKey];
  return createHash('sha256').update(JSON.stringify(seen)).digest('base64url');
}

/** The same APIs, with terminal single-execution reads served from a TTL cache. */
export function withTerminalCache<T extends Apis>(apis: T, options: TerminalCacheOptions): T {
  const cache = new LRUCache<string, Cached>({ max: options.maxEntries, ttl: options.ttlMs });
  const keyOf = (host: model.UpstreamName, credentials: Credentials, ...parts: string[]) =>
    `${host}\u0000${credentialDigest(host, credentials)}\u0000${parts.join('\u0000')}`;
  const remember = <V extends Cached>(key: string, value: V): V => {
    if (value.isTerminal) cache.set(key, value);
    return value;
  };
  const single =
    <V extends Cached>(host: model.UpstreamName, read: (credentials: Credentials, id: string) => Promise<V>) =>
    async (credentials: Credentials, id: string): Promise<V> => {
      const key = keyOf(host, credentials, id);
      const hit = cache.get(key) as V | undefined;
      return hit ?? remember(key, await read(credentials, id));
    };

  return {
    ...apis,
    workflows: { ...apis.workflows, getExecution: single('workflows', apis.workflows.getExecution) },
    models: { ...apis.models, getPrediction: single('models', apis.models.getPrediction) },
    tasks: { ...apis.tasks, getExecution: single('tasks', apis.tasks.getExecution) },
    flows: {
      ...apis.flows,
      async bulkExecutions(credentials, workflowId, executionIds) {
        const found = new Map<string, model.WorkflowExecution>();
        const missing: string[] = [];
        for (const id of executionIds) {
          const hit = cache.get(keyOf('flows', credentials, workflowId, id)) as model.WorkflowExecution | undefined;
          if (hit) found.set(id, hit);
          else missing.push(id);
        }
        if (missing.length === 0) return found;
        const fetched = await apis.flows.bulkExecutions(credentials, workflowId, missing);
        for (const [id, execution] of fetched) found.set(id, remember(keyOf('flows', credentials, workflowId, id), execution));
        return found;
      },
    },
  };
}

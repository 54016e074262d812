/**
 * Per-request context: resolved credentials and fresh DataLoaders, so batching and caching
 * never cross requests or callers.
 */
import DataLoader from 'dataloader';
import type { Config } from './config.ts';
import { notFound } from './errors.ts';
import type { Live } from './live/index.ts';
import type * as model from './model.ts';
import { noopObserver, type RequestObserver } from './observability/index.ts';
import type { Credentials, ModelListQuery, Upstreams, WorkflowListQuery } from './upstreams/types.ts';

export interface WorkflowExecutionKey {
  readonly executionId: string;
  /** Known workflow → the bulk endpoint; unknown → `GET /executions/{id}`. */
  readonly workflowId: string | null;
}

export interface Loaders {
  /** Full workflow executions (bulk shape when the workflow is known, else detail). */
  readonly workflowExecution: DataLoader<WorkflowExecutionKey, model.WorkflowExecution, string>;
  /** `GET /executions/{id}`: the only shape with `error`/`error_cause`. */
  readonly workflowExecutionDetail: DataLoader<string, model.WorkflowExecution>;
  readonly workflowExecutionPage: DataLoader<WorkflowListQuery, model.Page<model.WorkflowExecution>, string>;
  readonly modelExecutionPage: DataLoader<ModelListQuery, model.Page<model.ModelExecution>, string>;
  readonly prediction: DataLoader<string, model.ModelExecution>;
  readonly taskExecution: DataLoader<string, model.TaskExecution>;
}

export interface Context {
  readonly config: Config;
  readonly credentials: Credentials;
  readonly loaders: Loaders;
  /** Shared watchers and the webhook URL (src/live), added by the gateway's live plugin. */
  readonly live?: Live;
  /** Request id, loader batch sizes, active subscriptions (observability/index.ts). */
  readonly observer: RequestObserver;
}

export interface RequestCredentials {
  readonly apiKey?: string | null;
  readonly authorization?: string | null;
  readonly projectId?: string | null;
}

/** A caller's own credentials win over the server-side ones, each for its own host only. */
export function resolveCredentials(config: Config, request: RequestCredentials): Credentials {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.authorization ?? '')?.[1] ?? null;
  const callerApiKey = request.apiKey?.trim() || null;
  const callerProject = request.projectId?.trim() || null;
  return {
    apiKey: callerApiKey ?? config.credentials.apiKey,
    tasksToken: bearer ?? config.credentials.tasksToken,
    tasksProjectId: callerProject ?? config.credentials.tasksProjectId,
  };
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** Settles a promise into a value or an Error, the DataLoader per-key contract. */
async function settle<T>(promise: Promise<T>): Promise<T | Error> {
  try {
    return await promise;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** The batch function, reporting each batch's size (`gateway_loader_batch_size{loader}`). */
function measured<K, V>(observer: RequestObserver, loader: string, batch: DataLoader.BatchLoadFn<K, V>): DataLoader.BatchLoadFn<K, V> {
  return (keys) => {
    observer.loaderBatch(loader, keys.length);
    return batch(keys);
  };
}

export function createLoaders(
  upstreams: Upstreams,
  config: Config,
  credentials: Credentials,
  observer: RequestObserver = noopObserver,
): Loaders {
  const workflowExecutionDetail = new DataLoader<string, model.WorkflowExecution>(
    // No batch endpoint keyed by execution alone: the loader dedupes, the pool bounds fan-out.
    measured(observer, 'workflowExecutionDetail', (ids) =>
      Promise.all(ids.map((id) => settle(upstreams.workflows.getExecution(credentials, id)))),
    ),
  );

  const workflowExecution = new DataLoader<WorkflowExecutionKey, model.WorkflowExecution, string>(
    measured(observer, 'workflowExecution', async (keys) => {
      const results = new Map<string, model.WorkflowExecution | Error>();
      const byWorkflow = new Map<string, string[]>();
      const orphans: string[] = [];
      for (const key of keys) {
        if (key.workflowId === null) orphans.push(key.executionId);
        else byWorkflow.set(key.workflowId, [...(byWorkflow.get(key.workflowId) ?? []), key.executionId]);
      }
      const calls = [...byWorkflow].flatMap(([workflowId, ids]) =>
        chunk(ids, config.bulkMaxBatchSize).map(async (batch) => {
          try {
            const found = await upstreams.flows.bulkExecutions(credentials, workflowId, batch);
            for (const id of batch) {
              const execution = found.get(id);
              results.set(id, execution ?? notFound('flows', `Workflow execution ${id}`));
            }
          } catch (error) {
            for (const id of batch) results.set(id, error instanceof Error ? error : new Error(String(error)));
          }
        }),
      );
      const orphanResults = orphans.length ? workflowExecutionDetail.loadMany(orphans) : Promise.resolve([]);
      await Promise.all(calls);
      (await orphanResults).forEach((result, i) => results.set(orphans[i]!, result));
      return keys.map((key) => results.get(key.executionId) ?? new Error('unreachable: key without result'));
    }),
    // An execution id belongs to exactly one workflow: cache by execution id alone.
    { cacheKeyFn: (key) => key.executionId, maxBatchSize: Infinity },
  );

  const workflowExecutionPage = new DataLoader<WorkflowListQuery, model.Page<model.WorkflowExecution>, string>(
    measured(observer, 'workflowExecutionPage', (queries) =>
      Promise.all(queries.map((query) => settle(upstreams.workflows.listExecutions(credentials, query)))),
    ),
    { cacheKeyFn: (query) => JSON.stringify([query.workflowId, query.bulkId ?? null, query.offset, query.limit]) },
  );

  const modelExecutionPage = new DataLoader<ModelListQuery, model.Page<model.ModelExecution>, string>(
    measured(observer, 'modelExecutionPage', (queries) =>
      Promise.all(queries.map((query) => settle(upstreams.models.listExecutions(credentials, query)))),
    ),
    { cacheKeyFn: (query) => JSON.stringify(query) },
  );

  const prediction = new DataLoader<string, model.ModelExecution>(
    measured(observer, 'prediction', (ids) => Promise.all(ids.map((id) => settle(upstreams.models.getPrediction(credentials, id))))),
  );

  const taskExecution = new DataLoader<string, model.TaskExecution>(
    measured(observer, 'taskExecution', (ids) => Promise.all(ids.map((id) => settle(upstreams.tasks.getExecution(credentials, id))))),
  );

  return {
    workflowExecution,
    workflowExecutionDetail,
    workflowExecutionPage,
    modelExecutionPage,
    prediction,
    taskExecution,
  };
}

export function createContext(
  upstreams: Upstreams,
  config: Config,
  request: RequestCredentials,
  observer: RequestObserver = noopObserver,
): Context {
  const credentials = resolveCredentials(config, request);
  return { config, credentials, observer, loaders: createLoaders(upstreams, config, credentials, observer) };
}

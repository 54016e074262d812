/**
 * The upstream layer: one pooled dispatcher and one circuit breaker per host, and the four APIs
 * over them.
 */
import type { Config } from '../config.ts';
import { withTerminalCache } from './cache.ts';
import { createFlowsApi } from './flows/client.ts';
import type { HttpOptions } from './http.ts';
import { createHttp } from './http.ts';
import { createModelsApi } from './models/client.ts';
import { createTasksApi } from './tasks/client.ts';
import type { Upstreams } from './types.ts';
import { createWorkflowsApi } from './workflows/client.ts';

export type { HttpOptions, UpstreamLogger } from './http.ts';

/** Options shared by every host's requester (logger, deadline, retries); breaker and coalescing come from Config. */
export type UpstreamsOptions = HttpOptions;

export function createUpstreams(config: Config, options: UpstreamsOptions = {}): Upstreams {
  const http = {
    workflows: createHttp(config.upstreams.workflows, { deadlineMs: config.upstreams.workflows.deadlineMs, ...options }),
    flows: createHttp(config.upstreams.flows, { deadlineMs: config.upstreams.flows.deadlineMs, ...options }),
    models: createHttp(config.upstreams.models, { deadlineMs: config.upstreams.models.deadlineMs, ...options }),
    tasks: createHttp(config.upstreams.tasks, { deadlineMs: config.upstreams.tasks.deadlineMs, ...options }),
  };
  const direct = {
    workflows: createWorkflowsApi(http.workflows),
    flows: createFlowsApi(http.flows),
    models: createModelsApi(http.models),
    tasks: createTasksApi(http.tasks, config.upstreams.tasks),
  };
  const apis =
    config.terminalCacheTtlMs > 0
      ? withTerminalCache(direct, { ttlMs: config.terminalCacheTtlMs, maxEntries: config.terminalCacheMaxEntries })
      : direct;
  return {
    ...apis,
    health: () => ({
      workflows: { state: http.workflows.health() },
      flows: { state: http.flows.health() },
      models: { state: http.models.health() },
      tasks: { state: http.tasks.health() },
    }),
    close: async () => {
      await Promise.all(Object.values(http).map((requester) => requester.close()));
    },
  };
}

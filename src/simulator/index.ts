/**
 * The upstream simulator: four real HTTP servers on loopback (workflows, flows, models, tasks)
 * that speak the upstream APIs as docs/upstreams.md describes them, over seeded data whose
 * running executions progress with the (real or manual) clock. A separate product from the
 * gateway: it imports nothing from it.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { createClock, type Clock } from './clock.ts';
import { createSimulatorData, type SimulatorData } from './data.ts';
import { createFaultBoard, type FaultBoard, type FaultRule } from './faults.ts';
import { createFlowsHandler } from './flows.ts';
import type { HostName } from './hosts.ts';
import type { HostHandler } from './http.ts';
import { createModelsHandler } from './models.ts';
import { createRecorder, type RecordedRequest, type Recorder } from './recorder.ts';
import { rebaseText, worldMediaBase } from './media.ts';
import { closeServers, createTimers, startMediaServer, startServers, type Answering, type Timers } from './serve.ts';
import { createTasksHandler } from './tasks.ts';
import { createWebhookSender, type WebhookDelivery, type WebhookSender } from './webhooks.ts';
import { createWorkflowsHandler } from './workflows.ts';
import { buildWorld, type World } from './world/index.ts';

export type { Fault, FaultRule } from './faults.ts';
export type { Picks, SimBulk, SimStep, SimWorkflow, SimulatorData, WireJson } from './data.ts';
export { flowsRoutes, maxBulkIds } from './flows.ts';
export { hostNames, type HostName } from './hosts.ts';
export { modelsRoutes } from './models.ts';
export { requestLogSize, type RecordedRequest } from './recorder.ts';
export { tasksRoutes } from './tasks.ts';
export { workflowsRoutes } from './workflows.ts';
export type { WebhookDelivery } from './webhooks.ts';

export interface SimulatorOptions {
  /** Added to every answer, ms. @default 0 */
  latencyMs?: number;
  /** 'real': time flows with Date.now(); 'manual': only advance(ms) moves it. @default 'real' */
  clock?: 'real' | 'manual';
  /** Seed for the deterministic data. @default 1 */
  seed?: number;
  /** The instant the seed data is laid out relative to ("now" at start). @default Date.now() */
  now?: number;
  /** Host to bind. @default '127.0.0.1' */
  host?: string;
  /**
   * The base every image URL of the world is answered under. 'world' keeps the URLs the world's
   * facts name (a bucket nobody serves); 'served' puts them on the simulator's own media server.
   * @default 'served'
   */
  media?: 'served' | 'world';
}

export interface Simulator {
  /** Base URLs as the gateway config expects them (see CONTRACT.md "Environment"). */
  readonly urls: Readonly<Record<HostName, string>>;
  /** The base of every image URL in the hosts' answers: `http://127.0.0.1:PORT/eachlabs-sim`, served by the simulator. */
  readonly mediaBase: string;
  /** Valid credentials: `apiKey` for workflows/flows/models; `tasksToken` + `tasksProjectId` for tasks. */
  readonly credentials: { readonly apiKey: string; readonly tasksToken: string; readonly tasksProjectId: string };
  /** The environment that points a gateway at it: base URLs and server-side credentials (CONTRACT.md "Environment"). */
  readonly env: Readonly<Record<string, string>>;
  readonly data: SimulatorData;
  /** A further API key of the same account: workflows, flows and models accept it as they do `credentials.apiKey`. */
  issueApiKey(): string;
  /** From now on the eachlabs hosts answer this key as an unknown one: 401 `Invalid or missing API key`. */
  revokeApiKey(apiKey: string): void;
  /** Hit counts by route key; unmatched routes count under '<host> <METHOD> unmatched'. */
  hits(): Record<string, number>;
  totalHits(host?: HostName): number;
  /** The last `requestLogSize` requests, oldest first. */
  requests(): readonly RecordedRequest[];
  /** Clears the counters and the request log. */
  resetHits(): void;
  setLatency(ms: number): void;
  setFault(host: HostName, rule: FaultRule | null): void;
  /** Every workflow webhook delivery attempt so far (docs/upstreams.md A6), oldest first. */
  webhooks(): readonly WebhookDelivery[];
  clearFaults(): void;
  /** Moves simulated time forward (an offset on Date.now() in 'real' mode). */
  advance(ms: number): void;
  /**
   * A new execution of a workflow, created now, as a trigger creates one (with its model
   * executions), optionally a member of an existing bulk. No documented route adds to a bulk: this
   * is the simulator's own way to make any list grow at its head between two reads.
   */
  addExecution(workflowId: string, options?: { readonly bulkId?: string }): string;
  now(): number;
  /** Closes the servers, ends every socket (hung ones too) and clears timers. */
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const seed = options.seed ?? 1;
  const start = options.now ?? Date.now();
  const clock = createClock(options.clock ?? 'real', start);
  const world = buildWorld(seed, start);
  const urls = {} as Record<HostName, string>;
  const media = { base: worldMediaBase };
  const webhooks = createWebhookSender(world, clock, (text) => rebaseText(text, media.base));
  const answering = {
    handlers: createHandlers(world, webhooks, () => urls.models),
    recorder: createRecorder(),
    faults: createFaultBoard(),
    clock,
    timers: createTimers(),
    live: { latencyMs: options.latencyMs ?? 0, closed: false },
    media,
  } satisfies Answering;
  const bindHost = options.host ?? '127.0.0.1';
  const servers = await startServers(bindHost, answering, urls);
  const served = await startMediaServer(bindHost, world, servers);
  if ((options.media ?? 'served') === 'served') media.base = served;
  const data = createSimulatorData(world, seed, clock, () => urls.models, media.base);
  return simulatorApi({ ...answering, world, urls, data, webhooks, close: closer(answering, webhooks, servers) });
}

function createHandlers(world: World, webhooks: WebhookSender, modelsBaseUrl: () => string): Record<HostName, HostHandler> {
  return {
    workflows: createWorkflowsHandler(world, webhooks),
    flows: createFlowsHandler(world),
    models: createModelsHandler(world, modelsBaseUrl),
    tasks: createTasksHandler(world),
  };
}

/** The parts of a started simulator its API reads and steers. */
interface Parts {
  readonly world: World;
  readonly clock: Clock;
  readonly urls: Readonly<Record<HostName, string>>;
  readonly media: { readonly base: string };
  readonly data: SimulatorData;
  readonly recorder: Recorder;
  readonly faults: FaultBoard;
  readonly webhooks: WebhookSender;
  readonly live: { latencyMs: number };
  close(): Promise<void>;
}

function simulatorApi({ world, clock, urls, media, data, recorder, faults, webhooks, live, close }: Parts): Simulator {
  const credentials = world.credentials;
  return {
    urls: Object.freeze({ ...urls }),
    mediaBase: media.base,
    credentials: Object.freeze({ ...credentials }),
    env: Object.freeze({
      WORKFLOWS_API_URL: urls.workflows,
      FLOWS_API_URL: urls.flows,
      MODELS_API_URL: urls.models,
      TASKS_API_URL: urls.tasks,
      EACHLABS_API_KEY: credentials.apiKey,
      TASKS_API_TOKEN: credentials.tasksToken,
      TASKS_PROJECT_ID: credentials.tasksProjectId,
    }),
    data,
    issueApiKey: () => {
      const apiKey = `smk_sim_${randomBytes(16).toString('hex')}`;
      world.apiKeys.add(apiKey);
      return apiKey;
    },
    revokeApiKey: (apiKey) => void world.apiKeys.delete(apiKey),
    hits: () => recorder.hits(),
    totalHits: (host) => recorder.totalHits(host),
    requests: () => recorder.requests(),
    resetHits: () => recorder.reset(),
    setLatency: (ms) => {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`latency must be a finite ms >= 0, got ${ms}`);
      live.latencyMs = ms;
    },
    setFault: (host, rule) => faults.set(host, rule),
    clearFaults: () => faults.clear(),
    webhooks: () => webhooks.deliveries(),
    advance: (ms) => {
      clock.advance(ms);
      // Executions that ended in the jump send their webhooks now, not on the next real-time check.
      webhooks.check();
    },
    now: () => clock.now(),
    addExecution: (workflowId, options = {}) => {
      const bulkId = options.bulkId ?? null;
      // Membership is the execution's own `bulk_id`, which is what the list filters on.
      if (bulkId !== null && !world.bulks.some((bulk) => bulk.bulkId === bulkId && bulk.workflowId === workflowId)) {
        throw new Error(`no bulk ${bulkId} of workflow ${workflowId}`);
      }
      return world.writes.trigger(workflowId, {}, clock.now(), { bulkId, versionId: null }).id;
    },
    close,
  };
}

/** `close()`: once, however often called: stops answering, webhooks, timers, then the servers. */
function closer(
  { live, timers }: { live: { closed: boolean }; timers: Timers },
  webhooks: WebhookSender,
  servers: readonly Server[],
): () => Promise<void> {
  let closing: Promise<void> | null = null;
  return () => {
    closing ??= (async () => {
      live.closed = true;
      await webhooks.close();
      timers.clear();
      await closeServers(servers);
    })();
    return closing;
  };
}

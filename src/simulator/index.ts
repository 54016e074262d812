/**
 * The upstream simulator: four real HTTP servers on loopback (workflows, flows, models, tasks)
 * that speak the upstream APIs as docs/upstreams.md describes them, over seeded data whose
 * running executions progress with the (real or manual) clock. A separate product from the
 * gateway: it imports nothing from it.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClock } from './clock.ts';
import { createSimulatorData, type SimulatorData } from './data.ts';
import { activate, writeFault, type ActiveFault, type FaultRule } from './faults.ts';
import { buildWorld } from './fixtures.ts';
import { createFlowsHandler } from './flows.ts';
import type { HostHandler, SimRequest, SimResponse } from './http.ts';
import { createModelsHandler } from './models.ts';
import { createTasksHandler } from './tasks.ts';
import { createWebhookSender, type WebhookDelivery } from './webhooks.ts';
import { createWorkflowsHandler } from './workflows.ts';

export type { Fault, FaultRule } from './faults.ts';
export type { Picks, SimBulk, SimStep, SimWorkflow, SimulatorData, WireJson } from './data.ts';
export { flowsRoutes, maxBulkIds } from './flows.ts';
export { modelsRoutes } from './models.ts';
export { tasksRoutes } from './tasks.ts';
export { workflowsRoutes } from './workflows.ts';
export type { WebhookDelivery } from './webhooks.ts';

export type HostName = 'workflows' | 'flows' | 'models' | 'tasks';
export const hostNames: readonly HostName[] = ['workflows', 'flows', 'models', 'tasks'];

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
}

export interface RecordedRequest {
  host: HostName;
  route: string;
  method: string;
  path: string;
  query: Record<string, string>;
  /** Lower-cased names; repeated headers joined with ', '. */
  headers: Record<string, string>;
  /** Parsed JSON, raw text when not JSON, undefined when empty. */
  body: unknown;
  /** The status sent; 0 while pending or when none was sent (hang, reset). */
  status: number;
}

export interface Simulator {
  /** Base URLs as the gateway config expects them (see CONTRACT.md "Environment"). */
  readonly urls: Readonly<Record<HostName, string>>;
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

export const requestLogSize = 2000;
const maxBodyBytes = 5 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseBody(raw: string): unknown {
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

interface Serialised {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

function serialise(response: SimResponse): Serialised {
  let body = '';
  const headers: Record<string, string> = { ...response.headers };
  if (response.json !== undefined) {
    body = JSON.stringify(response.json);
    headers['content-type'] = response.contentType ?? 'application/json; charset=utf-8';
  } else if (response.text !== undefined) {
    body = response.text;
    headers['content-type'] = response.contentType ?? 'text/plain; charset=utf-8';
  }
  headers['content-length'] = String(Buffer.byteLength(body));
  return { status: response.status, headers, body };
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const seed = options.seed ?? 1;
  const start = options.now ?? Date.now();
  const clock = createClock(options.clock ?? 'real', start);
  const world = buildWorld(seed, start);
  const bindHost = options.host ?? '127.0.0.1';
  let latencyMs = options.latencyMs ?? 0;
  let closed = false;
  const counts = new Map<string, number>();
  let log: RecordedRequest[] = [];
  const faults = new Map<HostName, ActiveFault>();
  const timers = new Set<NodeJS.Timeout>();
  const urls = {} as Record<HostName, string>;
  const webhooks = createWebhookSender(world, clock);

  const handlers: Record<HostName, HostHandler> = {
    workflows: createWorkflowsHandler(world, webhooks),
    flows: createFlowsHandler(world),
    models: createModelsHandler(world, () => urls.models),
    tasks: createTasksHandler(world),
  };

  const delay = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const takeFault = (host: HostName, route: string) => {
    const active = faults.get(host);
    if (!active || (active.rule.route !== undefined && active.rule.route !== route)) return null;
    if (active.remaining !== null) {
      active.remaining -= 1;
      if (active.remaining <= 0) faults.delete(host);
    }
    return active.rule.fault;
  };

  const onRequest = async (host: HostName, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const arrived = performance.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    const handler = handlers[host];
    const route = handler.match(method, url.pathname);
    const key = route?.key ?? `${host} ${method} unmatched`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    const record: RecordedRequest = {
      host,
      route: key,
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: flattenHeaders(req),
      body: undefined,
      status: 0,
    };
    log.push(record);
    if (log.length > requestLogSize) log.splice(0, log.length - requestLogSize);
    let rawBody: string;
    try {
      rawBody = await readBody(req);
    } catch {
      return;
    }
    record.body = parseBody(rawBody);
    // The latency is the time to answer, the simulator's own work included: wait what is left.
    const answerLatency = async () => {
      const left = latencyMs - (performance.now() - arrived);
      if (left > 0) await delay(left);
    };
    const fault = takeFault(host, key);
    if (fault) {
      await answerLatency();
      if (closed) return;
      record.status = writeFault(fault, req, res);
      return;
    }
    const request: SimRequest = {
      method,
      pathname: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: record.body,
      rawBody,
      now: clock.now(),
    };
    let response: SimResponse;
    try {
      response = route ? route.handle(request) : handler.unmatched(request);
    } catch (error) {
      console.error(`[simulator] ${key} handler failed:`, error);
      response = { status: 500, json: { error: 'Internal server error' } };
    }
    const answer = serialise(response);
    await answerLatency();
    if (closed) return;
    record.status = answer.status;
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  };

  const servers = new Map<HostName, Server>();
  for (const host of hostNames) {
    const server = createServer((req, res) => {
      onRequest(host, req, res).catch((error: unknown) => {
        console.error(`[simulator] ${host} request failed:`, error);
        if (!res.headersSent) res.destroy();
      });
    });
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, bindHost, () => {
        server.off('error', reject);
        resolve();
      });
    });
    servers.set(host, server);
    const { port } = server.address() as AddressInfo;
    const origin = `http://${bindHost === '0.0.0.0' || bindHost === '::' ? '127.0.0.1' : bindHost}:${port}`;
    urls[host] = host === 'workflows' || host === 'flows' ? `${origin}/api/v1` : host === 'models' ? `${origin}/v1` : origin;
  }

  let closing: Promise<void> | null = null;
  const data = createSimulatorData(world, seed, clock, () => urls.models);

  return {
    urls: Object.freeze({ ...urls }),
    credentials: Object.freeze({ ...world.credentials }),
    env: Object.freeze({
      WORKFLOWS_API_URL: urls.workflows,
      FLOWS_API_URL: urls.flows,
      MODELS_API_URL: urls.models,
      TASKS_API_URL: urls.tasks,
      EACHLABS_API_KEY: world.credentials.apiKey,
      TASKS_API_TOKEN: world.credentials.tasksToken,
      TASKS_PROJECT_ID: world.credentials.tasksProjectId,
    }),
    data,
    issueApiKey: () => {
      const apiKey = `smk_sim_${randomBytes(16).toString('hex')}`;
      world.apiKeys.add(apiKey);
      return apiKey;
    },
    revokeApiKey: (apiKey) => void world.apiKeys.delete(apiKey),
    hits: () => Object.fromEntries(counts),
    totalHits: (host) => {
      let total = 0;
      for (const [key, count] of counts) if (host === undefined || key.startsWith(`${host} `)) total += count;
      return total;
    },
    requests: () => [...log],
    resetHits: () => {
      counts.clear();
      log = [];
    },
    setLatency: (ms) => {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`latency must be a finite ms >= 0, got ${ms}`);
      latencyMs = ms;
    },
    setFault: (host, rule) => {
      if (rule === null) faults.delete(host);
      else faults.set(host, activate(rule));
    },
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
    close: () => {
      closing ??= (async () => {
        closed = true;
        await webhooks.close();
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        await Promise.all(
          [...servers.values()].map(
            (server) =>
              new Promise<void>((resolve) => {
                server.close(() => resolve());
                server.closeAllConnections();
              }),
          ),
        );
      })();
      return closing;
    },
  };
}

/**
 * The wire side of the simulator: one loopback server per host, and how a request is answered
 * (recorded, its body read, then a fault or the host handler's answer, sent once the latency is up).
 * The host handlers see plain data (http.ts); only this file touches sockets.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from './clock.ts';
import { writeFault, type FaultBoard } from './faults.ts';
import { baseUrl, hostNames, type HostName } from './hosts.ts';
import type { HostHandler, Route, SimRequest, SimResponse } from './http.ts';
import { answerMedia, mediaPathPrefix, rebaseText } from './media.ts';
import type { Recorder } from './recorder.ts';
import type { World } from './world/index.ts';

const maxBodyBytes = 5 * 1024 * 1024;

/** What answering needs from the running simulator. */
export interface Answering {
  readonly handlers: Readonly<Record<HostName, HostHandler>>;
  readonly recorder: Recorder;
  readonly faults: FaultBoard;
  readonly clock: Clock;
  readonly timers: Timers;
  /** Read on every request: `setLatency` and `close` change them while serving. */
  readonly live: { readonly latencyMs: number; readonly closed: boolean };
  /** The base the world's image URLs are answered under (media.ts); set once the media server listens. */
  readonly media: { readonly base: string };
}

/** Timers that `close()` can clear, so a closing simulator leaves none behind. */
export interface Timers {
  delay(ms: number): Promise<void>;
  clear(): void;
}

export function createTimers(): Timers {
  const timers = new Set<NodeJS.Timeout>();
  return {
    delay: (ms) =>
      new Promise((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, ms);
        timers.add(timer);
      }),
    clear: () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

/** Starts one server per host on `bindHost` and fills in `urls` with their base URLs. */
export async function startServers(bindHost: string, answering: Answering, urls: Record<HostName, string>): Promise<Server[]> {
  const servers: Server[] = [];
  for (const host of hostNames) {
    const server = createServer((req, res) => {
      answer(answering, host, req, res).catch((error: unknown) => {
        console.error(`[simulator] ${host} request failed:`, error);
        if (!res.headersSent) res.destroy();
      });
    });
    server.keepAliveTimeout = 5_000;
    await listen(server, bindHost);
    servers.push(server);
    const { port } = server.address() as AddressInfo;
    urls[host] = baseUrl(host, `http://${loopbackName(bindHost)}:${port}`);
  }
  return servers;
}

/**
 * The media server: the world's images on an origin of their own, so the hosts' answers can name
 * them. Not an upstream: no hit counters, faults or latency. Returns the base to answer them under.
 */
export async function startMediaServer(bindHost: string, world: World, servers: Server[]): Promise<string> {
  const server = createServer((req, res) => {
    const { status, headers, body } = answerMedia(
      world,
      (req.method ?? 'GET').toUpperCase(),
      new URL(req.url ?? '/', 'http://simulator.invalid').pathname,
    );
    res.writeHead(status, { ...headers, 'content-length': String(body.length) });
    res.end(body);
  });
  server.keepAliveTimeout = 5_000;
  await listen(server, bindHost);
  servers.push(server);
  const { port } = server.address() as AddressInfo;
  return `http://${loopbackName(bindHost)}:${port}${mediaPathPrefix}`;
}

/** How a client on this machine reaches a server bound to `bindHost`. */
function loopbackName(bindHost: string): string {
  return bindHost === '0.0.0.0' || bindHost === '::' ? '127.0.0.1' : bindHost;
}

function listen(server: Server, bindHost: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, bindHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Closes the servers and ends every socket, hung ones too. */
export async function closeServers(servers: readonly Server[]): Promise<void> {
  await Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    ),
  );
}

async function answer(answering: Answering, host: HostName, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { live } = answering;
  const arrived = performance.now();
  const method = (req.method ?? 'GET').toUpperCase();
  const url = new URL(req.url ?? '/', 'http://simulator.invalid');
  const handler = answering.handlers[host];
  const route = handler.match(method, url.pathname);
  const key = route?.key ?? `${host} ${method} unmatched`;
  const record = answering.recorder.record(host, key, method, url, req);
  let rawBody: string;
  try {
    rawBody = await readBody(req);
  } catch {
    return;
  }
  record.body = parseBody(rawBody);
  // The latency is the time to answer, the simulator's own work included: wait what is left.
  const waitOutLatency = async () => {
    const left = live.latencyMs - (performance.now() - arrived);
    if (left > 0) await answering.timers.delay(left);
  };
  const fault = answering.faults.take(host, key);
  if (fault) {
    await waitOutLatency();
    if (live.closed) return;
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
    now: answering.clock.now(),
  };
  const { status, headers, body } = serialise(handle(route, handler, key, request), answering.media.base);
  await waitOutLatency();
  if (live.closed) return;
  record.status = status;
  res.writeHead(status, headers);
  res.end(body);
}

/** The route's answer, the host's answer to an unmatched route, or a 500 when the handler throws. */
function handle(route: Route | null, handler: HostHandler, key: string, request: SimRequest): SimResponse {
  try {
    return route ? route.handle(request) : handler.unmatched(request);
  } catch (error) {
    console.error(`[simulator] ${key} handler failed:`, error);
    return { status: 500, json: { error: 'Internal server error' } };
  }
}

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

interface Serialised {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

function serialise(response: SimResponse, mediaBase: string): Serialised {
  let body = '';
  const headers: Record<string, string> = { ...response.headers };
  if (response.json !== undefined) {
    body = rebaseText(JSON.stringify(response.json), mediaBase);
    headers['content-type'] = response.contentType ?? 'application/json; charset=utf-8';
  } else if (response.text !== undefined) {
    body = response.text;
    headers['content-type'] = response.contentType ?? 'text/plain; charset=utf-8';
  }
  headers['content-length'] = String(Buffer.byteLength(body));
  return { status: response.status, headers, body };
}

/**
 * graphql-sse's single connection mode on the GraphQL endpoint, beside yoga's own distinct
 * connections mode: a client reserves a stream (`PUT` → 201 and a token), opens it (`GET` with
 * the token and `Accept: text/event-stream`), then sends each operation as an ordinary `POST`
 * carrying the token and `extensions.operationId` (202), and stops one with
 * `DELETE ?operationId=…`. Every result of every operation travels on that one stream, tagged
 * with its operation id: one connection however many subscriptions (browsers allow 6 per host
 * over HTTP/1.1).
 *
 * Each operation is handed to yoga as the same request in distinct connections mode (the POST's
 * headers and body, minus the token), so it passes through every plugin an HTTP request does:
 * CSRF, size, authentication, document limits, context, subscription limits. Only the
 * reservation routes (`PUT`, the token's `GET`, `DELETE`) are answered here; `PUT` and `DELETE`
 * are never simple requests (a browser preflights them), and the `GET` needs a token that only
 * its `PUT` returned. Streams count against the caller's subscription limit, so reservations
 * cannot be hoarded.
 */
import { randomUUID } from 'node:crypto';
import type { Plugin, YogaServer } from 'graphql-yoga';
import type { Context } from '../context.ts';
import type { CallerKeyOf } from '../plugins/rate-limit.ts';

export interface EventStreamOptions {
  readonly endpoint: string;
  /** Streams on this replica (`MAX_SUBSCRIPTIONS`). */
  readonly max: number;
  /** Streams of one caller (`MAX_SUBSCRIPTIONS_PER_CALLER`). */
  readonly perCaller: number;
  /** Who a caller is: the same key as every per-caller limit. */
  readonly callerOf: CallerKeyOf;
  /** A reservation not opened within this time is dropped. @default 30000 */
  readonly reservationMs?: number;
  /** Comment lines that keep idle proxies from closing the stream. @default 12000 */
  readonly pingMs?: number;
}

export interface EventStreams {
  readonly plugin: Plugin;
  /** Streams reserved or open. */
  size(): number;
  /** Takes no more; ends every stream once its operations completed (their `complete` sent), or after `graceMs`. */
  drain(graceMs: number): Promise<void>;
}

/** The protocol's token header (graphql-sse `TOKEN_HEADER_KEY`) and query parameter. */
const tokenHeader = 'x-graphql-event-stream-token';
const tokenParameter = 'token';
const maxOperationIdLength = 128;
/** Events a stream holds for a client that does not read. */
const backlog = 64;

interface Stream {
  readonly token: string;
  readonly caller: string;
  /** The open GET's controller; null while only reserved. */
  controller: ReadableStreamDefaultController<Uint8Array> | null;
  /** What was sent before the GET arrived. */
  readonly early: Uint8Array[];
  /** Resolvers of operations waiting for the client to read (back-pressure). */
  waiting: (() => void)[];
  readonly operations: Map<string, AbortController>;
  readonly timers: NodeJS.Timeout[];
}

const encoder = new TextEncoder();
const event = (name: 'next' | 'complete', data: string) => encoder.encode(`event: ${name}\ndata: ${data}\n\n`);

/** The `event:`/`data:` blocks of yoga's distinct-mode stream, as they complete. */
async function* readEvents(
  reader: ReadableStreamDefaultReader<Uint8Array>,
): AsyncGenerator<{ readonly event: string; readonly data: string }> {
  const decoder = new TextDecoder();
  let buffered = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffered += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffered.indexOf('\n\n')) !== -1) {
      const block = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      let name = '';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) name = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (name) yield { event: name, data: data.join('\n') };
    }
  }
}

type Yoga = YogaServer<Record<string, never>, Context>;

/** What every stream of one `createEventStreams` shares. */
interface Hub {
  readonly options: EventStreamOptions;
  readonly reservationMs: number;
  readonly pingMs: number;
  readonly streams: Map<string, Stream>;
  yoga: Yoga | null;
  closed: boolean;
}

const text = (status: number, body: string, headers: Record<string, string> = {}) =>
  new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers } });

function send(hub: Hub, stream: Stream, chunk: Uint8Array): void {
  if (hub.streams.get(stream.token) !== stream) return;
  if (stream.controller) stream.controller.enqueue(chunk);
  else stream.early.push(chunk);
}

/**
 * Resolves once the client has room for more: an operation reads its next result from yoga only
 * then, so a client that stops reading holds no more than the stream's buffer here (and its
 * watcher keeps only the newest states).
 */
function room(stream: Stream): Promise<void> {
  const full = stream.controller ? (stream.controller.desiredSize ?? 1) <= 0 : stream.early.length >= backlog;
  return full ? new Promise<void>((resolve) => stream.waiting.push(resolve)) : Promise.resolve();
}

function wake(stream: Stream): void {
  const waiting = stream.waiting;
  stream.waiting = [];
  for (const resolve of waiting) resolve();
}

function end(hub: Hub, stream: Stream): void {
  if (hub.streams.get(stream.token) !== stream) return;
  hub.streams.delete(stream.token);
  for (const timer of stream.timers) clearTimeout(timer);
  for (const operation of stream.operations.values()) operation.abort();
  wake(stream);
  try {
    stream.controller?.close();
  } catch {
    // the client already left
  }
}

function reserve(hub: Hub, request: Request, serverContext: object): Response {
  if (hub.closed) return text(503, 'shutting down');
  const { streams, options } = hub;
  const caller = options.callerOf(request, serverContext);
  const mine = [...streams.values()].filter((stream) => stream.caller === caller).length;
  if (mine >= options.perCaller || streams.size >= options.max) return text(429, 'too many event streams');
  const stream: Stream = { token: randomUUID(), caller, controller: null, early: [], waiting: [], operations: new Map(), timers: [] };
  streams.set(stream.token, stream);
  stream.timers.push(setTimeout(() => stream.controller === null && end(hub, stream), hub.reservationMs));
  return text(201, stream.token);
}

function open(hub: Hub, stream: Stream, request: Request): Response {
  if (stream.controller !== null) return text(409, 'this reservation already has its stream');
  const body = new ReadableStream<Uint8Array>(
    {
      start: (controller) => {
        stream.controller = controller;
        controller.enqueue(encoder.encode(':\n\n'));
        for (const chunk of stream.early.splice(0)) controller.enqueue(chunk);
        wake(stream);
        const ping = setInterval(() => (controller.desiredSize ?? 0) > 0 && controller.enqueue(encoder.encode(':\n\n')), hub.pingMs);
        stream.timers.push(ping);
      },
      pull: () => wake(stream),
      cancel: () => end(hub, stream),
    },
    { highWaterMark: backlog },
  );
  request.signal.addEventListener('abort', () => end(hub, stream), { once: true });
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' } });
}

/** Relays yoga's distinct-mode answer to one operation onto the stream, tagged with its id. */
async function relay(hub: Hub, stream: Stream, id: string, body: ReadableStream<Uint8Array>, stop: AbortController): Promise<void> {
  const tag = JSON.stringify(id);
  const reader = body.getReader();
  stop.signal.addEventListener('abort', () => void reader.cancel().catch(() => undefined), { once: true });
  try {
    for await (const { event: name, data } of readEvents(reader)) {
      if (name === 'next') send(hub, stream, event('next', `{"id":${tag},"payload":${data}}`));
      if (name === 'complete') break;
      await room(stream);
    }
  } catch {
    // cancelled (DELETE, the client left) or yoga's stream failed: either way it is over
  } finally {
    if (stream.operations.get(id) === stop) {
      stream.operations.delete(id);
      if (!stop.signal.aborted) send(hub, stream, event('complete', `{"id":${tag}}`));
    }
  }
}

interface Operation {
  readonly id: string;
  readonly params: Record<string, unknown>;
  /** The request's extensions without `operationId`. */
  readonly extensions: Record<string, unknown>;
}

/** The POST's JSON body and its operation id, or the refusal. */
async function readOperation(stream: Stream, request: Request): Promise<Operation | Response> {
  let params: Record<string, unknown>;
  try {
    params = (await new Response(request.body).json()) as Record<string, unknown>;
  } catch {
    return text(400, 'expected a JSON body');
  }
  const extensions =
    typeof params['extensions'] === 'object' && params['extensions'] !== null
      ? { ...(params['extensions'] as Record<string, unknown>) }
      : {};
  const id = extensions['operationId'];
  if (typeof id !== 'string' || id === '' || id.length > maxOperationIdLength)
    return text(400, `extensions.operationId must be a string of 1 to ${maxOperationIdLength} characters`);
  if (stream.operations.has(id)) return text(409, 'an operation with this id is running');
  delete extensions['operationId'];
  return { id, params, extensions };
}

/** The same request in yoga's distinct connections mode, minus the token. */
function forwardRequest(request: Request, { params, extensions }: Operation, signal: AbortSignal): Request {
  const headers = new Headers(request.headers);
  headers.delete(tokenHeader);
  headers.delete('content-length');
  headers.set('accept', 'text/event-stream');
  headers.set('content-type', 'application/json');
  return new Request(request.url.replace(/\?.*$/, ''), {
    method: 'POST',
    headers,
    body: JSON.stringify({ ...params, extensions }),
    signal,
  });
}

async function execute(hub: Hub, stream: Stream, request: Request, serverContext: object): Promise<Response> {
  const operation = await readOperation(stream, request);
  if (operation instanceof Response) return operation;
  const { id } = operation;
  const stop = new AbortController();
  const forwarded = forwardRequest(request, operation, stop.signal);
  stream.operations.set(id, stop);
  const answer = await hub.yoga!.handle(forwarded, serverContext as Parameters<Yoga['handle']>[1]);
  // Refused before it ran (CSRF, size, authentication): the POST gets the refusal itself.
  if (!answer.ok || !answer.body || !(answer.headers.get('content-type') ?? '').includes('text/event-stream')) {
    stream.operations.delete(id);
    return answer;
  }
  void relay(hub, stream, id, answer.body, stop);
  return text(202, '');
}

/** `DELETE ?operationId=…`: stops that operation, if it runs. */
function cancel(stream: Stream, url: URL): Response {
  const id = url.searchParams.get('operationId');
  const operation = id === null ? undefined : stream.operations.get(id);
  if (operation) {
    stream.operations.delete(id!);
    operation.abort();
  }
  return text(200, '');
}

/** Answers a reservation route, or null for an ordinary GraphQL request (or yoga's distinct mode). */
async function route(hub: Hub, request: Request, url: URL, serverContext: object): Promise<Response | null> {
  if (request.method === 'PUT') return reserve(hub, request, serverContext);
  const token = request.headers.get(tokenHeader) ?? url.searchParams.get(tokenParameter);
  // No token: an ordinary GraphQL request (or yoga's distinct mode), not ours.
  if (token === null) return null;
  const stream = hub.streams.get(token);
  if (!stream) return text(404, 'no such event stream reservation');
  switch (request.method) {
    case 'GET':
      return open(hub, stream, request);
    case 'POST':
      return await execute(hub, stream, request, serverContext);
    case 'DELETE':
      return cancel(stream, url);
    default:
      return text(405, 'PUT, GET, POST or DELETE', { allow: 'PUT, GET, POST, DELETE' });
  }
}

async function drain(hub: Hub, graceMs: number): Promise<void> {
  hub.closed = true;
  const deadline = Date.now() + graceMs;
  const busy = () => [...hub.streams.values()].some((stream) => stream.operations.size > 0);
  while (busy() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  for (const stream of [...hub.streams.values()]) end(hub, stream);
}

export function createEventStreams(options: EventStreamOptions): EventStreams {
  const hub: Hub = {
    options,
    reservationMs: options.reservationMs ?? 30_000,
    pingMs: options.pingMs ?? 12_000,
    streams: new Map(),
    yoga: null,
    closed: false,
  };
  const plugin: Plugin = {
    onYogaInit: ({ yoga: instance }) => {
      hub.yoga = instance;
    },
    async onRequest({ request, url, endResponse, serverContext }) {
      if (url.pathname !== options.endpoint) return;
      const response = await route(hub, request, url, serverContext);
      if (response) endResponse(response);
    },
  };
  return { plugin, size: () => hub.streams.size, drain: (graceMs) => drain(hub, graceMs) };
}

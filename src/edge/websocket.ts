/**
 * GraphQL over WebSocket (the `graphql-transport-ws` protocol of the Guild's `graphql-ws`, what
 * Apollo Client's GraphQLWsLink and urql's subscription exchange speak) on the GraphQL endpoint,
 * wired as yoga documents it: each operation runs through `yoga.getEnveloped`, so it gets the
 * same schema, plugins (error masking, document limits, JWT), context and subscription limits as
 * one over HTTP. A browser cannot set headers on a WebSocket, so `connection_init`'s payload may
 * carry them (`{ "x-api-key": "…" }`, or under `headers`); they win over the upgrade request's.
 *
 * A browser attaches no preflight to a WebSocket: the upgrade is refused to a page of another
 * origin unless CORS would let that page read answers (`CORS_ORIGINS`; loopback pages outside production).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type ExecutionArgs, GraphQLError } from 'graphql';
import type { Context as WsContext, SubscribePayload } from 'graphql-ws';
import { type Extra, useServer } from 'graphql-ws/use/ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Context } from '../context.ts';
import type { CallerKeyOf } from '../plugins/rate-limit.ts';

export interface WebSocketOptions {
  /** The path operations are served on: `/graphql`. */
  readonly endpoint: string;
  /** Largest message accepted, bytes (`MAX_REQUEST_BYTES`). */
  readonly maxPayload: number;
  readonly production: boolean;
  /** The CORS allowlist (`CORS_ORIGINS`): a browser sends no preflight for a WebSocket, so the upgrade checks it. */
  readonly originAllowed: (origin: string) => boolean;
  /** Connections on this replica, and per caller (as for subscriptions: an idle connection costs memory too). */
  readonly max: number;
  readonly perCaller: number;
  /** Who a caller is: the same key as every per-caller limit (from the upgrade request; no token is verified yet). */
  readonly callerOf: CallerKeyOf;
}

export interface WebSockets {
  /** Takes an HTTP upgrade: a graphql-ws connection on the endpoint, else a refusal. */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Open connections. */
  size(): number;
  /** Closes every connection with 1001 (going away) once its operations completed, or after `graceMs`. */
  drain(graceMs: number): Promise<void>;
  /** Drops every connection now. */
  terminate(): void;
}

type Enveloped = ReturnType<YogaServerInstance<Record<string, never>, Context>['getEnveloped']>;

/**
 * Whether a page of `origin` may open a WebSocket here: no Origin (not a browser), the same
 * origin, or an origin the CORS allowlist admits.
 */
export function webSocketOriginAllowed(origin: string | undefined, host: string | undefined, allows: (origin: string) => boolean): boolean {
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (host !== undefined && url.host === host.toLowerCase()) return true;
  return allows(origin);
}

const headerName = /^[A-Za-z0-9-]{1,64}$/;

/** The upgrade request's headers, overlaid with the string values `connection_init` carried (flat or under `headers`). */
function headersOf(upgrade: IncomingMessage, params: Readonly<Record<string, unknown>> | undefined): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(upgrade.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const nested = params?.['headers'];
  const given = { ...params, ...(typeof nested === 'object' && nested !== null ? (nested as Record<string, unknown>) : {}) };
  for (const [name, value] of Object.entries(given)) {
    if (typeof value !== 'string' || !headerName.test(name)) continue;
    try {
      headers.set(name, value);
    } catch {
      // not a valid header value: ignored, as an HTTP client could not send it either
    }
  }
  return headers;
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

type Yoga = YogaServerInstance<Record<string, never>, Context>;

/** What one `createWebSockets` keeps across connections. */
interface Sockets {
  readonly options: WebSocketOptions;
  readonly server: WebSocketServer;
  /** Per connection: whom to tell it is over (its operations see it through their request's signal). */
  readonly left: WeakMap<WebSocket, AbortController>;
  /** Per acknowledged connection: graphql-ws's record of its running operations. */
  readonly operations: Map<WebSocket, { readonly subscriptions: Readonly<Record<string, unknown>> }>;
  /** Open connections per caller (by the upgrade request: connection_init comes later). */
  readonly callers: Map<string, number>;
  draining: boolean;
}

/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-member-access --
   yoga.getEnveloped() types parse, validate, execute and subscribe as any: they are graphql-js's own. */

/** One `subscribe` message: the operation enveloped by yoga as if it came over HTTP, or its errors. */
async function operationArgs(
  yoga: Yoga,
  sockets: Sockets,
  ctx: WsContext<Record<string, unknown>, Extra>,
  payload: SubscribePayload,
): Promise<ExecutionArgs | readonly GraphQLError[]> {
  const socket = ctx.extra.socket;
  const url = `http://${ctx.extra.request.headers.host ?? 'localhost'}${sockets.options.endpoint}`;
  const request = new Request(url, {
    headers: headersOf(ctx.extra.request, ctx.connectionParams),
    signal: sockets.left.get(socket)?.signal ?? null,
  });
  const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
    ...ctx,
    req: ctx.extra.request,
    socket,
    request,
    params: payload,
  });
  try {
    const document = parse(payload.query);
    const errors = validate(schema, document);
    if (errors.length > 0) return errors;
    return {
      schema,
      operationName: payload.operationName ?? null,
      document,
      variableValues: payload.variables ?? null,
      contextValue: await contextFactory(),
      rootValue: { execute, subscribe },
    };
  } catch (error) {
    // A syntax error, a document over the limits, a refused token: the operation's error, not the connection's.
    if (error instanceof GraphQLError) return [error];
    throw error;
  }
}

/** graphql-ws on the server, each operation run by the enveloped yoga `operationArgs` put in its root value. */
function serveGraphqlWs(yoga: Yoga, sockets: Sockets): void {
  useServer<Record<string, unknown>>(
    {
      isProd: sockets.options.production,
      execute: (args: ExecutionArgs) => (args.rootValue as Enveloped).execute(args),
      subscribe: (args: ExecutionArgs) => (args.rootValue as Enveloped).subscribe(args),
      onConnect: (ctx) => {
        sockets.operations.set(ctx.extra.socket, ctx);
      },
      onSubscribe: (ctx, _id, payload) => operationArgs(yoga, sockets, ctx, payload),
    },
    sockets.server,
  );
}
/* eslint-enable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-member-access */

function upgrade(sockets: Sockets, request: IncomingMessage, socket: Duplex, head: Buffer): void {
  const { options, server, callers } = sockets;
  const { pathname } = new URL(request.url ?? '/', 'http://localhost');
  if (pathname !== options.endpoint) return refuse(socket, 404, 'Not Found');
  if (sockets.draining) return refuse(socket, 503, 'Service Unavailable');
  if (!webSocketOriginAllowed(request.headers.origin, request.headers.host, options.originAllowed)) return refuse(socket, 403, 'Forbidden');
  const caller = options.callerOf({ headers: headersOf(request, undefined) }, { req: request });
  const mine = callers.get(caller) ?? 0;
  if (mine >= options.perCaller || server.clients.size >= options.max) return refuse(socket, 429, 'Too Many Requests');
  server.handleUpgrade(request, socket, head, (ws) => {
    // Counted once connected (a failed handshake never calls back).
    callers.set(caller, (callers.get(caller) ?? 0) + 1);
    ws.once('close', () => {
      const left = (callers.get(caller) ?? 1) - 1;
      if (left === 0) callers.delete(caller);
      else callers.set(caller, left);
    });
    server.emit('connection', ws, request);
  });
}

async function drain(sockets: Sockets, graceMs: number): Promise<void> {
  sockets.draining = true;
  const deadline = Date.now() + graceMs;
  // Subscriptions were completed (live closed): let their `complete` messages go out first.
  const busy = () => [...sockets.operations.values()].some((ctx) => Object.keys(ctx.subscriptions).length > 0);
  while (busy() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  const closing = [...sockets.server.clients].map(
    (socket) =>
      new Promise((resolve) => {
        socket.once('close', resolve);
        socket.close(1001, 'Going away');
      }),
  );
  await Promise.race([Promise.all(closing), new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now())))]);
}

export function createWebSockets(yoga: Yoga, options: WebSocketOptions): WebSockets {
  const sockets: Sockets = {
    options,
    server: new WebSocketServer({ noServer: true, maxPayload: options.maxPayload }),
    left: new WeakMap(),
    operations: new Map(),
    callers: new Map(),
    draining: false,
  };
  const { server, left, operations } = sockets;
  serveGraphqlWs(yoga, sockets);
  server.on('connection', (socket) => {
    const leaving = new AbortController();
    left.set(socket, leaving);
    socket.once('close', () => {
      leaving.abort();
      operations.delete(socket);
    });
  });
  return {
    upgrade: (request, socket, head) => upgrade(sockets, request, socket, head),
    size: () => server.clients.size,
    drain: (graceMs) => drain(sockets, graceMs),
    terminate: () => {
      sockets.draining = true;
      for (const socket of server.clients) socket.terminate();
      server.close();
    },
  };
}

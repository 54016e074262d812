/**
 * A gateway on a Node HTTP server: yoga answers requests, graphql-ws takes WebSocket upgrades on
 * the GraphQL endpoint, and SIGTERM drains the lot. main.ts and the tests' harness both serve
 * through this, so what is tested is what runs.
 *
 * The drain: the server stops accepting; every answer from then on says `Connection: close` (a
 * keep-alive client sends its next request to another replica), idle keep-alive connections are
 * closed, subscriptions complete on every transport (their clients resubscribe elsewhere), and
 * requests in flight finish within the deadline, past which whatever is left is cut.
 */
import type { Server, ServerResponse } from 'node:http';
import type { YogaServerInstance } from 'graphql-yoga';
import type { Context } from '../context.ts';
import type { Live } from '../live/index.ts';
import type { EventStreams } from './event-streams.ts';
import type { WebSockets } from './websocket.ts';

export interface Serving {
  /** Stops taking work and lets the work in hand finish, within `timeoutMs`; resolves once every connection is closed. */
  drain(timeoutMs: number): Promise<void>;
  /** Drops every connection now. */
  close(): Promise<void>;
}

export interface ServedParts {
  readonly yoga: YogaServerInstance<Record<string, never>, Context>;
  readonly live: Live;
  readonly webSockets: WebSockets;
  readonly eventStreams: EventStreams;
}

/** How often connections that went idle during a drain are closed (one that answered a stream may not have said `close`). */
const sweepMs = 100;

export function serve(server: Server, parts: ServedParts): Serving {
  const { yoga, live, webSockets, eventStreams } = parts;
  let draining = false;
  /** Answers in progress: a drain makes each one whose headers are still to go its connection's last. */
  const answering = new Set<ServerResponse>();
  // The client's next request opens a new connection: elsewhere, once this server stopped listening.
  const last = (response: ServerResponse) => {
    if (!response.headersSent) response.setHeader('connection', 'close');
  };
  server.on('request', (request, response) => {
    if (draining) last(response);
    answering.add(response);
    response.once('close', () => answering.delete(response));
    void yoga(request, response);
  });
  server.on('upgrade', (request, socket, head: Buffer) => webSockets.upgrade(request, socket, head));
  const closed = () => new Promise<void>((resolve) => server.close(() => resolve()));

  return {
    drain: async (timeoutMs) => {
      draining = true;
      for (const response of answering) last(response);
      const done = closed();
      server.closeIdleConnections();
      const sweep = setInterval(() => server.closeIdleConnections(), sweepMs);
      const deadline = setTimeout(() => {
        server.closeAllConnections();
        webSockets.terminate();
      }, timeoutMs);
      const started = Date.now();
      const left = () => Math.max(0, timeoutMs - (Date.now() - started));
      try {
        await live.close();
        await Promise.all([webSockets.drain(left()), eventStreams.drain(left())]);
        await done;
      } finally {
        clearInterval(sweep);
        clearTimeout(deadline);
      }
    },
    close: async () => {
      draining = true;
      const done = closed();
      webSockets.terminate();
      await eventStreams.drain(0);
      server.closeAllConnections();
      await done;
    },
  };
}

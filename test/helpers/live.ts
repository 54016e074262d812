/**
 * Subscriptions as a frontend makes them: graphql-sse's client (distinct connections mode, the
 * protocol yoga speaks, or single connection mode) against the gateway over HTTP, or graphql-ws's
 * over WebSocket.
 */
import { createClient, type Client } from 'graphql-sse';
import { type Client as WsClient, createClient as createWsClient } from 'graphql-ws';
import { encodeGlobalId } from '../../src/schema/ids.ts';

export interface LiveEvent {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

export const ExecutionUpdated = /* GraphQL */ `
  subscription ExecutionUpdated($id: ID!) {
    executionUpdated(id: $id) {
      id executionId source status upstreamStatus isTerminal output
      error { message }
      ... on WorkflowExecution { workflowId bulkId progressPercent steps { stepId status primary } }
      ... on ModelExecution { model cost }
      ... on TaskExecution { cancelledBy }
    }
  }
`;

export const BulkProgressUpdated = /* GraphQL */ `
  subscription BulkProgressUpdated($workflowId: String!, $bulkId: UUID!) {
    bulkProgress(workflowId: $workflowId, bulkId: $bulkId) { total pending running completed failed cancelled percentComplete isComplete }
  }
`;

export const workflowExecutionId = (workflowId: string, executionId: string) =>
  encodeGlobalId({ typename: 'WorkflowExecution', workflowId, executionId });

/** One open subscription: the events so far, and whether the server completed it. */
export interface Subscription {
  readonly events: LiveEvent[];
  readonly done: Promise<void>;
  completed(): boolean;
  /** Resolves when at least `count` events arrived (rejects after `timeoutMs`). */
  next(count: number, timeoutMs?: number): Promise<LiveEvent[]>;
  /** Leaves (the client closes the stream). */
  dispose(): void;
}

export function sseClient(url: string, headers: Record<string, string> = {}): Client {
  return createClient({ url, headers, retryAttempts: 0 });
}

/** graphql-sse's single connection mode: one stream (PUT, then GET), every operation a POST on it. */
export function singleConnectionClient(url: string, headers: Record<string, string> = {}): Client<true> {
  return createClient({ url, headers, retryAttempts: 0, singleConnection: true });
}

/** graphql-ws over WebSocket (Node's own WebSocket, as a browser's); `connectionParams` go in `connection_init`. */
export function wsClient(url: string, connectionParams: Record<string, unknown> = {}): WsClient {
  return createWsClient({ url: url.replace(/^http/, 'ws'), connectionParams, retryAttempts: 0, lazy: true, webSocketImpl: WebSocket });
}

/** What graphql-sse's and graphql-ws's clients have in common. */
export interface SubscribingClient {
  subscribe(
    payload: { query: string; variables: Record<string, unknown> },
    sink: { next(value: unknown): void; error(error: unknown): void; complete(): void },
  ): () => void;
}

export function subscribe(client: SubscribingClient, query: string, variables: Record<string, unknown>): Subscription {
  const events: LiveEvent[] = [];
  let completed = false;
  let waiters: (() => void)[] = [];
  const wake = () => {
    const list = waiters;
    waiters = [];
    for (const waiter of list) waiter();
  };
  let dispose: () => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    dispose = client.subscribe(
      { query, variables },
      {
        next: (value) => {
          events.push(value as LiveEvent);
          wake();
        },
        error: (error) => {
          completed = true;
          wake();
          reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
        },
        complete: () => {
          completed = true;
          wake();
          resolve();
        },
      },
    );
  });
  done.catch(() => undefined);
  return {
    events,
    done,
    completed: () => completed,
    next: async (count, timeoutMs = 5000) => {
      const deadline = Date.now() + timeoutMs;
      while (events.length < count) {
        if (completed) throw new Error(`stream ended after ${events.length} events, ${count} wanted: ${JSON.stringify(events)}`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`${events.length} events after ${timeoutMs} ms, ${count} wanted`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return events;
    },
    dispose: () => dispose(),
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it holds (or throws after `timeoutMs`). */
export async function eventually(check: () => boolean, timeoutMs = 5000, message = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${message}`);
    await sleep(10);
  }
}

/** The `executionUpdated` payload of an event. */
export function execution(event: LiveEvent | undefined): Record<string, unknown> {
  const value = event?.data?.['executionUpdated'];
  if (!value) throw new Error(`no execution in ${JSON.stringify(event)}`);
  return value as Record<string, unknown>;
}

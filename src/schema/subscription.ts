/**
 * Subscriptions, whatever the transport (SSE in both modes, graphql-ws over WebSocket: src/edge):
 * an execution's or a bulk's current state first, then one event per change, then the stream
 * completes once it is terminal. However many subscribe, each execution has one shared upstream
 * poll per credential (src/live), and a webhook has it read again at once.
 */
import type { YogaInitialContext } from 'graphql-yoga';
import type { Context } from '../context.ts';
import { badUserInput } from '../errors.ts';
import {
  bulkReader,
  bulkSource,
  type ExecutionRef,
  executionReader,
  executionSource,
  type Live,
  type Reader,
  type Source,
} from '../live/index.ts';
import { builder } from './builder.ts';
import { upstreamCall } from './cost.ts';
import { Execution } from './execution.ts';
import { decodeGlobalId, executionTypes } from './ids.ts';
import { withSlugOf } from './model-execution.ts';
import { BulkProgress } from './refs.ts';

/** An execution's global id → which upstream execution to watch; malformed ids fail before any call. */
export function executionRefOf(globalId: string): ExecutionRef {
  // A trigger's id names the execution it started: `triggerWorkflow { id }` is watchable as it is.
  const ref = decodeGlobalId(globalId, executionTypes, { triggers: true });
  switch (ref.typename) {
    case 'WorkflowExecution':
      return { source: 'WORKFLOW', workflowId: ref.workflowId, executionId: ref.executionId };
    case 'ModelExecution':
      return { source: 'MODEL', executionId: ref.executionId };
    case 'TaskExecution':
      return { source: 'TASK', executionId: ref.executionId };
  }
}

/**
 * The subscription's iterator, counted in `gateway_active_subscriptions` until it ends however it
 * ends. A stream that fails (the upstream refused the credential) gives its error as one last
 * event, which the field raises: the client gets a GraphQL error, then the end, not a cut connection.
 */
function counted<T>(iterator: AsyncIterableIterator<T>, done: () => void): AsyncIterableIterator<T | Error> {
  let failed = false;
  return {
    next: () => {
      if (failed) return Promise.resolve({ done: true, value: undefined });
      return iterator.next().then(
        (result) => {
          if (result.done) done();
          return result;
        },
        (error: unknown) => {
          done();
          failed = true;
          return { done: false, value: error instanceof Error ? error : new Error(String(error)) };
        },
      );
    },
    return: (value?: unknown) => {
      done();
      return iterator.return ? iterator.return(value) : Promise.resolve({ done: true, value: undefined });
    },
    throw: (error?: unknown) => {
      done();
      return iterator.throw ? iterator.throw(error) : Promise.reject(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/**
 * The request's abort signal: yoga merges its initial context (`request`, `params`) into ours,
 * though our Context type does not declare it. It aborts when an SSE client disconnects.
 */
function leaving(context: Context): AbortSignal | undefined {
  return (context as Context & Partial<Pick<YogaInitialContext, 'request'>>).request?.signal;
}

/**
 * One subscriber to a shared watch: ends when the client leaves, counted while it lasts. Its slot
 * (MAX_SUBSCRIPTIONS, per caller) is taken before any upstream call and given back at its end.
 * A per-caller rate limit, where the gateway has one, charges subscriptions at the same place.
 */
async function subscribeTo<T>(
  context: Context,
  subscription: string,
  source: Source<T>,
  reader: Reader<T>,
): Promise<AsyncIterableIterator<T | Error>> {
  const live = liveOf(context);
  const release = live.admission.admit(context.caller());
  let events: AsyncIterableIterator<T>;
  try {
    events = await live.watches.open(source, reader, leaving(context));
  } catch (error) {
    release();
    throw error;
  }
  const ended = context.observer.subscriptionStarted(subscription);
  return counted(events, () => {
    ended();
    release();
  });
}

export function liveOf(context: Context): Live {
  if (!context.live) throw new Error('live updates are not set up in this gateway');
  return context.live;
}

/**
 * A subscription keeps one context for all its events: forget what the loaders cached, so that
 * fields loaded beside the execution (cost, bulk, parent) are read afresh for every event.
 */
function freshLoaders(context: Context): void {
  for (const host of Object.values<{ readonly loaders: object }>(
    context.upstreams as unknown as Record<string, { readonly loaders: object }>,
  )) {
    for (const loader of Object.values(host.loaders as Readonly<Record<string, { clearAll(): unknown }>>)) loader.clearAll();
  }
}

builder.subscriptionFields((t) => ({
  executionUpdated: t.field({
    type: Execution,
    nullable: false,
    description:
      'The execution now, then once per change (status, steps, output), completing after a terminal state. ' +
      'One shared upstream poll per execution and credential whatever the number of subscribers, and webhooks push at once; ' +
      'a credential the upstream stops accepting ends the stream with UNAUTHENTICATED. ' +
      'A workflow execution is read from `GET /executions/{id}` (the shape of its webhook): it carries no ' +
      '`workflowName` or step names. Fields loaded beside it (cost, modelExecutions, bulk, parent) cost their own calls per event.',
    args: { id: t.arg.id({ required: true, description: 'The global id of a WorkflowExecution, ModelExecution or TaskExecution.' }) },
    complexity: upstreamCall,
    subscribe: (_root, { id }, context) => {
      const ref = executionRefOf(String(id));
      return subscribeTo(context, 'executionUpdated', executionSource(ref), executionReader(context.upstreams, ref));
    },
    resolve: (execution, { id }, context) => {
      if (execution instanceof Error) throw execution;
      freshLoaders(context);
      // A prediction names no model: the slug the subscribed id carries does.
      return withSlugOf(decodeGlobalId(String(id), executionTypes, { triggers: true }), execution);
    },
  }),
  bulkProgress: t.field({
    type: BulkProgress,
    nullable: false,
    description:
      "A bulk's progress now, then once per change, completing when every member is terminal. Polled through " +
      'the workflows list filtered by `bulk_id` (one call per 100 members), shared by every subscriber with the same credential; a member’s webhook triggers a poll at once.',
    args: { workflowId: t.arg.string({ required: true }), bulkId: t.arg({ type: 'UUID', required: true }) },
    complexity: upstreamCall,
    subscribe: (_root, { workflowId, bulkId }, context) => {
      if (workflowId.trim() === '') throw badUserInput('workflowId must not be empty', 'workflowId');
      const bulk = { workflowId, bulkId };
      return subscribeTo(context, 'bulkProgress', bulkSource(bulk), bulkReader(context.upstreams, bulk));
    },
    resolve: (progress) => {
      if (progress instanceof Error) throw progress;
      return progress;
    },
  }),
}));

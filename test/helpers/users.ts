/**
 * A second, independent GraphQL service for the composition tests: a small users service,
 * served by its own yoga on loopback, whose users started executions the simulator knows.
 */
import { createServer, type RequestListener } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Harness } from './harness.ts';

export interface UserRecord {
  readonly id: string;
  readonly name: string;
  /** Workflow executions this user started, as our API named them. */
  readonly executions: readonly { readonly id: string; readonly workflowId: string; readonly executionId: string }[];
}

export interface Listening {
  readonly url: string;
  close(): Promise<void>;
}

/** Listens on an ephemeral loopback port; `path` is appended to the URL. */
export async function listen(handler: RequestListener, path = '/graphql'): Promise<Listening> {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The users: one for each `user_id` the simulated task host knows, each having started the
 * first five executions of the big workflow (so a user's executions are one bulk call).
 */
export async function usersOf(h: Harness): Promise<UserRecord[]> {
  const workflow = h.simulator.data.workflows.find((w) => w.id === h.simulator.data.bigWorkflowId)!;
  const userIds = [
    ...new Set(
      h.simulator.data.taskExecutionIds
        .map((id) => h.simulator.data.taskExecution(id)?.['user_id'])
        .filter((id): id is string => typeof id === 'string'),
    ),
  ];
  // Global ids as the gateway hands them out (the users service stored what it was given).
  const { body } = await h.post({
    query: 'query($wf: String!, $ids: [String!]!) { workflowExecutionsByIds(workflowId: $wf, executionIds: $ids) { id } }',
    variables: { wf: workflow.id, ids: workflow.executionIds.slice(0, 5) },
  });
  const ids = (body.data!['workflowExecutionsByIds'] as { id: string }[]).map((e) => e.id);
  return userIds.map((id, index) => ({
    id,
    name: `User ${index + 1}`,
    executions: workflow.executionIds.slice(0, 5).map((executionId, i) => ({ id: ids[i]!, workflowId: workflow.id, executionId })),
  }));
}

/** A task execution of this user, from the simulator. */
export function taskOf(h: Harness, userId: string): string {
  return h.simulator.data.taskExecutionIds.find((id) => h.simulator.data.taskExecution(id)?.['user_id'] === userId)!;
}

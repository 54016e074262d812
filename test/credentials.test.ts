/**
 * Each host owns its credential. The task host's is one unit (bearer token + project): a caller
 * brings both or neither, its part is never combined with the server's, and an Authorization that
 * is not a bearer token is refused on the task fields rather than replaced by the server's token.
 * The eachlabs hosts' key is the caller's `X-API-Key`, else the server's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialKey } from '../src/upstreams/credential.ts';
import { codesOf, type GraphQLBody, type Harness, startHarness } from './helpers/harness.ts';

const query = `query($t: String!, $wf: String!) {
  taskExecution(executionId: $t) { executionId status }
  workflowExecutions(workflowId: $wf, first: 1) { totalCount }
}`;

describe('credentials, one per host', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.close());

  async function ask(headers: Record<string, string>): Promise<{ body: GraphQLBody; sentToTasks: Record<string, string>[] }> {
    h.simulator.resetHits();
    const { body } = await h.post(
      { query, variables: { t: h.simulator.data.picks.completedTask, wf: h.simulator.data.bigWorkflowId } },
      headers,
    );
    const sentToTasks = h.simulator
      .requests()
      .filter((r) => r.host === 'tasks')
      .map((r) => r.headers);
    return { body, sentToTasks };
  }

  /** The task field is refused as UNAUTHENTICATED with nothing sent; the workflows field still answers. */
  function expectTasksRefused({ body, sentToTasks }: { body: GraphQLBody; sentToTasks: Record<string, string>[] }, why: RegExp) {
    expect(sentToTasks).toEqual([]);
    expect(body.data?.['taskExecution']).toBeNull();
    expect(codesOf(body)).toEqual(['UNAUTHENTICATED']);
    expect(body.errors?.[0]?.extensions?.['upstream']).toBe('tasks');
    expect(body.errors?.[0]?.path).toEqual(['taskExecution']);
    expect(body.errors?.[0]?.message).toMatch(why);
    expect(body.data?.['workflowExecutions']).toMatchObject({ totalCount: expect.any(Number) });
  }

  it('a caller who sends only X-Project-ID gets UNAUTHENTICATED on task fields: its project never travels with the server token', async () => {
    const result = await ask({ 'x-project-id': h.simulator.credentials.tasksProjectId });
    expectTasksRefused(result, /X-Project-ID was sent without Authorization/);
  });

  it('a caller who sends only a bearer token gets UNAUTHENTICATED: its token never travels with the server project', async () => {
    const result = await ask({ authorization: `Bearer ${h.simulator.credentials.tasksToken}` });
    expectTasksRefused(result, /without X-Project-ID/);
  });

  it('a non-Bearer Authorization is refused, not replaced by the server token', async () => {
    for (const authorization of [`Token ${h.simulator.credentials.tasksToken}`, 'Basic dXNlcjpwYXNz', 'Bearer']) {
      const result = await ask({ authorization, 'x-project-id': h.simulator.credentials.tasksProjectId });
      expectTasksRefused(result, /Authorization must be Bearer <token>/);
    }
  });

  it("a caller's whole task credential is sent as it is, and the server's when the caller brings none", async () => {
    const mine = await ask({ authorization: 'Bearer callers-token-1', 'x-project-id': 'callers-project-1' });
    expect(mine.sentToTasks).toEqual([
      expect.objectContaining({ authorization: 'Bearer callers-token-1', 'x-project-id': 'callers-project-1' }),
    ]);
    // The simulator does not know that token: the upstream's refusal, not a replacement.
    expect(codesOf(mine.body)).toEqual(['UNAUTHENTICATED']);

    const server = await ask({});
    expect(server.body.errors).toBeUndefined();
    const { tasksToken, tasksProjectId } = h.simulator.credentials;
    expect(server.sentToTasks).toEqual([
      expect.objectContaining({ authorization: `Bearer ${tasksToken}`, 'x-project-id': tasksProjectId }),
    ]);
  });

  it('an X-API-Key goes to the eachlabs hosts and never decides the task credential', async () => {
    const { body, sentToTasks } = await ask({ 'x-api-key': h.simulator.credentials.apiKey });
    expect(body.errors).toBeUndefined();
    expect(sentToTasks).toHaveLength(1);
    expect(sentToTasks[0]).not.toHaveProperty('x-api-key');
  });
});

describe('credentialKey', () => {
  it('is a digest: the same for the same credential, different per host and per credential, never the secret', () => {
    const key = credentialKey('tasks', ['token-123456', 'project-1']);
    expect(credentialKey('tasks', ['token-123456', 'project-1'])).toBe(key);
    expect(credentialKey('tasks', ['token-123456', 'project-2'])).not.toBe(key);
    expect(credentialKey('models', ['token-123456', 'project-1'])).not.toBe(key);
    // [a, b] and [ab] must not collide.
    expect(credentialKey('tasks', ['token-123456project-1', null])).not.toBe(key);
    expect(key).not.toContain('token-123456');
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

/**
 * The typed SDK (client/sdk.ts, generated from client/operations.graphql by `npm run codegen`)
 * against the running gateway, and its drift check: regenerating gives the committed file.
 */
import { readFileSync } from 'node:fs';
import { generate } from '@graphql-codegen/cli';
import { ClientError, GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sdk, getSdk } from '../client/sdk.ts';
import config from '../codegen.ts';
import { type Harness, startHarness } from './helpers/harness.ts';

let h: Harness;
let sdk: Sdk;
beforeAll(async () => {
  h = await startHarness();
  sdk = getSdk(new GraphQLClient(h.url));
});
afterAll(() => h?.close());

describe('typed SDK (graphql-request)', () => {
  it('reads a workflow execution with its steps', async () => {
    const workflow = h.simulator.data.workflows[0]!;
    const executionId = workflow.executionIds[0]!;
    const { workflowExecution } = await sdk.WorkflowExecution({ executionId, workflowId: workflow.id });
    expect(workflowExecution?.executionId).toBe(executionId);
    expect(workflowExecution?.workflowName).toBe(workflow.name);
    expect(workflowExecution?.steps?.map((step) => step.stepId)).toEqual(workflow.steps.map((step) => step.stepId));
  });

  it('pages executions and filters model executions with typed variables', async () => {
    const workflowId = h.simulator.data.bigWorkflowId;
    const first = await sdk.WorkflowExecutions({ workflowId, first: 3 });
    const second = await sdk.WorkflowExecutions({ workflowId, first: 3, after: first.workflowExecutions?.pageInfo.endCursor });
    const ids = [...(first.workflowExecutions?.edges ?? []), ...(second.workflowExecutions?.edges ?? [])].map((e) => e?.node?.executionId);
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(6);
    const { modelExecutions } = await sdk.ModelExecutions({ filter: { status: ['COMPLETED'] }, first: 5 });
    expect(modelExecutions?.edges?.every((edge) => edge?.node?.status === 'COMPLETED')).toBe(true);
  });

  it('throws a ClientError with the contract code for an unknown execution', async () => {
    const error = await sdk.TaskExecution({ executionId: '00000000-0000-4000-8000-000000000000' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).response.errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
  });

  it('client/sdk.ts is up to date (run `npm run codegen` after changing client/operations.graphql)', async () => {
    const target = './client/sdk.ts';
    const [output] = await generate({ ...config, silent: true, generates: { [target]: config.generates[target]! } }, false);
    expect(output!.content).toBe(readFileSync(new URL('../client/sdk.ts', import.meta.url), 'utf8'));
  });
});

/**
 * GraphiQL's default tabs: example queries that answer against the embedded simulator
 * (main.ts fills in ids from its data) or, with placeholders, against live upstreams.
 */
import { encodeGlobalId } from './schema/ids.ts';

export interface Examples {
  readonly workflowId: string;
  readonly imageExecutionId: string;
  readonly bulkWorkflowId: string;
  readonly bulkId: string;
  readonly taskExecutionId: string | null;
  /** Global id of a workflow execution still running (the live tab's `Watch`). */
  readonly runningExecutionGlobalId: string | null;
  /** Where the feed tab starts: an hour before the data was laid out (null: no time filter). */
  readonly since: string | null;
}

/** What the tabs need of the simulator's data (structural: the gateway does not import it). */
export interface ExampleSource {
  /** The instant the data is laid out relative to, ms. */
  readonly epoch: number;
  readonly workflows: readonly { readonly id: string; readonly executionIds: readonly string[] }[];
  readonly picks: {
    readonly completedImageExecution: string;
    readonly runningBulk: { readonly workflowId: string; readonly bulkId: string };
    readonly deepTaskChainLeaf: string;
    readonly runningExecution: string;
  };
}

export function examplesFrom(data: ExampleSource): Examples {
  const { picks, workflows } = data;
  const workflowOf = (executionId: string) => workflows.find((w) => w.executionIds.includes(executionId))?.id ?? '';
  return {
    workflowId: workflowOf(picks.completedImageExecution),
    imageExecutionId: picks.completedImageExecution,
    bulkWorkflowId: picks.runningBulk.workflowId,
    bulkId: picks.runningBulk.bulkId,
    taskExecutionId: picks.deepTaskChainLeaf,
    runningExecutionGlobalId: encodeGlobalId({
      typename: 'WorkflowExecution',
      workflowId: workflowOf(picks.runningExecution),
      executionId: picks.runningExecution,
    }),
    since: new Date(data.epoch - 60 * 60 * 1000).toISOString(),
  };
}

const placeholders: Examples = {
  workflowId: '<workflow id>',
  imageExecutionId: '<execution id>',
  bulkWorkflowId: '<workflow id>',
  bulkId: '00000000-0000-0000-0000-000000000000',
  taskExecutionId: '<task execution id>',
  runningExecutionGlobalId: null,
  since: null,
};

const executionWithSteps = /* GraphQL */ `# A workflow execution with its steps: text, then images.
query ExecutionWithSteps($executionId: String!, $workflowId: String) {
  workflowExecution(executionId: $executionId, workflowId: $workflowId) {
    id
    workflowName
    status
    upstreamStatus
    startedAt
    durationMs
    inputs
    output
    cost
    steps {
      stepId
      name
      status
      model
      durationMs
      output
      primary
    }
  }
}`;

const pagedList = /* GraphQL */ `# A page of a workflow's executions; pass pageInfo.endCursor as $after for the next page.
# Steps and outputs of the whole page come from one bulk call.
query ExecutionsPage($workflowId: String!, $first: Int = 10, $after: String) {
  workflowExecutions(workflowId: $workflowId, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        executionId
        status
        startedAt
        steps { stepId status primary }
      }
    }
  }
}`;

const bulkProgress = /* GraphQL */ `# How far a bulk operation has got, and its executions.
query BulkProgress($workflowId: String!, $bulkId: UUID!) {
  bulk(workflowId: $workflowId, bulkId: $bulkId) {
    id
    progress { total pending running completed failed cancelled percentComplete isComplete }
    executions(first: 10) {
      edges { node { executionId status progressPercent } }
    }
  }
}`;

const modelCosts = /* GraphQL */ `# Model executions with their cost, and the workflow execution that started them.
query ModelCosts {
  modelExecutions(first: 5, filter: { status: [COMPLETED] }) {
    totalCount
    edges {
      node {
        executionId
        model
        cost
        runTimeSeconds
        output
        workflowExecution { workflowName status steps { stepId model } }
      }
    }
  }
  failed: modelExecutions(first: 5, filter: { status: [FAILED] }) {
    edges { node { model errorClassification error { message classification } } }
  }
}`;

const taskChain = /* GraphQL */ `# A task execution and its parent chain up to the root.
query TaskChain($executionId: String!) {
  taskExecution(executionId: $executionId) {
    executionId
    status
    upstreamStatus
    queueName
    retryCount
    assignedToWorker
    parent { executionId status parent { executionId status parent { executionId } } }
    root { executionId status queueName }
  }
}`;

const recentExecutions = /* GraphQL */ `# What ran lately, whatever ran it: model executions and task runs (workflows, agents, tools),
# merged newest first; add \`workflowId\` to the filter for one workflow's executions too. Pass
# pageInfo.endCursor as $after for the next page. A source that fails is a null edge naming it.
query RecentExecutions($since: DateTime, $after: String) {
  executions(first: 20, after: $after, filter: { createdAfter: $since }) {
    pageInfo { hasNextPage endCursor }
    edges {
      node {
        __typename
        executionId
        source
        status
        createdAt
        outputs {
          __typename
          ... on TextOutput { text }
          ... on ImageOutput { url contentType }
          ... on JsonOutput { value }
        }
        ... on ModelExecution { model cost runTimeSeconds workflowExecution { workflow { name } } }
        ... on TaskExecution { workflowId }
      }
    }
  }
}`;

const triggerAndWatch = /* GraphQL */ `# Live: run \`Trigger\` to start a workflow, put the \`id\` it returns in the variables, then run
# \`Watch\`: the current state arrives first, then one event per change, until the execution ends
# (Server-Sent Events). Under \`npm start\` the simulator's executions finish within minutes.
mutation Trigger($workflowId: String!, $inputs: JSONObject) {
  triggerWorkflow(workflowId: $workflowId, inputs: $inputs) {
    accepted
    id
    executionId
    status
    message
  }
}

subscription Watch($id: ID!) {
  executionUpdated(id: $id) {
    executionId
    status
    upstreamStatus
    isTerminal
    ... on WorkflowExecution {
      progressPercent
      steps { stepId status primary }
      output
    }
  }
}`;

function variables(value: Record<string, unknown>): string {
  return JSON.stringify(value, null, 2);
}

export function graphiqlTabs(examples: Examples = placeholders) {
  return [
    {
      query: executionWithSteps,
      variables: variables({ executionId: examples.imageExecutionId, workflowId: examples.workflowId }),
    },
    { query: pagedList, variables: variables({ workflowId: examples.workflowId, first: 10 }) },
    { query: bulkProgress, variables: variables({ workflowId: examples.bulkWorkflowId, bulkId: examples.bulkId }) },
    { query: modelCosts, variables: null },
    {
      query: taskChain,
      variables: variables({ executionId: examples.taskExecutionId ?? placeholders.taskExecutionId }),
    },
    { query: recentExecutions, variables: examples.since === null ? null : variables({ since: examples.since }) },
    {
      query: triggerAndWatch,
      variables: variables({
        workflowId: examples.workflowId,
        inputs: { prompt: 'a lighthouse on a stormy coast', style: 'watercolor' },
        id: examples.runningExecutionGlobalId ?? '<the id Trigger returned>',
      }),
    },
  ];
}

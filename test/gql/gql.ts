/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query ApolloPage($workflowId: String!, $first: Int, $after: String) {\n    workflowExecutions(workflowId: $workflowId, first: $first, after: $after) {\n      edges { cursor node { id executionId status } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.ApolloPageDocument,
    "\n        query ApolloNode($id: ID!) {\n          node(id: $id) { id ... on Execution { status } ... on WorkflowExecution { workflowName } }\n        }\n      ": typeof types.ApolloNodeDocument,
    "\n        mutation ApolloTrigger($workflowId: String!) {\n          triggerWorkflow(workflowId: $workflowId, inputs: { prompt: \"apollo\" }) { id executionId execution { id status } }\n        }\n      ": typeof types.ApolloTriggerDocument,
    "\n        query ApolloDeferred($workflowId: String!) {\n          workflowExecutions(workflowId: $workflowId, first: 2) {\n            edges { node { id executionId ... @defer { cost modelExecutions(first: 5) { totalCount } } } }\n          }\n        }\n      ": typeof types.ApolloDeferredDocument,
    "mutation ReadmeTrigger($workflowId: String!) { triggerWorkflow(workflowId: $workflowId, inputs: { prompt: \"readme\" }) { id } }": typeof types.ReadmeTriggerDocument,
    "subscription ReadmeWatch($id: ID!) { executionUpdated(id: $id) { id status isTerminal } }": typeof types.ReadmeWatchDocument,
    "\n  query PersistedTask($executionId: String!) {\n    taskExecution(executionId: $executionId) { id executionId status }\n  }\n": typeof types.PersistedTaskDocument,
    "\n      query PersistedTaskOverGet($executionId: String!) {\n        taskExecution(executionId: $executionId) { id executionId queueName }\n      }\n    ": typeof types.PersistedTaskOverGetDocument,
    "\n  query Feed($filter: ExecutionFilter, $first: Int, $after: String) {\n    executions(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { __typename executionId source status createdAt } }\n    }\n  }\n": typeof types.FeedDocument,
    "\n  fragment StepFields on Step {\n    stepId\n    name\n    status\n    upstreamStatus\n    startedAt\n    completedAt\n    durationMs\n    input\n    output\n    primary\n    model\n    modelVersion\n    params\n  }\n": typeof types.StepFieldsFragmentDoc,
    "\n  query ExecutionWithSteps($executionId: String!, $workflowId: String) {\n    workflowExecution(executionId: $executionId, workflowId: $workflowId) {\n      id\n      executionId\n      source\n      workflowId\n      status\n      upstreamStatus\n      isTerminal\n      startedAt\n      completedAt\n      durationMs\n      bulkId\n      inputs\n      output\n      progressPercent\n      error { message cause classification }\n      steps { ...StepFields }\n    }\n  }\n": typeof types.ExecutionWithStepsDocument,
    "\n  query ExecutionsPage($workflowId: String!, $bulkId: UUID, $first: Int, $after: String) {\n    workflowExecutions(workflowId: $workflowId, bulkId: $bulkId, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges { cursor node { executionId status workflowName } }\n    }\n  }\n": typeof types.ExecutionsPageDocument,
    "\n  query ExecutionsPageWithSteps($workflowId: String!, $first: Int, $after: String) {\n    workflowExecutions(workflowId: $workflowId, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { executionId status output steps { stepId status output primary } } }\n    }\n  }\n": typeof types.ExecutionsPageWithStepsDocument,
    "\n  query ExecutionsByIds($workflowId: String!, $executionIds: [String!]!) {\n    workflowExecutionsByIds(workflowId: $workflowId, executionIds: $executionIds) {\n      executionId\n      status\n      steps { stepId }\n    }\n  }\n": typeof types.ExecutionsByIdsDocument,
    "\n  query BulkWithProgress($workflowId: String!, $bulkId: UUID!) {\n    bulk(workflowId: $workflowId, bulkId: $bulkId) {\n      id\n      bulkId\n      workflowId\n      progress { total pending running completed failed cancelled percentComplete isComplete }\n      executions(first: 20) { totalCount edges { node { executionId status bulkId } } }\n    }\n  }\n": typeof types.BulkWithProgressDocument,
    "\n  query ModelExecutionsPage($filter: ModelExecutionFilter, $first: Int, $after: String) {\n    modelExecutions(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node {\n          id\n          executionId\n          model\n          status\n          upstreamStatus\n          cost\n          runTimeSeconds\n          errorClassification\n          error { message classification }\n          output\n          workflowId\n          workflowExecutionId\n        }\n      }\n    }\n  }\n": typeof types.ModelExecutionsPageDocument,
    "\n  query ModelToWorkflow($filter: ModelExecutionFilter) {\n    modelExecutions(filter: $filter, first: 20) {\n      edges {\n        node {\n          executionId\n          cost\n          workflowExecution {\n            executionId\n            workflowName\n            cost\n            steps { stepId model output }\n            bulk { progress { total percentComplete } }\n            modelExecutions { totalCount edges { node { executionId cost } } }\n          }\n        }\n      }\n    }\n  }\n": typeof types.ModelToWorkflowDocument,
    "\n  query TaskChain($executionId: String!) {\n    taskExecution(executionId: $executionId) {\n      id\n      executionId\n      source\n      status\n      upstreamStatus\n      retryCount\n      queueName\n      assignedToWorker\n      payload\n      result\n      createdAt\n      parent {\n        executionId\n        root { executionId }\n        parent { executionId root { executionId } parent { executionId parent { executionId parent { executionId } } } }\n      }\n      root { executionId root { executionId } parent { executionId } }\n    }\n  }\n": typeof types.TaskChainDocument,
    "\n  query Nodes($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      __typename\n      id\n      ... on Execution { executionId source status }\n      ... on Bulk { bulkId workflowId }\n    }\n  }\n": typeof types.NodesDocument,
    "\n  subscription ExecutionUpdated($id: ID!) {\n    executionUpdated(id: $id) {\n      id executionId source status upstreamStatus isTerminal output\n      error { message }\n      ... on WorkflowExecution { workflowId bulkId progressPercent steps { stepId status primary } }\n      ... on ModelExecution { model cost }\n      ... on TaskExecution { cancelledBy }\n    }\n  }\n": typeof types.ExecutionUpdatedDocument,
    "\n  subscription BulkProgressUpdated($workflowId: String!, $bulkId: UUID!) {\n    bulkProgress(workflowId: $workflowId, bulkId: $bulkId) { total pending running completed failed cancelled percentComplete isComplete }\n  }\n": typeof types.BulkProgressUpdatedDocument,
    "\n  mutation Trigger($workflowId: String!, $inputs: JSONObject, $versionId: String) {\n    triggerWorkflow(workflowId: $workflowId, inputs: $inputs, versionId: $versionId) {\n      accepted id executionId status upstreamStatus startedAt message\n      execution { executionId workflowName status versionId inputs }\n    }\n  }\n": typeof types.TriggerDocument,
    "\n  mutation BulkTrigger($workflowId: String!, $inputs: [JSONObject!]!) {\n    bulkTriggerWorkflow(workflowId: $workflowId, inputs: $inputs) {\n      bulkId\n      bulk { progress { total running completed isComplete } }\n      items { accepted executionId status upstreamStatus message }\n    }\n  }\n": typeof types.BulkTriggerDocument,
    "\n  mutation CancelTask($executionId: String!) {\n    cancelTaskExecution(executionId: $executionId) {\n      executionId status upstreamStatus cancelledAt\n      execution { status upstreamStatus ... on TaskExecution { cancelledBy parent { upstreamStatus } root { upstreamStatus } } }\n    }\n  }\n": typeof types.CancelTaskDocument,
    "\n  mutation CancelModel($executionId: String!) {\n    cancelModelExecution(executionId: $executionId) { executionId status upstreamStatus message execution { status upstreamStatus } }\n  }\n": typeof types.CancelModelDocument,
    "\n  query PageWithSteps($wf: String!, $first: Int!) {\n    workflowExecutions(workflowId: $wf, first: $first) { edges { node { executionId steps { stepId status } } } }\n  }": typeof types.PageWithStepsDocument,
    "\n  query EveryHost($wf: String!, $task: String!) {\n    workflowExecutions(workflowId: $wf, first: 5) { edges { node { executionId steps { stepId } } } }\n    modelExecutions(first: 3) { totalCount }\n    taskExecution(executionId: $task) { status parent { executionId } }\n  }": typeof types.EveryHostDocument,
    "\n      query UrqlDeferred($workflowId: String!) {\n        workflowExecutions(workflowId: $workflowId, first: 2) { edges { node { id executionId ... @defer { cost } } } }\n      }\n    ": typeof types.UrqlDeferredDocument,
};
const documents: Documents = {
    "\n  query ApolloPage($workflowId: String!, $first: Int, $after: String) {\n    workflowExecutions(workflowId: $workflowId, first: $first, after: $after) {\n      edges { cursor node { id executionId status } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.ApolloPageDocument,
    "\n        query ApolloNode($id: ID!) {\n          node(id: $id) { id ... on Execution { status } ... on WorkflowExecution { workflowName } }\n        }\n      ": types.ApolloNodeDocument,
    "\n        mutation ApolloTrigger($workflowId: String!) {\n          triggerWorkflow(workflowId: $workflowId, inputs: { prompt: \"apollo\" }) { id executionId execution { id status } }\n        }\n      ": types.ApolloTriggerDocument,
    "\n        query ApolloDeferred($workflowId: String!) {\n          workflowExecutions(workflowId: $workflowId, first: 2) {\n            edges { node { id executionId ... @defer { cost modelExecutions(first: 5) { totalCount } } } }\n          }\n        }\n      ": types.ApolloDeferredDocument,
    "mutation ReadmeTrigger($workflowId: String!) { triggerWorkflow(workflowId: $workflowId, inputs: { prompt: \"readme\" }) { id } }": types.ReadmeTriggerDocument,
    "subscription ReadmeWatch($id: ID!) { executionUpdated(id: $id) { id status isTerminal } }": types.ReadmeWatchDocument,
    "\n  query PersistedTask($executionId: String!) {\n    taskExecution(executionId: $executionId) { id executionId status }\n  }\n": types.PersistedTaskDocument,
    "\n      query PersistedTaskOverGet($executionId: String!) {\n        taskExecution(executionId: $executionId) { id executionId queueName }\n      }\n    ": types.PersistedTaskOverGetDocument,
    "\n  query Feed($filter: ExecutionFilter, $first: Int, $after: String) {\n    executions(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { __typename executionId source status createdAt } }\n    }\n  }\n": types.FeedDocument,
    "\n  fragment StepFields on Step {\n    stepId\n    name\n    status\n    upstreamStatus\n    startedAt\n    completedAt\n    durationMs\n    input\n    output\n    primary\n    model\n    modelVersion\n    params\n  }\n": types.StepFieldsFragmentDoc,
    "\n  query ExecutionWithSteps($executionId: String!, $workflowId: String) {\n    workflowExecution(executionId: $executionId, workflowId: $workflowId) {\n      id\n      executionId\n      source\n      workflowId\n      status\n      upstreamStatus\n      isTerminal\n      startedAt\n      completedAt\n      durationMs\n      bulkId\n      inputs\n      output\n      progressPercent\n      error { message cause classification }\n      steps { ...StepFields }\n    }\n  }\n": types.ExecutionWithStepsDocument,
    "\n  query ExecutionsPage($workflowId: String!, $bulkId: UUID, $first: Int, $after: String) {\n    workflowExecutions(workflowId: $workflowId, bulkId: $bulkId, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges { cursor node { executionId status workflowName } }\n    }\n  }\n": types.ExecutionsPageDocument,
    "\n  query ExecutionsPageWithSteps($workflowId: String!, $first: Int, $after: String) {\n    workflowExecutions(workflowId: $workflowId, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { executionId status output steps { stepId status output primary } } }\n    }\n  }\n": types.ExecutionsPageWithStepsDocument,
    "\n  query ExecutionsByIds($workflowId: String!, $executionIds: [String!]!) {\n    workflowExecutionsByIds(workflowId: $workflowId, executionIds: $executionIds) {\n      executionId\n      status\n      steps { stepId }\n    }\n  }\n": types.ExecutionsByIdsDocument,
    "\n  query BulkWithProgress($workflowId: String!, $bulkId: UUID!) {\n    bulk(workflowId: $workflowId, bulkId: $bulkId) {\n      id\n      bulkId\n      workflowId\n      progress { total pending running completed failed cancelled percentComplete isComplete }\n      executions(first: 20) { totalCount edges { node { executionId status bulkId } } }\n    }\n  }\n": types.BulkWithProgressDocument,
    "\n  query ModelExecutionsPage($filter: ModelExecutionFilter, $first: Int, $after: String) {\n    modelExecutions(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node {\n          id\n          executionId\n          model\n          status\n          upstreamStatus\n          cost\n          runTimeSeconds\n          errorClassification\n          error { message classification }\n          output\n          workflowId\n          workflowExecutionId\n        }\n      }\n    }\n  }\n": types.ModelExecutionsPageDocument,
    "\n  query ModelToWorkflow($filter: ModelExecutionFilter) {\n    modelExecutions(filter: $filter, first: 20) {\n      edges {\n        node {\n          executionId\n          cost\n          workflowExecution {\n            executionId\n            workflowName\n            cost\n            steps { stepId model output }\n            bulk { progress { total percentComplete } }\n            modelExecutions { totalCount edges { node { executionId cost } } }\n          }\n        }\n      }\n    }\n  }\n": types.ModelToWorkflowDocument,
    "\n  query TaskChain($executionId: String!) {\n    taskExecution(executionId: $executionId) {\n      id\n      executionId\n      source\n      status\n      upstreamStatus\n      retryCount\n      queueName\n      assignedToWorker\n      payload\n      result\n      createdAt\n      parent {\n        executionId\n        root { executionId }\n        parent { executionId root { executionId } parent { executionId parent { executionId parent { executionId } } } }\n      }\n      root { executionId root { executionId } parent { executionId } }\n    }\n  }\n": types.TaskChainDocument,
    "\n  query Nodes($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      __typename\n      id\n      ... on Execution { executionId source status }\n      ... on Bulk { bulkId workflowId }\n    }\n  }\n": types.NodesDocument,
    "\n  subscription ExecutionUpdated($id: ID!) {\n    executionUpdated(id: $id) {\n      id executionId source status upstreamStatus isTerminal output\n      error { message }\n      ... on WorkflowExecution { workflowId bulkId progressPercent steps { stepId status primary } }\n      ... on ModelExecution { model cost }\n      ... on TaskExecution { cancelledBy }\n    }\n  }\n": types.ExecutionUpdatedDocument,
    "\n  subscription BulkProgressUpdated($workflowId: String!, $bulkId: UUID!) {\n    bulkProgress(workflowId: $workflowId, bulkId: $bulkId) { total pending running completed failed cancelled percentComplete isComplete }\n  }\n": types.BulkProgressUpdatedDocument,
    "\n  mutation Trigger($workflowId: String!, $inputs: JSONObject, $versionId: String) {\n    triggerWorkflow(workflowId: $workflowId, inputs: $inputs, versionId: $versionId) {\n      accepted id executionId status upstreamStatus startedAt message\n      execution { executionId workflowName status versionId inputs }\n    }\n  }\n": types.TriggerDocument,
    "\n  mutation BulkTrigger($workflowId: String!, $inputs: [JSONObject!]!) {\n    bulkTriggerWorkflow(workflowId: $workflowId, inputs: $inputs) {\n      bulkId\n      bulk { progress { total running completed isComplete } }\n      items { accepted executionId status upstreamStatus message }\n    }\n  }\n": types.BulkTriggerDocument,
    "\n  mutation CancelTask($executionId: String!) {\n    cancelTaskExecution(executionId: $executionId) {\n      executionId status upstreamStatus cancelledAt\n      execution { status upstreamStatus ... on TaskExecution { cancelledBy parent { upstreamStatus } root { upstreamStatus } } }\n    }\n  }\n": types.CancelTaskDocument,
    "\n  mutation CancelModel($executionId: String!) {\n    cancelModelExecution(executionId: $executionId) { executionId status upstreamStatus message execution { status upstreamStatus } }\n  }\n": types.CancelModelDocument,
    "\n  query PageWithSteps($wf: String!, $first: Int!) {\n    workflowExecutions(workflowId: $wf, first: $first) { edges { node { executionId steps { stepId status } } } }\n  }": types.PageWithStepsDocument,
    "\n  query EveryHost($wf: String!, $task: String!) {\n    workflowExecutions(workflowId: $wf, first: 5) { edges { node { executionId steps { stepId } } } }\n    modelExecutions(first: 3) { totalCount }\n    taskExecution(executionId: $task) { status parent { executionId } }\n  }": types.EveryHostDocument,
    "\n      query UrqlDeferred($workflowId: String!) {\n        workflowExecutions(workflowId: $workflowId, first: 2) { edges { node { id executionId ... @defer { cost } } } }\n      }\n    ": types.UrqlDeferredDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ApolloPage($workflowId: String!, $first: Int, $after: String) {\n    workflowExecutions(workflowId: $workflowId, first: $first, after: $after) {\n      edges { cursor node { id executionId status } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query ApolloPage($workflowId: String!, $first: Int, $after: String) {\n    workflowExecutions(workflowId: $workflowId, first: $first, after: $after) {\n      edges { cursor node { id executionId status } }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n        query ApolloNode($id: ID!) {\n          node(id: $id) { id ... on Execution { status } ... on WorkflowExecution { workflowName } }\n        }\n      "): (typeof documents)["\n        query ApolloNode($id: ID!) {\n          node(id: $id) { id ... on Execution { status } ... on WorkflowExecution { workflowName } }\n        }\n      "];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n        mutation ApolloTrigger($workflowId: String!) {\n          triggerWorkflow(workflowId: $workflowId, inputs: { prompt: \"apollo\" }) { id executionId execution { id status } }\n        }\n      "): (typeof documents)["\n        mutation ApolloTrigger($workflowId: String!) {\n          triggerWorkflow(workflowId: $workflowId, inputs: { prompt: \"apollo\" }) { id executionId execution { id status } }\n        }\n      "];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n        query ApolloDeferred($workflowId: String!) {\n          workflowExecutions(workflowId: $workflowId, first: 2) {\n            edges { node { id executionId ... @defer { cost modelExecutions(first: 5) { totalCount } } } }\n          }\n        }\n      "): (typeof documents)["\n        query ApolloDeferred($workflowId: String!) {\n          workflowExecutions(workflowId: $workflowId, first: 2) {\n            edges { node { id executionId ... @defer { cost modelExecutions(first: 5) { totalCount } } } }\n          }\n        }\n      "];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ReadmeTrigger($workflowId: String!) { triggerWorkflow(workflowId: $workflowId, inputs: { prompt: \"readme\" }) { id } }"): (typeof documents)["mutation ReadmeTrigger($workflowId: String!) { triggerWorkflow(workflowId: $workflowId, inputs: { prompt: \"readme\" }) { id } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription ReadmeWatch($id: ID!) { executionUpdated(id: $id) { id status isTerminal } }"): (typeof documents)["subscription ReadmeWatch($id: ID!) { executionUpdated(id: $id) { id status isTerminal } }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PersistedTask($executionId: String!) {\n    taskExecution(executionId: $executionId) { id executionId status }\n  }\n"): (typeof documents)["\n  query PersistedTask($executionId: String!) {\n    taskExecution(executionId: $executionId) { id executionId status }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n      query PersistedTaskOverGet($executionId: String!) {\n        taskExecution(executionId: $executionId) { id executionId queueName }\n      }\n    "): (typeof documents)["\n      query PersistedTaskOverGet($executionId: String!) {\n        taskExecution(executionId: $executionId) { id executionId queueName }\n      }\n    "];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Feed($filter: ExecutionFilter, $first: Int, $after: String) {\n    executions(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { __typename executionId source status createdAt } }\n    }\n  }\n"): (typeof documents)["\n  query Feed($filter: ExecutionFilter, $first: Int, $after: String) {\n    executions(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { cursor node { __typename executionId source status createdAt } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment StepFields on Step {\n    stepId\n    name\n    status\n    upstreamStatus\n    startedAt\n    completedAt\n    durationMs\n    input\n    output\n    primary\n    model\n    modelVersion\n    params\n  }\n"): (typeof documents)["\n  fragment StepFields on Step {\n    stepId\n    name\n    status\n    upstreamStatus\n    startedAt\n    completedAt\n    durationMs\n    input\n    output\n    primary\n    model\n    modelVersion\n    params\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExecutionWithSteps($executionId: String!, $workflowId: String) {\n    workflowExecution(executionId: $executionId, workflowId: $workflowId) {\n      id\n      executionId\n      source\n      workflowId\n      status\n      upstreamStatus\n      isTerminal\n      startedAt\n      completedAt\n      durationMs\n      bulkId\n      inputs\n      output\n      progressPercent\n      error { message cause classification }\n      steps { ...StepFields }\n    }\n  }\n"): (typeof documents)["\n  query ExecutionWithSteps($executionId: String!, $workflowId: String) {\n    workflowExecution(executionId: $executionId, workflowId: $workflowId) {\n      id\n      executionId\n      source\n      workflowId\n      status\n      upstreamStatus\n      isTerminal\n      startedAt\n      completedAt\n      durationMs\n      bulkId\n      inputs\n      output\n      progressPercent\n      error { message cause classification }\n      steps { ...StepFields }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExecutionsPage($workflowId: String!, $bulkId: UUID, $first: Int, $after: String) {\n    workflowExecutions(workflowId: $workflowId, bulkId: $bulkId, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges { cursor node { executionId status workflowName } }\n    }\n  }\n"): (typeof documents)["\n  query ExecutionsPage($workflowId: String!, $bulkId: UUID, $first: Int, $after: String) {\n    workflowExecutions(workflowId: $workflowId, bulkId: $bulkId, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }\n      edges { cursor node { executionId status workflowName } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExecutionsPageWithSteps($workflowId: String!, $first: Int, $after: String) {\n    workflowExecutions(workflowId: $workflowId, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { executionId status output steps { stepId status output primary } } }\n    }\n  }\n"): (typeof documents)["\n  query ExecutionsPageWithSteps($workflowId: String!, $first: Int, $after: String) {\n    workflowExecutions(workflowId: $workflowId, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { executionId status output steps { stepId status output primary } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExecutionsByIds($workflowId: String!, $executionIds: [String!]!) {\n    workflowExecutionsByIds(workflowId: $workflowId, executionIds: $executionIds) {\n      executionId\n      status\n      steps { stepId }\n    }\n  }\n"): (typeof documents)["\n  query ExecutionsByIds($workflowId: String!, $executionIds: [String!]!) {\n    workflowExecutionsByIds(workflowId: $workflowId, executionIds: $executionIds) {\n      executionId\n      status\n      steps { stepId }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BulkWithProgress($workflowId: String!, $bulkId: UUID!) {\n    bulk(workflowId: $workflowId, bulkId: $bulkId) {\n      id\n      bulkId\n      workflowId\n      progress { total pending running completed failed cancelled percentComplete isComplete }\n      executions(first: 20) { totalCount edges { node { executionId status bulkId } } }\n    }\n  }\n"): (typeof documents)["\n  query BulkWithProgress($workflowId: String!, $bulkId: UUID!) {\n    bulk(workflowId: $workflowId, bulkId: $bulkId) {\n      id\n      bulkId\n      workflowId\n      progress { total pending running completed failed cancelled percentComplete isComplete }\n      executions(first: 20) { totalCount edges { node { executionId status bulkId } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ModelExecutionsPage($filter: ModelExecutionFilter, $first: Int, $after: String) {\n    modelExecutions(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node {\n          id\n          executionId\n          model\n          status\n          upstreamStatus\n          cost\n          runTimeSeconds\n          errorClassification\n          error { message classification }\n          output\n          workflowId\n          workflowExecutionId\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ModelExecutionsPage($filter: ModelExecutionFilter, $first: Int, $after: String) {\n    modelExecutions(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges {\n        node {\n          id\n          executionId\n          model\n          status\n          upstreamStatus\n          cost\n          runTimeSeconds\n          errorClassification\n          error { message classification }\n          output\n          workflowId\n          workflowExecutionId\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ModelToWorkflow($filter: ModelExecutionFilter) {\n    modelExecutions(filter: $filter, first: 20) {\n      edges {\n        node {\n          executionId\n          cost\n          workflowExecution {\n            executionId\n            workflowName\n            cost\n            steps { stepId model output }\n            bulk { progress { total percentComplete } }\n            modelExecutions { totalCount edges { node { executionId cost } } }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ModelToWorkflow($filter: ModelExecutionFilter) {\n    modelExecutions(filter: $filter, first: 20) {\n      edges {\n        node {\n          executionId\n          cost\n          workflowExecution {\n            executionId\n            workflowName\n            cost\n            steps { stepId model output }\n            bulk { progress { total percentComplete } }\n            modelExecutions { totalCount edges { node { executionId cost } } }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TaskChain($executionId: String!) {\n    taskExecution(executionId: $executionId) {\n      id\n      executionId\n      source\n      status\n      upstreamStatus\n      retryCount\n      queueName\n      assignedToWorker\n      payload\n      result\n      createdAt\n      parent {\n        executionId\n        root { executionId }\n        parent { executionId root { executionId } parent { executionId parent { executionId parent { executionId } } } }\n      }\n      root { executionId root { executionId } parent { executionId } }\n    }\n  }\n"): (typeof documents)["\n  query TaskChain($executionId: String!) {\n    taskExecution(executionId: $executionId) {\n      id\n      executionId\n      source\n      status\n      upstreamStatus\n      retryCount\n      queueName\n      assignedToWorker\n      payload\n      result\n      createdAt\n      parent {\n        executionId\n        root { executionId }\n        parent { executionId root { executionId } parent { executionId parent { executionId parent { executionId } } } }\n      }\n      root { executionId root { executionId } parent { executionId } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Nodes($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      __typename\n      id\n      ... on Execution { executionId source status }\n      ... on Bulk { bulkId workflowId }\n    }\n  }\n"): (typeof documents)["\n  query Nodes($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      __typename\n      id\n      ... on Execution { executionId source status }\n      ... on Bulk { bulkId workflowId }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ExecutionUpdated($id: ID!) {\n    executionUpdated(id: $id) {\n      id executionId source status upstreamStatus isTerminal output\n      error { message }\n      ... on WorkflowExecution { workflowId bulkId progressPercent steps { stepId status primary } }\n      ... on ModelExecution { model cost }\n      ... on TaskExecution { cancelledBy }\n    }\n  }\n"): (typeof documents)["\n  subscription ExecutionUpdated($id: ID!) {\n    executionUpdated(id: $id) {\n      id executionId source status upstreamStatus isTerminal output\n      error { message }\n      ... on WorkflowExecution { workflowId bulkId progressPercent steps { stepId status primary } }\n      ... on ModelExecution { model cost }\n      ... on TaskExecution { cancelledBy }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription BulkProgressUpdated($workflowId: String!, $bulkId: UUID!) {\n    bulkProgress(workflowId: $workflowId, bulkId: $bulkId) { total pending running completed failed cancelled percentComplete isComplete }\n  }\n"): (typeof documents)["\n  subscription BulkProgressUpdated($workflowId: String!, $bulkId: UUID!) {\n    bulkProgress(workflowId: $workflowId, bulkId: $bulkId) { total pending running completed failed cancelled percentComplete isComplete }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Trigger($workflowId: String!, $inputs: JSONObject, $versionId: String) {\n    triggerWorkflow(workflowId: $workflowId, inputs: $inputs, versionId: $versionId) {\n      accepted id executionId status upstreamStatus startedAt message\n      execution { executionId workflowName status versionId inputs }\n    }\n  }\n"): (typeof documents)["\n  mutation Trigger($workflowId: String!, $inputs: JSONObject, $versionId: String) {\n    triggerWorkflow(workflowId: $workflowId, inputs: $inputs, versionId: $versionId) {\n      accepted id executionId status upstreamStatus startedAt message\n      execution { executionId workflowName status versionId inputs }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BulkTrigger($workflowId: String!, $inputs: [JSONObject!]!) {\n    bulkTriggerWorkflow(workflowId: $workflowId, inputs: $inputs) {\n      bulkId\n      bulk { progress { total running completed isComplete } }\n      items { accepted executionId status upstreamStatus message }\n    }\n  }\n"): (typeof documents)["\n  mutation BulkTrigger($workflowId: String!, $inputs: [JSONObject!]!) {\n    bulkTriggerWorkflow(workflowId: $workflowId, inputs: $inputs) {\n      bulkId\n      bulk { progress { total running completed isComplete } }\n      items { accepted executionId status upstreamStatus message }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelTask($executionId: String!) {\n    cancelTaskExecution(executionId: $executionId) {\n      executionId status upstreamStatus cancelledAt\n      execution { status upstreamStatus ... on TaskExecution { cancelledBy parent { upstreamStatus } root { upstreamStatus } } }\n    }\n  }\n"): (typeof documents)["\n  mutation CancelTask($executionId: String!) {\n    cancelTaskExecution(executionId: $executionId) {\n      executionId status upstreamStatus cancelledAt\n      execution { status upstreamStatus ... on TaskExecution { cancelledBy parent { upstreamStatus } root { upstreamStatus } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelModel($executionId: String!) {\n    cancelModelExecution(executionId: $executionId) { executionId status upstreamStatus message execution { status upstreamStatus } }\n  }\n"): (typeof documents)["\n  mutation CancelModel($executionId: String!) {\n    cancelModelExecution(executionId: $executionId) { executionId status upstreamStatus message execution { status upstreamStatus } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PageWithSteps($wf: String!, $first: Int!) {\n    workflowExecutions(workflowId: $wf, first: $first) { edges { node { executionId steps { stepId status } } } }\n  }"): (typeof documents)["\n  query PageWithSteps($wf: String!, $first: Int!) {\n    workflowExecutions(workflowId: $wf, first: $first) { edges { node { executionId steps { stepId status } } } }\n  }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EveryHost($wf: String!, $task: String!) {\n    workflowExecutions(workflowId: $wf, first: 5) { edges { node { executionId steps { stepId } } } }\n    modelExecutions(first: 3) { totalCount }\n    taskExecution(executionId: $task) { status parent { executionId } }\n  }"): (typeof documents)["\n  query EveryHost($wf: String!, $task: String!) {\n    workflowExecutions(workflowId: $wf, first: 5) { edges { node { executionId steps { stepId } } } }\n    modelExecutions(first: 3) { totalCount }\n    taskExecution(executionId: $task) { status parent { executionId } }\n  }"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n      query UrqlDeferred($workflowId: String!) {\n        workflowExecutions(workflowId: $workflowId, first: 2) { edges { node { id executionId ... @defer { cost } } } }\n      }\n    "): (typeof documents)["\n      query UrqlDeferred($workflowId: String!) {\n        workflowExecutions(workflowId: $workflowId, first: 2) { edges { node { id executionId ... @defer { cost } } } }\n      }\n    "];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;
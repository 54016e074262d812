/**
 * The typed operations the tests send (GraphQL Code Generator's client preset types them:
 * `npm run codegen` after changing one).
 */
import { graphql } from '../gql/index.ts';

export const StepFields = graphql(`
  fragment StepFields on Step {
    stepId
    name
    status
    upstreamStatus
    startedAt
    completedAt
    durationMs
    input
    output
    primary
    model
    modelVersion
    params
  }
`);

export const ExecutionWithSteps = graphql(`
  query ExecutionWithSteps($executionId: String!, $workflowId: String) {
    workflowExecution(executionId: $executionId, workflowId: $workflowId) {
      id
      executionId
      source
      workflowId
      status
      upstreamStatus
      isTerminal
      startedAt
      completedAt
      durationMs
      bulkId
      inputs
      output
      progressPercent
      error { message cause classification }
      steps { ...StepFields }
    }
  }
`);

export const ExecutionsPage = graphql(`
  query ExecutionsPage($workflowId: String!, $bulkId: UUID, $first: Int, $after: String) {
    workflowExecutions(workflowId: $workflowId, bulkId: $bulkId, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { executionId status workflowName } }
    }
  }
`);

export const ExecutionsPageWithSteps = graphql(`
  query ExecutionsPageWithSteps($workflowId: String!, $first: Int, $after: String) {
    workflowExecutions(workflowId: $workflowId, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { executionId status output steps { stepId status output primary } } }
    }
  }
`);

export const ExecutionsByIds = graphql(`
  query ExecutionsByIds($workflowId: String!, $executionIds: [String!]!) {
    workflowExecutionsByIds(workflowId: $workflowId, executionIds: $executionIds) {
      executionId
      status
      steps { stepId }
    }
  }
`);

export const BulkWithProgress = graphql(`
  query BulkWithProgress($workflowId: String!, $bulkId: UUID!) {
    bulk(workflowId: $workflowId, bulkId: $bulkId) {
      id
      bulkId
      workflowId
      progress { total pending running completed failed cancelled percentComplete isComplete }
      executions(first: 20) { totalCount edges { node { executionId status bulkId } } }
    }
  }
`);

export const ModelExecutionsPage = graphql(`
  query ModelExecutionsPage($filter: ModelExecutionFilter, $first: Int, $after: String) {
    modelExecutions(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        node {
          id
          executionId
          model
          status
          upstreamStatus
          cost
          runTimeSeconds
          errorClassification
          error { message classification }
          output
          workflowId
          workflowExecutionId
        }
      }
    }
  }
`);

export const ModelToWorkflow = graphql(`
  query ModelToWorkflow($filter: ModelExecutionFilter) {
    modelExecutions(filter: $filter, first: 20) {
      edges {
        node {
          executionId
          cost
          workflowExecution {
            executionId
            workflowName
            cost
            steps { stepId model output }
            bulk { progress { total percentComplete } }
            modelExecutions { totalCount edges { node { executionId cost } } }
          }
        }
      }
    }
  }
`);

export const TaskChain = graphql(`
  query TaskChain($executionId: String!) {
    taskExecution(executionId: $executionId) {
      id
      executionId
      source
      status
      upstreamStatus
      retryCount
      queueName
      assignedToWorker
      payload
      result
      createdAt
      parent {
        executionId
        root { executionId }
        parent { executionId root { executionId } parent { executionId parent { executionId parent { executionId } } } }
      }
      root { executionId root { executionId } parent { executionId } }
    }
  }
`);

export const Nodes = graphql(`
  query Nodes($ids: [ID!]!) {
    nodes(ids: $ids) {
      __typename
      id
      ... on Execution { executionId source status }
      ... on Bulk { bulkId workflowId }
    }
  }
`);

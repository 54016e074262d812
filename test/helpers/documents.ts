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

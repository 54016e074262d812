/**
 * Relay documents, for relay-compiler only (test/relay.test.ts compiles this file against
 * schema.graphql and runs the artifacts with relay-runtime): never imported, since the `graphql`
 * tag is replaced by the compiler's artifacts and throws if it runs.
 */
import { graphql } from 'relay-runtime';

export const executionsPage = graphql`
  query relayDocumentsPageQuery($workflowId: String!, $first: Int!) {
    ...relayDocuments_executions @arguments(workflowId: $workflowId, first: $first)
  }
`;

export const executions = graphql`
  fragment relayDocuments_executions on Query
  @refetchable(queryName: "relayDocumentsExecutionsPaginationQuery")
  @argumentDefinitions(workflowId: { type: "String!" }, first: { type: "Int!" }, after: { type: "String" }) {
    workflowExecutions(workflowId: $workflowId, first: $first, after: $after) @connection(key: "relayDocuments_workflowExecutions") {
      totalCount
      edges {
        node {
          id
          executionId
          status
        }
      }
    }
  }
`;

export const trigger = graphql`
  mutation relayDocumentsTriggerMutation($workflowId: String!, $inputs: JSONObject) {
    triggerWorkflow(workflowId: $workflowId, inputs: $inputs) {
      id
      accepted
      executionId
      execution {
        id
        executionId
        status
        workflowName
      }
    }
  }
`;

export const watch = graphql`
  subscription relayDocumentsWatchSubscription($id: ID!) {
    executionUpdated(id: $id) {
      id
      status
      isTerminal
    }
  }
`;

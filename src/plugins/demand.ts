/**
 * Demand control, per operation, after validation and before any resolver runs (so before any
 * upstream call): the representations it passes to `_entities` must stay within
 * GRAPHQL_MAX_ENTITIES, and its static estimate (schema/cost.ts) within GRAPHQL_COST_LIMIT.
 * Both depend on the variables, which is why this runs at execution and not as a validation rule
 * (yoga caches validation by document). Each operation of a batch is measured on its own.
 */
import { complexityFromQuery } from '@pothos/plugin-complexity';
import {
  type DocumentNode,
  type ExecutionArgs,
  type FragmentDefinitionNode,
  getArgumentValues,
  getOperationAST,
  getVariableValues,
  type GraphQLError,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  OperationTypeNode,
  type SelectionSetNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { DemandConfig } from '../config.ts';
import { costEstimatedTooExpensive } from '../errors.ts';

type Variables = Readonly<Record<string, unknown>>;

/**
 * Representations the operation passes to `_entities`, all aliases together. Fields with one
 * response key run once (validation makes their arguments equal), so each key counts once.
 */
function entityRepresentations(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  variables: Variables,
): number {
  const field = schema.getQueryType()?.getFields()['_entities'];
  if (!field || operation.operation !== OperationTypeNode.QUERY) return 0;
  const counted = new Map<string, number>();
  const visited = new Set<string>();
  const visit = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        if (selection.name.value !== '_entities' || counted.has(key)) continue;
        const { representations } = getArgumentValues(field, selection, variables);
        counted.set(key, Array.isArray(representations) ? representations.length : 0);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visit(selection.selectionSet);
      } else if (!visited.has(selection.name.value)) {
        visited.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) visit(fragment.selectionSet);
      }
    }
  };
  visit(operation.selectionSet);
  let total = 0;
  for (const count of counted.values()) total += count;
  return total;
}

/** Why the operation is refused, or null to let it run (execution reports a missing operation or bad variables). */
function refusal(config: DemandConfig, args: ExecutionArgs): GraphQLError | null {
  const { schema, document, contextValue } = args;
  const operation = getOperationAST(document, args.operationName);
  if (!operation) return null;
  const raw = (args.variableValues ?? {}) as Variables;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], raw);
  if (coerced.errors) return null;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }

  const representations = entityRepresentations(schema, operation, fragments, coerced.coerced);
  if (representations > config.maxEntities) {
    return costEstimatedTooExpensive(
      `Operation refused before any upstream call: ${representations} entity representations, at most ${config.maxEntities} (GRAPHQL_MAX_ENTITIES)`,
      { limit: 'GRAPHQL_MAX_ENTITIES', estimate: representations, max: config.maxEntities },
    );
  }

  // The plugin measures a document's first operation: give it the one that runs.
  const selected: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation, ...fragments.values()] };
  const { complexity } = complexityFromQuery(selected, { schema, ctx: contextValue ?? {}, variables: raw });
  if (complexity > config.costLimit) {
    return costEstimatedTooExpensive(
      `Operation refused before any upstream call: its estimated cost ${complexity} is over ${config.costLimit} (GRAPHQL_COST_LIMIT); ask for fewer items, fields or aliases`,
      { limit: 'GRAPHQL_COST_LIMIT', estimate: complexity, max: config.costLimit },
    );
  }
  return null;
}

export function useDemandControl(config: DemandConfig): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = refusal(config, args);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = refusal(config, args);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}

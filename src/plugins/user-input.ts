/**
 * Gives the contract's `BAD_USER_INPUT` code to what graphql-js rejects before execution:
 * arguments and variables that fail scalar parsing (malformed UUID, DateTime, enum, Int…).
 */
import type { Plugin } from 'graphql-yoga';
import { GraphQLError, Kind } from 'graphql';

function withCode(error: GraphQLError, code: string): GraphQLError {
  if (error.extensions?.['code']) return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes ?? null,
    source: error.source ?? null,
    positions: error.positions ?? null,
    path: error.path ?? null,
    originalError: error.originalError ?? null,
    extensions: { ...error.extensions, code },
  });
}

const valueKinds = new Set<string>([
  Kind.INT,
  Kind.FLOAT,
  Kind.STRING,
  Kind.BOOLEAN,
  Kind.NULL,
  Kind.ENUM,
  Kind.LIST,
  Kind.OBJECT,
  Kind.OBJECT_FIELD,
]);

/** A validation error that points at a literal value is a bad argument, not a bad document. */
function isValueProblem(error: GraphQLError): boolean {
  const node = error.nodes?.[0];
  return node !== undefined && valueKinds.has(node.kind);
}

export function useBadUserInputCodes(): Plugin {
  return {
    onValidate() {
      return ({ result, setResult }) => {
        if (result.length === 0) return;
        setResult(
          // Validation answers GraphQLErrors; envelop types them loosely.
          (result as readonly GraphQLError[]).map((error) =>
            withCode(error, isValueProblem(error) ? 'BAD_USER_INPUT' : 'GRAPHQL_VALIDATION_FAILED'),
          ),
        );
      };
    },
    onExecute() {
      return {
        onExecuteDone({ result, setResult }) {
          // Variable coercion fails before any resolver runs: no data, errors without a path.
          if ('errors' in result && result.errors && !('data' in result && result.data)) {
            setResult({
              ...result,
              errors: result.errors.map((error: GraphQLError) => (error.path ? error : withCode(error, 'BAD_USER_INPUT'))),
            });
          }
        },
      };
    },
  };
}

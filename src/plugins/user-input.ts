/**
 * Gives the contract's `BAD_USER_INPUT` code to what graphql-js rejects before execution:
 * arguments and variables that fail scalar parsing (malformed UUID, DateTime, enum, Int…).
 */
import type { Plugin } from 'graphql-yoga';
import { GraphQLError } from 'graphql';

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

/** Validation messages that say an argument value is wrong, as opposed to a wrong document. */
const valueProblem = /^(Expected value of type|Expected type|Variable "\$[^"]+" got invalid value|Int cannot represent|Float cannot represent|String cannot represent|Boolean cannot represent|ID cannot represent|Value "|Enum ")/;

export function useBadUserInputCodes(): Plugin {
  return {
    onValidate() {
      return ({ result, setResult }) => {
        if (result.length === 0) return;
        setResult(
          result.map((error) =>
            withCode(error, valueProblem.test(error.message) ? 'BAD_USER_INPUT' : 'GRAPHQL_VALIDATION_FAILED'),
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
              errors: result.errors.map((error) => (error.path ? error : withCode(error, 'BAD_USER_INPUT'))),
            });
          }
        },
      };
    },
  };
}

/**
 * ESLint over the committed schema: graphql-eslint's Relay rules (cursor connections, edges,
 * PageInfo, paging arguments), and the typed client's operations against it.
 */
import graphql from '@graphql-eslint/eslint-plugin';

/** One graphql-config for both blocks: graphql-eslint loads it once per process. */
const graphQLConfig = { schema: 'schema.graphql', documents: 'client/**/*.graphql' };

export default [
  {
    files: ['schema.graphql'],
    languageOptions: { parser: graphql.parser, parserOptions: { graphQLConfig } },
    plugins: { '@graphql-eslint': graphql },
    rules: {
      '@graphql-eslint/relay-connection-types': 'error',
      // Plain lists (steps, nodes) are not connections: only edges must be Relay-shaped.
      '@graphql-eslint/relay-edge-types': ['error', { withEdgeSuffix: true, shouldImplementNode: true, listTypeCanWrapOnlyEdgeType: false }],
      '@graphql-eslint/relay-page-info': 'error',
      // Our connections page forward only (`first`/`after`), as the upstreams do.
      '@graphql-eslint/relay-arguments': ['error', { includeBoth: false }],
      '@graphql-eslint/unique-field-definition-names': 'error',
    },
  },
  {
    files: ['client/**/*.graphql'],
    languageOptions: { parser: graphql.parser, parserOptions: { graphQLConfig } },
    plugins: { '@graphql-eslint': graphql },
    rules: graphql.configs['flat/operations-recommended'].rules,
  },
];

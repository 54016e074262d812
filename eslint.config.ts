/**
 * ESLint over the committed schema: graphql-eslint's Relay rules (cursor connections, edges,
 * PageInfo, paging arguments) and the client's operations against it.
 */
import graphql from '@graphql-eslint/eslint-plugin';

export default [
  {
    files: ['schema.graphql'],
    languageOptions: { parser: graphql.parser, parserOptions: { graphQLConfig: { schema: 'schema.graphql' } } },
    plugins: { '@graphql-eslint': graphql },
    rules: {
      '@graphql-eslint/relay-connection-types': 'error',
      // Plain lists (steps, nodes) are not connections: only edges must be Relay-shaped.
      '@graphql-eslint/relay-edge-types': ['error', { withEdgeSuffix: true, shouldImplementNode: true, listTypeCanWrapOnlyEdgeType: false }],
      '@graphql-eslint/relay-page-info': 'error',
      // Our connections page forward only (`first`/`after`), as the upstreams do.
      '@graphql-eslint/relay-arguments': ['error', { includeBoth: false }],
      '@graphql-eslint/strict-id-in-types': [
        'error',
        { acceptedIdNames: ['id'], acceptedIdTypes: ['ID'], exceptions: { suffixes: ['Connection', 'Edge', 'PageInfo', 'Progress', 'Error'], types: ['Step', 'Query'] } },
      ],
      '@graphql-eslint/unique-field-definition-names': 'error',
    },
  },
];

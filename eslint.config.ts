/**
 * ESLint over the TypeScript (typescript-eslint's type-aware rules), over the committed schema
 * (graphql-eslint's Relay rules: cursor connections, edges, PageInfo, paging arguments), and over
 * the typed client's operations against it. Formatting is prettier's (.prettierrc.json).
 */
import graphql from '@graphql-eslint/eslint-plugin';
import tseslint from 'typescript-eslint';

/** One graphql-config for both blocks: graphql-eslint loads it once per process. */
const graphQLConfig = { schema: 'schema.graphql', documents: 'client/**/*.graphql' };

export default [
  { ignores: ['node_modules/**', 'client/sdk.ts', 'test/gql/**', 'test/relay/__generated__/**'] },
  ...tseslint.configs.recommendedTypeChecked.map((config) => ({ ...config, files: ['**/*.ts'] })),
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Unused names are errors, except a deliberate `_` prefix.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Fire-and-forget is allowed only when written `void promise`.
      '@typescript-eslint/no-floating-promises': 'error',
      // In-memory stand-ins implement async interfaces (the bus, leases) without anything to await.
      '@typescript-eslint/require-await': 'off',
      // yoga and envelop hand their hooks bound functions (endResponse, setResult, …), and our clients
      // are closures, not classes: the rule cannot tell either from a method that needs its `this`.
      '@typescript-eslint/unbound-method': 'off',
      // Rethrowing or rejecting with what was caught (an abort reason, a settled failure) is fine.
      '@typescript-eslint/only-throw-error': ['error', { allowThrowingUnknown: true, allowThrowingAny: true }],
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true, allowThrowingAny: true }],
      // `createServer(yoga)`: node's request listener may return a promise; nothing awaits it by design.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
    },
  },
  {
    // Tests assert on untyped JSON answers and pass methods to expect(): the unsafe-any family is noise there.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Upstream JSON is stringified on purpose, and ad-hoc answer shapes carry `any` with a reason.
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      // Clients' own error types (Apollo's ErrorLike) are passed on as they come.
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
    },
  },
  {
    files: ['schema.graphql'],
    languageOptions: { parser: graphql.parser, parserOptions: { graphQLConfig } },
    plugins: { '@graphql-eslint': graphql },
    rules: {
      '@graphql-eslint/relay-connection-types': 'error',
      // Plain lists (steps, nodes) are not connections: only edges must be Relay-shaped.
      '@graphql-eslint/relay-edge-types': [
        'error',
        { withEdgeSuffix: true, shouldImplementNode: true, listTypeCanWrapOnlyEdgeType: false },
      ],
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

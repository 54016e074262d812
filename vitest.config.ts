import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 ships CJS and ESM builds without an `exports` map: Node loads the CJS one for
    // yoga and Pothos, so our code must get the same instance or `instanceof GraphQLError` fails.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Installs Debian's redis-server and chromium when missing (as root with apt), else stops naming them.
    globalSetup: ['test/setup/system.ts'],
    // Every test file starts its own simulator and gateway on loopback ports.
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});

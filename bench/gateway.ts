/**
 * Child process: the gateway as `npm run start:live` configures it (loadConfig over the
 * environment the parent passes: the simulator's URLs and credentials), listening on
 * 127.0.0.1:0.
 */
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../src/config.ts';
import { createGateway } from '../src/gateway.ts';
import { serve } from './ipc.ts';

const gateway = createGateway(loadConfig(process.env, ['--live']));
const server = createServer(gateway.yoga);
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const { port } = server.address() as AddressInfo;

serve({ url: `http://127.0.0.1:${port}/graphql` }, {}, async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await gateway.close();
});

/**
 * Process entry: config → (embedded simulator) → gateway → listen → drain on SIGTERM.
 */
import { createServer } from 'node:http';
import { once } from 'node:events';
import { pino } from 'pino';
import { type Config, loadConfig, withUpstreams } from './config.ts';
import { createGateway } from './gateway.ts';
import { examplesFrom } from './graphiql.ts';
import { type Simulator, startSimulator } from './simulator/index.ts';

/** In-flight requests get this long to finish after SIGTERM. @default 10000 */
const drainTimeoutMs = Number(process.env['SHUTDOWN_TIMEOUT_MS'] ?? 10_000);

async function main(): Promise<void> {
  let config: Config = loadConfig();
  // One JSON line per request (observability/plugin.ts); credentials are never put in a log
  // line, and the redaction is a second guard.
  const logger = pino({
    level: config.logLevel,
    redact: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers["x-project-id"]', '*.api_key', '*.apiKey'],
  });
  let simulator: Simulator | null = null;
  if (config.mode === 'simulated') {
    simulator = await startSimulator({ latencyMs: config.simulatorLatencyMs });
    config = withUpstreams(config, simulator.urls, simulator.env);
  }
  const gateway = createGateway(config, {
    logger,
    ...(simulator ? { examples: examplesFrom(simulator.data) } : {}),
  });
  const server = createServer();
  const serving = gateway.attach(server);
  server.listen(config.port);
  await once(server, 'listening');

  const url = `http://localhost:${config.port}/graphql`;
  if (simulator) {
    logger.info(
      { upstreams: simulator.urls },
      `Execution Gateway on ${url} (GraphiQL in a browser) over the EMBEDDED SIMULATED UPSTREAMS on loopback; run \`npm run start:live\` for real upstreams`,
    );
  } else {
    const configured = Object.values(config.upstreams).map((u) => `${u.name}=${u.baseUrl ? 'configured' : 'NOT CONFIGURED'}`);
    logger.info(`Execution Gateway on ${url} over live upstreams (${configured.join(', ')})`);
    if (config.production && config.live.webhookSecret === null) {
      // The workflows host signs nothing: without a secret a webhook cannot be told from a forgery, so it is only a prompt.
      logger.warn(
        'WEBHOOK_SECRET is not set: webhooks only prompt a re-read of their execution (subscribers see what the upstream confirms); set it to deliver verified webhooks as they arrive',
      );
    }
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: draining in-flight requests (up to ${drainTimeoutMs} ms)`);
    await serving.drain(drainTimeoutMs);
    await gateway.close();
    await simulator?.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

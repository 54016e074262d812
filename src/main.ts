/**
 * Process entry: config → (embedded simulator) → gateway → listen → drain on SIGTERM.
 */
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { type Config, loadConfig, withUpstreams } from './config.ts';
import { createGateway } from './gateway.ts';
import { examplesFrom } from './graphiql.ts';
import { type Simulator, startSimulator } from './simulator/index.ts';

/** In-flight requests get this long to finish after SIGTERM. @default 10000 */
const drainTimeoutMs = Number(process.env['SHUTDOWN_TIMEOUT_MS'] ?? 10_000);

/**
 * Why a production gateway over real upstreams must not start: with server-side credentials and
 * no caller authentication, anyone who reaches it spends them. null when it may start.
 */
function openGatewayRefusal(config: Config): string | null {
  if (config.mode !== 'live' || !config.production) return null;
  if (config.auth.jwksUrl !== null || config.auth.jwtSecret !== null) return null;
  if (config.auth.requiredIsExplicit && !config.auth.required) return null;
  const set = Object.values(config.upstreams).flatMap((upstream) =>
    Object.entries(upstream.settings)
      .filter(([, value]) => value !== null)
      .map(([name]) => name),
  );
  if (set.length === 0) return null;
  return `Refusing to start: NODE_ENV=production with server-side credentials (${[...new Set(set)].join(', ')}) and no caller authentication lets anyone spend them; set AUTH_JWKS_URL or AUTH_JWT_SECRET, or AUTH_REQUIRED=false to run open on purpose`;
}

/** How a listen address is written in the URL printed on start (loopback and "every interface" as localhost). */
function urlHost(host: string): string {
  if (['0.0.0.0', '::', '127.0.0.1', '::1'].includes(host)) return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

async function main(): Promise<void> {
  let config: Config = loadConfig();
  const refusal = openGatewayRefusal(config);
  if (refusal !== null) throw new Error(refusal);
  // One JSON line per request (observability/plugin.ts); credentials are never put in a log
  // line, and the redaction is a second guard.
  const logger = pino({
    level: config.logLevel,
    redact: [
      'req.headers.authorization',
      'req.headers["x-api-key"]',
      'req.headers["x-project-id"]',
      'req.headers["x-tasks-authorization"]',
      '*.api_key',
      '*.apiKey',
    ],
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
  server.listen(config.port, config.host);
  await once(server, 'listening');

  const url = `http://${urlHost(config.host)}:${config.port}/graphql`;
  const { address, port } = server.address() as AddressInfo;
  logger.info(
    { host: address, port },
    `listening on ${address}:${port}${address === '0.0.0.0' || address === '::' ? ' (every interface)' : ''}`,
  );
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

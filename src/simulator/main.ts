/** `npm run simulator`: the four simulated upstreams alone, with the env lines to point a gateway at them. */
import { startSimulator } from './index.ts';

const latencyMs = Number(process.env.SIMULATOR_LATENCY_MS ?? 0);
if (!Number.isFinite(latencyMs) || latencyMs < 0) {
  console.error(`SIMULATOR_LATENCY_MS must be a number >= 0, got ${process.env.SIMULATOR_LATENCY_MS}`);
  process.exit(2);
}

const simulator = await startSimulator({ latencyMs });
console.log(
  [
    '# Execution Gateway upstream simulator: export these to point a gateway at it',
    ...Object.entries(simulator.env).map(([name, value]) => `${name}=${value}`),
  ].join('\n'),
);

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  console.error(`[simulator] ${signal}: closing`);
  simulator.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));

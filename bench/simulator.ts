/**
 * Child process: the simulated upstreams with a fixed latency (SIMULATOR_LATENCY_MS), their
 * hit counters over IPC, and the ids the workloads need (the seeded data is laid out
 * relative to the start instant, so only this process knows them).
 */
import { startSimulator } from '../src/simulator/index.ts';
import { type Fixtures, fixturesOf } from './fixtures.ts';
import { serve } from './ipc.ts';

export type { Fixtures } from './fixtures.ts';

export interface Hits {
  readonly total: number;
  readonly byRoute: Record<string, number>;
}

const latencyMs = Number(process.env['SIMULATOR_LATENCY_MS'] ?? 0);
const simulator = await startSimulator({ latencyMs });
serve<Fixtures>(
  { urls: simulator.urls, credentials: simulator.credentials, ...fixturesOf(simulator.data) },
  {
    hits: (): Hits => ({ total: simulator.totalHits(), byRoute: simulator.hits() }),
    reset: () => simulator.resetHits(),
    latency: (ms) => simulator.setLatency(Number(ms)),
  },
  () => simulator.close(),
);

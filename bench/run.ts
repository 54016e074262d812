/**
 * `npm run bench`: the gateway over the simulated upstreams with a fixed per-request latency,
 * five workloads (bench/workloads.ts) measured with autocannon on loopback, each against the
 * naive REST baseline (bench/baseline.ts). Prints a table; writes bench/results.json.
 *
 *   node bench/run.ts [--latency MS] [--quick] [--out FILE] [--only W2,W5,fairness] [--profile DIR]
 *                     [--fairness-latency MS] [--fairness-seconds S]    (env BENCH_LATENCY_MS)
 *
 * The fairness workload (bench/fairness.ts) runs last: victims alone and beside an abusive
 * caller, at 400 ms upstream latency by default; `--only fairness` runs it alone.
 *
 * `--profile DIR` writes the gateway's V8 CPU profile there (`node --cpu-prof`);
 * `node bench/profile-summary.ts FILE` lists its hottest functions.
 *
 * Three processes: this one (load generator and baseline client), the simulator and the
 * gateway, so the CPU figures are the gateway's and the simulator's own.
 */
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { Agent, request } from 'undici';
import { createBaseline } from './baseline.ts';
import { startChild, type Child } from './ipc.ts';
import type { Fixtures, Hits } from './simulator.ts';
import { measureFairness } from './fairness.ts';
import {
  collectMixedIds,
  collectModelIds,
  createFairnessRequests,
  createWorkloads,
  criticalPath,
  type GraphQLData,
  type Workload,
} from './workloads.ts';

const { values: args } = parseArgs({
  options: {
    latency: { type: 'string' },
    quick: { type: 'boolean', default: false },
    out: { type: 'string', default: new URL('results.json', import.meta.url).pathname },
    only: { type: 'string' },
    profile: { type: 'string' },
    'fairness-latency': { type: 'string', default: '400' },
    'fairness-seconds': { type: 'string' },
  },
});
const latencyMs = Number(args.latency ?? process.env['BENCH_LATENCY_MS'] ?? 20);
if (!Number.isFinite(latencyMs) || latencyMs <= 0) throw new Error(`--latency must be a number of ms > 0, got ${args.latency}`);
const quick = args.quick;
/** Seconds per autocannon run, sequential runs for the latency-0 probe and the baseline. */
const budget = quick ? { c1: 1.5, c50: 1.5, probes: 10, baselineRuns: 10 } : { c1: 5, c50: 5, probes: 30, baselineRuns: 30 };
const connections = 50;

function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

async function timed(n: number, once: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await once();
    samples.push(performance.now() - start);
  }
  return samples;
}

const simulator: Child<Fixtures> = await startChild(new URL('simulator.ts', import.meta.url), {
  SIMULATOR_LATENCY_MS: String(latencyMs),
});
const fixtures = simulator.ready;
const gatewayEnv = {
  WORKFLOWS_API_URL: fixtures.urls.workflows,
  FLOWS_API_URL: fixtures.urls.flows,
  MODELS_API_URL: fixtures.urls.models,
  TASKS_API_URL: fixtures.urls.tasks,
  EACHLABS_API_KEY: fixtures.credentials.apiKey,
  TASKS_API_TOKEN: fixtures.credentials.tasksToken,
  TASKS_PROJECT_ID: fixtures.credentials.tasksProjectId,
  NODE_ENV: 'production',
  LOG_LEVEL: 'silent',
  // One client makes every request: the per-caller limit would measure itself, not the gateway.
  RATE_LIMIT_REQUESTS: '0',
};
const startGateway = (env: Record<string, string>, execArgv: readonly string[] = []) =>
  startChild<{ url: string }>(new URL('gateway.ts', import.meta.url), { ...gatewayEnv, ...env }, execArgv);
const gateway = await startGateway({}, ['--expose-gc', ...(args.profile ? ['--cpu-prof', `--cpu-prof-dir=${args.profile}`] : [])]);
const url = gateway.ready.url;
const client = new Agent({ connections: 1 });
const headers = { 'content-type': 'application/json', accept: 'application/graphql-response+json' };

async function postBody(body: string): Promise<GraphQLData> {
  const response = await request(url, { method: 'POST', headers, body, dispatcher: client });
  const answer = (await response.body.json()) as { data?: GraphQLData; errors?: unknown[] };
  if (response.statusCode !== 200 || answer.errors || !answer.data) {
    throw new Error(`gateway answered ${response.statusCode}: ${JSON.stringify(answer).slice(0, 500)}`);
  }
  return answer.data;
}

async function load(workload: Workload, connections: number, seconds: number, target = { child: gateway, url }) {
  const latencies: number[] = [];
  const cpuBefore = await Promise.all([target.child.cpuMicros(), simulator.cpuMicros()]);
  const ownBefore = process.cpuUsage();
  const start = performance.now();
  const instance = autocannon({ url: target.url, method: 'POST', headers, body: workload.body, connections, duration: seconds });
  instance.on('response', (_client, status, _bytes, ms) => {
    if (status === 200) latencies.push(ms);
  });
  const result = await instance;
  const wallMicros = (performance.now() - start) * 1000;
  const own = process.cpuUsage(ownBefore);
  const cpuAfter = await Promise.all([target.child.cpuMicros(), simulator.cpuMicros()]);
  if (result.errors || result.non2xx || result.timeouts) {
    throw new Error(`${workload.name} c=${connections}: ${result.errors} errors, ${result.non2xx} non-2xx, ${result.timeouts} timeouts`);
  }
  const percent = (micros: number) => Math.round((micros / wallMicros) * 1000) / 10;
  return {
    requests: latencies.length,
    rps: Math.round(latencies.length / (wallMicros / 1e6)),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    cpu: {
      gateway: percent(cpuAfter[0] - cpuBefore[0]),
      simulator: percent(cpuAfter[1] - cpuBefore[1]),
      loadGenerator: percent(own.user + own.system),
    },
  };
}

/** Waits until no upstream call arrives for a while: autocannon stops with queries still in flight. */
async function quiesce(): Promise<void> {
  for (let idle = false; !idle;) {
    await simulator.call('reset');
    await new Promise((resolve) => setTimeout(resolve, Math.max(250, 10 * latencyMs)));
    idle = (await simulator.call<Hits>('hits')).total === 0;
  }
}

async function upstreamCalls(once: () => Promise<unknown>): Promise<Hits> {
  await simulator.call('reset');
  await once();
  return simulator.call<Hits>('hits');
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

let exitCode = 0;
const baselineClose: (() => Promise<void>)[] = [];
try {
  const mixed = await collectMixedIds(fixtures, (query, variables) => postBody(JSON.stringify({ query, variables })));
  const only = args.only?.split(',').map((name) => name.trim().toUpperCase());
  const allWorkloads = createWorkloads(fixtures, mixed);
  const workloads = allWorkloads.filter((workload) => !only || only.includes(workload.name));
  const fairnessWanted = !only || only.includes('FAIRNESS');
  const baseline = createBaseline(fixtures, mixed);
  baselineClose.push(baseline.close);

  // Latency 0 first: checks every answer, warms up, and gives the gateway's own time per query,
  // which the critical-path measurement subtracts.
  await simulator.call('latency', 0);
  const ownTime = new Map<string, number>();
  for (const workload of workloads) {
    const problem = workload.check(await postBody(workload.body));
    if (problem) throw new Error(problem);
    ownTime.set(workload.name, percentile(await timed(budget.probes, () => postBody(workload.body)), 50));
  }
  await simulator.call('latency', latencyMs);
  const runStarted = performance.now();
  // The first sample follows the first workload's c=50 run: V8 grows its heap to the load first.
  const rss: { at: number; bytes: number; heapUsed: number }[] = [];
  const sampleRss = async () => {
    const { rss: bytes, heapUsed } = await gateway.call<{ rss: number; heapUsed: number }>('memory');
    rss.push({ at: (performance.now() - runStarted) / 1000, bytes, heapUsed });
  };
  // One direct upstream GET: latency plus loopback plus the simulator's own work, the floor of one round trip.
  const directCallP50 = percentile(await timed(budget.baselineRuns, baseline.fetchers.W1), 50);

  const results = [];
  for (const workload of workloads) {
    process.stderr.write(`[bench] ${workload.name} ${workload.title}\n`);
    const calls = await upstreamCalls(() => postBody(workload.body));
    const single = await load(workload, 1, budget.c1);
    const loaded = await load(workload, connections, budget.c50);
    await quiesce();
    await sampleRss();
    const fetchNaively = baseline.fetchers[workload.name];
    const baselineCalls = await upstreamCalls(fetchNaively);
    const baselineP50 = percentile(await timed(budget.baselineRuns, fetchNaively), 50);
    const theory = criticalPath[workload.name];
    const p50AtZero = ownTime.get(workload.name) ?? 0;
    results.push({
      workload: workload.name,
      title: workload.title,
      upstreamCalls: calls.total,
      expectedUpstreamCalls: workload.expectedCalls,
      upstreamCallsByRoute: calls.byRoute,
      criticalPath: {
        theory,
        fromP50: Math.round(single.p50 / latencyMs),
        fromP50MinusOwnTime: Math.round((single.p50 - p50AtZero) / latencyMs),
      },
      concurrency1: { requests: single.requests, p50Ms: round(single.p50), p99Ms: round(single.p99), p50AtLatency0Ms: round(p50AtZero, 2) },
      overheadFactor: round(single.p50 / (theory * latencyMs), 3),
      overheadVsDirectCall: round(single.p50 / (theory * directCallP50), 3),
      concurrency50: {
        requestsPerSecond: loaded.rps,
        latencyBoundCeilingRps: Math.round(connections / ((theory * latencyMs) / 1000)),
        p50Ms: round(loaded.p50),
        p99Ms: round(loaded.p99),
        cpuPercent: loaded.cpu,
      },
      baseline: { upstreamCalls: baselineCalls.total, p50Ms: round(baselineP50), runs: budget.baselineRuns },
      baselineOverGateway: round(baselineP50 / single.p50, 2),
    });
  }

  const header = [
    '',
    'calls (exp)',
    'crit th/meas',
    'p50 c1',
    'p99 c1',
    'p50 L=0',
    'overhead',
    'vs direct',
    'rps c50 (ceil)',
    'gw CPU',
    'sim CPU',
    'naive calls',
    'naive p50',
    'naive/gw',
  ];
  const rows = results.map((r) => [
    r.workload,
    `${r.upstreamCalls} (${r.expectedUpstreamCalls})${r.upstreamCalls === r.expectedUpstreamCalls ? '' : ' !'}`,
    `${r.criticalPath.theory} / ${r.criticalPath.fromP50MinusOwnTime}${r.criticalPath.theory === r.criticalPath.fromP50MinusOwnTime ? '' : ' !'}`,
    `${r.concurrency1.p50Ms} ms`,
    `${r.concurrency1.p99Ms} ms`,
    `${r.concurrency1.p50AtLatency0Ms} ms`,
    `${r.overheadFactor.toFixed(3)}${r.overheadFactor <= 1.1 ? '' : ' !'}`,
    r.overheadVsDirectCall.toFixed(3),
    `${r.concurrency50.requestsPerSecond} (${r.concurrency50.latencyBoundCeilingRps})`,
    `${r.concurrency50.cpuPercent.gateway}%`,
    `${r.concurrency50.cpuPercent.simulator}%`,
    String(r.baseline.upstreamCalls),
    `${r.baseline.p50Ms} ms`,
    `${r.baselineOverGateway.toFixed(2)}×`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ');
  const cpus = os.cpus();
  const machine = {
    cpus: cpus.length,
    model: cpus[0]?.model ?? 'unknown',
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
  };
  console.log(
    `\nExecution Gateway bench: latency ${latencyMs} ms per upstream call, ${quick ? 'quick' : 'full'} run, ${machine.cpus} × ${machine.model}, node ${machine.node}`,
  );
  if (rows.length) {
    console.log(line(header));
    console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
    for (const row of rows) console.log(line(row));
    console.log(
      [
        'calls: upstream calls per query (expected by design). crit: sequential upstream round trips, theory / measured',
        '  as round((p50 c1 − p50 L=0) / latency); p50 L=0: the same query with the simulator latency at 0.',
        `  overhead = p50 c1 / (crit × latency); vs direct = p50 c1 / (crit × p50 of one direct upstream GET, ${round(directCallP50)} ms).`,
        '  ceil: c=50 ÷ (crit × latency), the rate if upstream latency were the only limit.',
        '  CPU: % of one core over the c=50 run, per process. naive: REST, one call per item, 6 connections per origin. ! = off target.',
      ].join('\n'),
    );
  }
  await sampleRss();

  // The two switches of the upstream layer, each measured against the default at c=50 on W1 and
  // W2 (the same query from every connection: what coalescing and the cache are for).
  const variants: { name: string; env: Record<string, string> }[] = [
    { name: 'default (coalescing on, cache off)', env: {} },
    { name: 'UPSTREAM_COALESCE=false', env: { UPSTREAM_COALESCE: 'false' } },
    { name: 'UPSTREAM_CACHE_TTL_MS=30000', env: { UPSTREAM_CACHE_TTL_MS: '30000' } },
  ];
  const switches = [];
  const switched = workloads.some((w) => w.name === 'W1' || w.name === 'W2');
  for (const variant of switched ? variants : []) {
    const child = await startGateway(variant.env);
    try {
      for (const workload of workloads.filter((w) => w.name === 'W1' || w.name === 'W2')) {
        process.stderr.write(`[bench] switch ${variant.name}: ${workload.name}\n`);
        const target = { child, url: child.ready.url };
        await quiesce();
        const loaded = await load(workload, connections, budget.c50, target);
        await new Promise((resolve) => setTimeout(resolve, Math.max(250, 10 * latencyMs)));
        const hits = await simulator.call<Hits>('hits');
        switches.push({
          variant: variant.name,
          workload: workload.name,
          requestsPerSecond: loaded.rps,
          p50Ms: round(loaded.p50),
          upstreamCallsPerQuery: round(hits.total / Math.max(1, loaded.requests), 3),
          gatewayCpuPercent: loaded.cpu.gateway,
        });
      }
    } finally {
      await child.close();
    }
  }
  if (switched) console.log(`\nSwitches at c=${connections} (the same query from every connection):`);
  for (const row of switches) {
    console.log(
      `  ${row.workload} ${row.variant.padEnd(36)} ${String(row.requestsPerSecond).padStart(5)} req/s  p50 ${String(row.p50Ms).padStart(6)} ms  ` +
        `${String(row.upstreamCallsPerQuery).padStart(6)} upstream calls/query  gateway CPU ${row.gatewayCpuPercent}%`,
    );
  }
  // Victims alone, then beside the heaviest request the defaults allow (bench/fairness.ts).
  let fairness = null;
  if (fairnessWanted) {
    const modelIds = await collectModelIds((query, variables) => postBody(JSON.stringify({ query, variables })), 1000);
    fairness = await measureFairness({
      url,
      gateway,
      simulator,
      requests: createFairnessRequests(allWorkloads, modelIds),
      latencyMs: Number(args['fairness-latency']),
      seconds: Number(args['fairness-seconds'] ?? (quick ? 6 : 20)),
    });
    await sampleRss();
  }
  const mib = (bytes: number) => round(bytes / 2 ** 20);
  const [first, last] = [rss[0]!, rss.at(-1)!];
  // Memory growth means something only after the workloads' load (the first sample follows it).
  const rssReport =
    rows.length === 0
      ? null
      : {
          fromSeconds: round(first.at),
          seconds: round(last.at),
          warmMiB: mib(first.bytes),
          endMiB: mib(last.bytes),
          maxMiB: mib(Math.max(...rss.map((sample) => sample.bytes))),
          changePercent: round(((last.bytes - first.bytes) / first.bytes) * 100),
          heapUsedAfterGcMiB: { first: mib(first.heapUsed), last: mib(last.heapUsed) },
        };
  if (rssReport) {
    console.log(
      `gateway RSS from ${round(first.at)} s to ${rssReport.seconds} s of load: ${rssReport.warmMiB} MiB after the first workload, ${rssReport.endMiB} MiB at the end ` +
        `(${rssReport.changePercent >= 0 ? '+' : ''}${rssReport.changePercent}%), max ${rssReport.maxMiB} MiB; ` +
        `heap in use after a full GC ${rssReport.heapUsedAfterGcMiB.first} → ${rssReport.heapUsedAfterGcMiB.last} MiB`,
    );
  }
  const report = {
    gatewayRss: rssReport,
    switches,
    timestamp: new Date().toISOString(),
    machine,
    latencyMs,
    directCallP50Ms: round(directCallP50),
    quick,
    durations: { concurrency1Seconds: budget.c1, concurrency50Seconds: budget.c50, connections, baselineRuns: budget.baselineRuns },
    gatewayConfig: {
      UPSTREAM_CONNECTIONS: process.env['UPSTREAM_CONNECTIONS'] ?? '32 (default)',
      BULK_MAX_BATCH_SIZE: process.env['BULK_MAX_BATCH_SIZE'] ?? '100 (default)',
      NODE_ENV: 'production',
    },
    workloads: results,
    fairness,
  };
  await writeFile(args.out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${args.out}`);
} catch (error) {
  console.error('[bench] failed:', error);
  exitCode = 1;
} finally {
  await Promise.allSettled([...baselineClose.map((close) => close()), client.close(), gateway.close(), simulator.close()]);
}
process.exitCode = exitCode;

/**
 * `npm run soak`: a bounded load on loopback that mixes normal queries, upstream faults, hostile
 * documents and an abusive caller (the heaviest batch the upstream budget lets through), then
 * prints requests served, error codes, latency, memory and upstream calls per request. Stops by
 * itself (`--seconds`, default 180).
 */
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { loadConfig, withUpstreams } from '../src/config.ts';
import { createGateway } from '../src/gateway.ts';
import { encodeGlobalId } from '../src/schema/ids.ts';
import { type Fault, type HostName, hostNames, startSimulator } from '../src/simulator/index.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '180' },
    concurrency: { type: 'string', default: '16' },
    latency: { type: 'string', default: '20' },
  },
});
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);

const simulator = await startSimulator({ latencyMs: Number(values.latency) });
// One process makes every request: the per-caller limit would answer most of them 429.
const config = withUpstreams(
  // The request deadline under the client's 15 s: every request must come back with an answer.
  loadConfig(
    {
      UPSTREAM_HEADERS_TIMEOUT_MS: '1000',
      UPSTREAM_BODY_TIMEOUT_MS: '1000',
      REQUEST_TIMEOUT_MS: '10000',
      LOG_LEVEL: 'silent',
      RATE_LIMIT_REQUESTS: '0',
    },
    [],
  ),
  simulator.urls,
  simulator.env,
);
const gateway = createGateway(config);
const server = createServer(gateway.yoga).listen(0, '127.0.0.1');
await once(server, 'listening');
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;

const { data } = simulator;
const bigWorkflow = data.workflows.find((w) => w.id === data.bigWorkflowId)!;
// A batch of 10 operations × nodes over 100 model executions: 1,000 calls asked, 500 allowed.
const modelIds = data.modelExecutionIds
  .filter((id) => data.prediction(id) !== null)
  .map((executionId) => encodeGlobalId({ typename: 'ModelExecution', executionId }));
const abusiveBatch = Array.from({ length: 10 }, (_, op) => ({
  query: `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on ModelExecution { status cost } } }`,
  variables: { ids: Array.from({ length: 100 }, (_, i) => modelIds[(op * 45 + i) % modelIds.length]) },
}));
const deep = (n: number): string => (n === 0 ? 'stepId' : `stepId execution { steps { ${deep(n - 1)} } }`);
const queries: { name: string; body: unknown }[] = [
  {
    name: 'page-with-steps',
    body: {
      query: `query($wf: String!) { workflowExecutions(workflowId: $wf, first: 50) { edges { node { status steps { output } } } } }`,
      variables: { wf: bigWorkflow.id },
    },
  },
  {
    name: 'models-to-workflow',
    body: { query: `{ modelExecutions(first: 20) { edges { node { cost workflowExecution { steps { stepId } } } } } }` },
  },
  {
    name: 'task-chain',
    body: {
      query: `query($t: String!) { taskExecution(executionId: $t) { parent { parent { parent { executionId } } } root { executionId } } }`,
      variables: { t: data.picks.deepTaskChainLeaf },
    },
  },
  {
    name: 'bulk-progress',
    body: {
      query: `query($wf: String!, $b: UUID!) { bulk(workflowId: $wf, bulkId: $b) { progress { percentComplete } } }`,
      variables: { wf: data.picks.runningBulk.workflowId, b: data.picks.runningBulk.bulkId },
    },
  },
  {
    name: 'hostile-depth',
    body: {
      query: `query($wf: String!, $e: String!) { workflowExecution(executionId: $e, workflowId: $wf) { steps { ${deep(25)} } } }`,
      variables: { wf: bigWorkflow.id, e: bigWorkflow.executionIds[0] },
    },
  },
  { name: 'hostile-aliases', body: { query: `{ ${Array.from({ length: 500 }, (_, i) => `a${i}: __typename`).join(' ')} }` } },
  { name: 'abusive-batch', body: abusiveBatch },
  {
    name: 'bad-input',
    body: {
      query: `query($wf: String!) { workflowExecutions(workflowId: $wf, first: 1000) { totalCount } }`,
      variables: { wf: bigWorkflow.id },
    },
  },
];
const faults: Fault[] = [
  { kind: 'hang' },
  { kind: 'status', status: 503 },
  { kind: 'rate-limit', retryAfterSeconds: 1 },
  { kind: 'malformed-json' },
  { kind: 'html' },
  { kind: 'reset' },
];

const latencies: number[] = [];
const codes = new Map<string, number>();
let served = 0;
let failedRequests = 0;
const rssStart = process.memoryUsage().rss;
const deadline = Date.now() + seconds * 1000;
simulator.resetHits();

// RSS after warm-up (a fifth of the run) is the baseline for growth; the start includes JIT and pools.
let rssWarm = 0;
let heapWarm = 0;
const warm = setTimeout(
  () => {
    global.gc?.();
    ({ rss: rssWarm, heapUsed: heapWarm } = process.memoryUsage());
  },
  (seconds * 1000) / 5,
);

// Every 5 s one host gets a fault for the next few requests.
let tick = 0;
const chaos = setInterval(() => {
  const host: HostName = hostNames[tick % hostNames.length]!;
  simulator.setFault(host, { fault: faults[tick % faults.length]!, times: 20 });
  tick++;
}, 5000);

const byQuery = new Map<string, number[]>(queries.map((query) => [query.name, []]));

async function worker(id: number): Promise<void> {
  for (let i = id; Date.now() < deadline; i++) {
    const query = queries[i % queries.length]!;
    const started = performance.now();
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(query.body),
        signal: AbortSignal.timeout(15_000),
      });
      type Answer = { errors?: { extensions?: { code?: string } }[] };
      const body = (await response.json()) as Answer | Answer[];
      for (const error of (Array.isArray(body) ? body : [body]).flatMap((part) => part.errors ?? [])) {
        const code = error.extensions?.code ?? 'none';
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }
      served++;
    } catch {
      failedRequests++; // a hang or a crash would show here
    }
    const ms = performance.now() - started;
    latencies.push(ms);
    byQuery.get(query.name)!.push(ms);
  }
}

await Promise.all(Array.from({ length: concurrency }, (_, i) => worker(i)));
clearInterval(chaos);
clearTimeout(warm);
simulator.clearFaults();
global.gc?.();
const { rss: rssEnd, heapUsed: heapEnd } = process.memoryUsage();
const percentile = (samples: number[], p: number) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN).toFixed(1);
};
latencies.sort((a, b) => a - b);
const pct = (p: number) => percentile(latencies, p);
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

console.log(`soak: ${seconds} s, concurrency ${concurrency}, upstream latency ${values.latency} ms, faults rotating every 5 s`);
console.log(`requests served        ${served}`);
console.log(`requests failed (no HTTP answer: hang or crash)  ${failedRequests}`);
console.log(`latency p50 / p99 / max ${pct(50)} ms / ${pct(99)} ms / ${latencies.at(-1)!.toFixed(1)} ms`);
console.log(
  `RSS start / warm / end ${mib(rssStart)} / ${mib(rssWarm)} / ${mib(rssEnd)} MiB (end vs warm ${rssWarm ? (((rssEnd - rssWarm) / rssWarm) * 100).toFixed(1) : '?'}%)`,
);
// RSS keeps what V8 once grew to; the heap in use after a full collection is what is still alive.
console.log(`heap in use after GC   ${mib(heapWarm)} MiB warm, ${mib(heapEnd)} MiB at the end`);
console.log(`upstream calls/request ${(simulator.totalHits() / Math.max(1, served)).toFixed(2)}`);
// Per query: whether the others are slowed by the abusive batch beside them.
for (const [name, samples] of byQuery)
  console.log(
    `  ${name.padEnd(20)} ${String(samples.length).padStart(5)} requests, p50 ${percentile(samples, 50)} ms, p99 ${percentile(samples, 99)} ms`,
  );
console.log(
  'error codes            ' +
    [...codes]
      .sort((a, b) => b[1] - a[1])
      .map(([c, n]) => `${c}=${n}`)
      .join(' '),
);

server.closeAllConnections();
server.close();
await gateway.close();
await simulator.close();
process.exit(failedRequests === 0 ? 0 : 1);

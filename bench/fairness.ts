/**
 * The fairness workload: victims (W1 on the flows host, M1 on the models host, each a closed
 * loop of 4 callers) alone, then beside an abusive caller sending back to back the heaviest
 * request the defaults let through (bench/workloads.ts `createFairnessRequests`), at a high
 * upstream latency. It measures and prints; it never fails the run on a figure.
 */
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import type { Child } from './ipc.ts';
import type { Fixtures, Hits } from './simulator.ts';
import type { FairnessRequests } from './workloads.ts';

const headers = { 'content-type': 'application/json', accept: 'application/graphql-response+json' };

/** What a closed loop of callers saw: every answer's latency, and the answers that were not clean. */
interface LoopResult {
  readonly latencies: number[];
  /** Non-200 answers, answers with GraphQL errors, and requests that failed outright. */
  errors: number;
  readonly codes: Map<string, number>;
}

type GraphQLAnswer = { errors?: { extensions?: { code?: unknown } }[] } | { errors?: { extensions?: { code?: unknown } }[] }[];

function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

const round = (value: number) => Math.round(value * 10) / 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `concurrency` callers, each sending `body` again as soon as it is answered, while `running()`. */
async function closedLoop(url: string, body: string, concurrency: number, running: () => boolean): Promise<LoopResult> {
  const agent = new Agent({ connections: concurrency });
  const result: LoopResult = { latencies: [], errors: 0, codes: new Map() };
  const caller = async () => {
    while (running()) {
      const started = performance.now();
      try {
        const response = await request(url, { method: 'POST', headers, body, dispatcher: agent });
        const answer = (await response.body.json()) as GraphQLAnswer;
        const errors = (Array.isArray(answer) ? answer : [answer]).flatMap((part) => part.errors ?? []);
        if (response.statusCode !== 200 || errors.length > 0) result.errors++;
        for (const error of errors) {
          const code = String(error.extensions?.code ?? 'none');
          result.codes.set(code, (result.codes.get(code) ?? 0) + 1);
        }
      } catch {
        result.errors++;
      }
      result.latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  await agent.close();
  return result;
}

export interface FairnessOptions {
  readonly url: string;
  readonly gateway: Child<{ url: string }>;
  readonly simulator: Child<Fixtures>;
  readonly requests: FairnessRequests;
  readonly latencyMs: number;
  /** Seconds each phase measures the victims. */
  readonly seconds: number;
  /** Callers per victim. @default 4 */
  readonly concurrency?: number;
}

export async function measureFairness(options: FairnessOptions) {
  const { url, gateway, simulator, requests, latencyMs, seconds, concurrency = 4 } = options;
  await simulator.call('latency', latencyMs);

  // One abusive request alone first: the upstream calls it costs, and how long it takes.
  await simulator.call('reset');
  let sent = false;
  const single = await closedLoop(url, requests.abuser, 1, () => !sent && (sent = true));
  const abuserCalls = (await simulator.call<Hits>('hits')).total;

  const phase = async (withAbuser: boolean) => {
    let abusing = withAbuser;
    const abuser = withAbuser ? closedLoop(url, requests.abuser, 1, () => abusing) : Promise.resolve(null);
    // Let the abuser fill its share of the pool before the victims are measured.
    if (withAbuser) await sleep(2000);
    await simulator.call('reset');
    const cpuBefore = await gateway.cpuMicros();
    const started = performance.now();
    const until = started + seconds * 1000;
    const victims = await Promise.all(
      requests.victims.map((victim) => closedLoop(url, victim.body, concurrency, () => performance.now() < until)),
    );
    const wallMicros = (performance.now() - started) * 1000;
    const gatewayCpu = round((((await gateway.cpuMicros()) - cpuBefore) / wallMicros) * 100);
    const hits = await simulator.call<Hits>('hits');
    abusing = false;
    return { victims, abuser: await abuser, gatewayCpu, hits };
  };

  process.stderr.write(`[bench] fairness: victims alone, ${seconds} s\n`);
  const alone = await phase(false);
  process.stderr.write(`[bench] fairness: victims beside the abuser, ${seconds} s\n`);
  const beside = await phase(true);
  await simulator.call('latency', 0);

  const victims = requests.victims.map((victim, i) => {
    const [a, b] = [alone.victims[i]!, beside.victims[i]!];
    const p99Alone = percentile(a.latencies, 99);
    const p99Beside = percentile(b.latencies, 99);
    return {
      name: victim.name,
      title: victim.title,
      alone: { requests: a.latencies.length, p50Ms: round(percentile(a.latencies, 50)), p99Ms: round(p99Alone), errors: a.errors },
      beside: {
        requests: b.latencies.length,
        p50Ms: round(percentile(b.latencies, 50)),
        p99Ms: round(p99Beside),
        errors: b.errors,
        codes: Object.fromEntries(b.codes),
      },
      p99Ratio: Math.round((p99Beside / p99Alone) * 100) / 100,
    };
  });
  const abuser = beside.abuser!;
  const report = {
    latencyMs,
    seconds,
    concurrency,
    victims,
    abuser: {
      upstreamCallsPerRequest: abuserCalls,
      aloneMs: round(single.latencies[0] ?? Number.NaN),
      aloneErrorCodes: Object.fromEntries(single.codes),
      requestsBeside: abuser.latencies.length,
      p50BesideMs: round(percentile(abuser.latencies, 50)),
      modelsHostCallsBesidePerSecond: round((beside.hits.byRoute['models GET /prediction/{id}'] ?? 0) / seconds),
    },
    gatewayCpuPercent: { alone: alone.gatewayCpu, beside: beside.gatewayCpu },
  };

  console.log(
    `\nFairness at ${latencyMs} ms upstream latency: each victim ${concurrency} callers in a closed loop, ${seconds} s alone, then ${seconds} s beside one abusive caller`,
  );
  console.log(
    `  (a batch of 10 operations × nodes over 100 model executions, back to back). Target: p99 beside ≤ 1.5 × alone, 0 victim errors.`,
  );
  for (const v of victims) {
    const off = v.p99Ratio > 1.5 || v.beside.errors > 0 ? ' !' : '';
    console.log(
      `  ${v.name} ${v.title.padEnd(52)} alone p50 ${v.alone.p50Ms} / p99 ${v.alone.p99Ms} ms (${v.alone.requests} req, ${v.alone.errors} errors)` +
        `  beside p50 ${v.beside.p50Ms} / p99 ${v.beside.p99Ms} ms (${v.beside.requests} req, ${v.beside.errors} errors)  p99 ×${v.p99Ratio}${off}`,
    );
  }
  const codes =
    Object.entries(report.abuser.aloneErrorCodes)
      .map(([code, n]) => `${code}=${n}`)
      .join(' ') || 'none';
  console.log(
    `  abuser: ${report.abuser.upstreamCallsPerRequest} upstream calls per request (alone: ${report.abuser.aloneMs} ms, errors ${codes}); ` +
      `${report.abuser.requestsBeside} requests beside, p50 ${report.abuser.p50BesideMs} ms, ${report.abuser.modelsHostCallsBesidePerSecond} prediction GETs/s`,
  );
  console.log(`  gateway CPU: ${report.gatewayCpuPercent.alone}% alone, ${report.gatewayCpuPercent.beside}% beside`);
  return report;
}

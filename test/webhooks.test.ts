/**
 * Webhook intake: with WEBHOOK_SECRET a verified completion notification reaches subscribers at
 * once (polls are an hour apart here, so only the webhook can deliver it), repeats are dropped,
 * and a malformed, oversized or unauthenticated call gets a 4xx and changes nothing. Without it,
 * a webhook only prompts a rate-limited re-read: subscribers see what the upstream confirms.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryCoordination } from '../src/live/bus.ts';
import { predictionWebhookFields } from '../src/live/webhooks.ts';
import { encodeGlobalId } from '../src/schema/ids.ts';
import { workflowsRoutes } from '../src/simulator/index.ts';
import { type Harness, startHarness } from './helpers/harness.ts';
import { eventually, execution, ExecutionUpdated, sleep, sseClient, subscribe, workflowExecutionId } from './helpers/live.ts';

const secret = 'webhook-secret-for-tests';
let h: Harness;
let base: string;
beforeAll(async () => {
  h = await startHarness({
    env: { LIVE_POLL_MIN_MS: '3600000', LIVE_POLL_MAX_MS: '3600000', WEBHOOK_SECRET: secret, WEBHOOK_MAX_BYTES: '65536' },
  });
  base = h.url.replace(/\/graphql$/, '');
});
afterAll(() => h?.close());

const workflowOf = (executionId: string) => h.simulator.data.workflows.find((w) => w.executionIds.includes(executionId))!.id;

function post(path: string, body: unknown, headers: Record<string, string> = { 'x-webhook-secret': secret }) {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('POST /webhooks/workflows', () => {
  it('deduplicates on execution id + status before anything is published', async () => {
    const { runningFailingExecution: id } = h.simulator.data.picks;
    const client = sseClient(h.url);
    const sub = subscribe(client, ExecutionUpdated, { id: workflowExecutionId(workflowOf(id), id) });
    await sub.next(1);
    const running = { ...h.simulator.data.workflowExecution(id)!, status: 'running' };
    // A `running` state whose step changed: news the first time, a repeat (same id + status) the second.
    const changed = { ...running, step_outputs: {}, inputs: { note: 'first' } };
    const repeat = { ...running, step_outputs: {}, inputs: { note: 'second' } };
    expect(await (await post('/webhooks/workflows', changed)).json()).toEqual({ ok: true });
    await sub.next(2);
    expect(await (await post('/webhooks/workflows', repeat)).json()).toEqual({ ok: true, duplicate: true });
    await sleep(100);
    expect(sub.events).toHaveLength(2);
    client.dispose();
  });

  it('refuses unauthenticated, malformed and oversized calls with a 4xx and changes nothing', async () => {
    const { completedTextExecution: id } = h.simulator.data.picks;
    const client = sseClient(h.url);
    const sub = subscribe(client, ExecutionUpdated, { id: workflowExecutionId(workflowOf(id), id) });
    await sub.done; // completed already: one event
    const body = { ...h.simulator.data.workflowExecution(id)!, execution_id: h.simulator.data.picks.cancelledExecution };
    expect((await post('/webhooks/workflows', body, {})).status).toBe(401);
    expect((await post('/webhooks/workflows', body, { 'x-webhook-secret': 'wrong' })).status).toBe(401);
    expect((await post(`/webhooks/workflows?secret=${secret}x`, body, {})).status).toBe(401);
    expect((await post('/webhooks/workflows', '{not json')).status).toBe(400);
    expect((await post('/webhooks/workflows', { execution_id: 'x' })).status).toBe(400);
    expect((await post('/webhooks/workflows', { ...body, padding: 'x'.repeat(70_000) })).status).toBe(413);
    expect((await fetch(`${base}/webhooks/workflows`)).status).toBe(405);
    // The id is part of what dedup remembers: a long one is refused (up to 128 characters).
    const tooLong = await post('/webhooks/workflows', { ...body, execution_id: 'x'.repeat(129) });
    expect(tooLong.status).toBe(400);
    expect(await tooLong.json()).toEqual({ error: 'execution_id must be at most 128 characters' });
    expect((await post('/webhooks/models', { exec_id: 'x'.repeat(129), status: 'succeeded', output: [] })).status).toBe(400);
    expect((await post('/webhooks/workflows', { ...body, execution_id: 'y'.repeat(128) })).status).toBe(200);
    expect((await post('/webhooks/models', { exec_id: 'y'.repeat(128), status: 'succeeded', output: [] })).status).toBe(200);
    // None of those was taken as seen: the same body, authenticated, is still news.
    const accepted = await post(`/webhooks/workflows?secret=${encodeURIComponent(secret)}`, body, {});
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toEqual({ ok: true });
    client.dispose();
  });
});

describe('POST /webhooks/models', () => {
  it('merges a prediction webhook (X-Webhook-Secret, succeeded) onto the prediction’s last state', async () => {
    const { modelExecutionRunning: id } = h.simulator.data.picks;
    const client = sseClient(h.url);
    const sub = subscribe(client, ExecutionUpdated, { id: encodeGlobalId({ typename: 'ModelExecution', executionId: id }) });
    const [first] = await sub.next(1);
    expect(execution(first)).toMatchObject({ status: 'RUNNING', upstreamStatus: 'processing', source: 'MODEL' });
    const output = ['https://storage.example.com/out.png'];
    expect((await post('/webhooks/models', { exec_id: id, flow_id: null, status: 'succeeded', output, error: '' }, {})).status).toBe(401);
    const accepted = await post('/webhooks/models', { exec_id: id, flow_id: null, status: 'succeeded', output, error: '' });
    expect(accepted.status).toBe(200);
    await sub.done;
    expect(execution(sub.events.at(-1))).toMatchObject({
      executionId: id,
      status: 'COMPLETED',
      upstreamStatus: 'succeeded',
      output,
      isTerminal: true,
    });
    const repeat = await post('/webhooks/models', { exec_id: id, status: 'succeeded', output });
    expect(await repeat.json()).toEqual({ ok: true, duplicate: true });
    expect((await post('/webhooks/models', { exec_id: id, status: 'processing' })).status).toBe(400);
    client.dispose();
  });

  it('reads a failure reason from `error` or the failure output array (both payload eras)', () => {
    const fromArray = predictionWebhookFields({
      exec_id: 'p1',
      status: 'failed',
      output: [{ id: '', status: '', output: '', error: 'NSFW content' }],
      error: '',
    });
    expect(fromArray).toMatchObject({ id: 'p1', fields: { status: 'FAILED', output: null, error: { message: 'NSFW content' } } });
    const older = predictionWebhookFields({ id: 'p2', status: 'failed', error: 'timeout' });
    expect(older).toMatchObject({ id: 'p2', fields: { status: 'FAILED', error: { message: 'timeout' } } });
    expect(predictionWebhookFields({ id: 'p3', status: 'success', output: 'hi' })).toMatchObject({
      fields: { status: 'COMPLETED', output: 'hi', error: null },
    });
    expect(predictionWebhookFields({ status: 'failed' })).toBe('exec_id must be a non-empty string');
    expect(predictionWebhookFields({ exec_id: 'p'.repeat(129), status: 'failed' })).toBe('exec_id must be at most 128 characters');
    expect(predictionWebhookFields({ exec_id: 'p'.repeat(128), status: 'failed' })).toMatchObject({ id: 'p'.repeat(128) });
  });
});

describe('dedup memory', () => {
  it('a forgotten key (its webhook was not delivered) is news again', async () => {
    const coordination = createMemoryCoordination();
    expect(await coordination.firstSeen('k', 60_000)).toBe(true);
    expect(await coordination.firstSeen('k', 60_000)).toBe(false);
    await coordination.forget('k');
    expect(await coordination.firstSeen('k', 60_000)).toBe(true);
  });
});

// Last: it moves the simulated clock past every running execution's end.
describe('webhook latency', () => {
  it('pushes the completion to subscribers before any poll, and drops the host’s repeats', async () => {
    const { runningExecution: id } = h.simulator.data.picks;
    const client = sseClient(h.url);
    const sub = subscribe(client, ExecutionUpdated, { id: workflowExecutionId(workflowOf(id), id) });
    await sub.next(1);
    expect(execution(sub.events[0])['status']).toBe('RUNNING');
    const polls = h.simulator.hits()[workflowsRoutes.detail];
    h.simulator.advance(10 * 60_000);
    const body = h.simulator.data.workflowExecution(id)!;
    expect(body['status']).toBe('completed');
    const sent = performance.now();
    const first = await post('/webhooks/workflows', body);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ ok: true });
    await sub.next(2, 2000);
    const latencyMs = performance.now() - sent;
    console.log(`[webhooks] webhook POST → subscriber event: ${latencyMs.toFixed(1)} ms`);
    expect(latencyMs).toBeLessThan(500);
    await sub.done;
    expect(execution(sub.events[1])).toMatchObject({ status: 'COMPLETED', isTerminal: true, output: body['output'] });
    // No poll happened: the webhook alone carried the change.
    expect(h.simulator.hits()[workflowsRoutes.detail]).toBe(polls);
    // The host retries deliveries: the same execution id + status is acknowledged and dropped.
    const again = await post('/webhooks/workflows', body);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ ok: true, duplicate: true });
    client.dispose();
  });
});

// Without WEBHOOK_SECRET (the default): a webhook cannot be told from a forgery, so it is only a prompt.
describe('unauthenticated webhooks are prompts', () => {
  let open: Harness;
  let openBase: string;
  beforeAll(async () => {
    // Polls an hour apart: every read below is one a webhook prompted.
    open = await startHarness({ env: { LIVE_POLL_MIN_MS: '3600000', LIVE_POLL_MAX_MS: '3600000' } });
    openBase = open.url.replace(/\/graphql$/, '');
  });
  afterAll(() => open?.close());

  const detailCalls = () => open.simulator.hits()[workflowsRoutes.detail] ?? 0;
  const postOpen = (path: string, body: unknown) =>
    fetch(`${openBase}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const watch = (id: string) => {
    const workflowId = open.simulator.data.workflows.find((w) => w.executionIds.includes(id))!.id;
    const client = sseClient(open.url);
    return { client, sub: subscribe(client, ExecutionUpdated, { id: workflowExecutionId(workflowId, id) }) };
  };

  it('1,000 forged webhooks for one watched execution cost a handful of upstream reads', async () => {
    const { runningFailingExecution: id } = open.simulator.data.picks;
    const { client, sub } = watch(id);
    await sub.next(1);
    const before = detailCalls();
    const started = Date.now();
    const forged = { ...open.simulator.data.workflowExecution(id)!, status: 'failed' };
    const answers = await Promise.all(Array.from({ length: 1000 }, () => postOpen('/webhooks/workflows', forged).then((r) => r.status)));
    await sleep(1200); // past the last prompt's gap
    const reads = detailCalls() - before;
    const elapsed = Date.now() - started;
    console.log(`[webhooks] 1,000 forged webhooks in ${elapsed} ms: ${reads} upstream reads`);
    expect(sub.events.map((event) => execution(event)['status'])).toEqual(['RUNNING']);
    expect(new Set(answers)).toEqual(new Set([202]));
    // At most one prompted read per second per watcher, however many webhooks.
    expect(reads).toBeGreaterThanOrEqual(1);
    expect(reads).toBeLessThanOrEqual(Math.ceil(elapsed / 1000) + 1);
    client.dispose();
  });

  it('a prediction webhook without the secret prompts a re-read of the prediction, and is not merged', async () => {
    const { modelExecutionRunning: id } = open.simulator.data.picks;
    const client = sseClient(open.url);
    const sub = subscribe(client, ExecutionUpdated, { id: encodeGlobalId({ typename: 'ModelExecution', executionId: id }) });
    await sub.next(1);
    const predictionReads = () => open.simulator.requests().filter((r) => r.path.endsWith(`/prediction/${id}`)).length;
    const before = predictionReads();
    const answer = await postOpen('/webhooks/models', {
      exec_id: id,
      status: 'succeeded',
      output: ['https://attacker.example/x.png'],
      error: '',
    });
    await sleep(200);
    expect(sub.completed()).toBe(false);
    expect(JSON.stringify(sub.events)).not.toContain('attacker.example');
    expect(answer.status).toBe(202);
    await eventually(() => predictionReads() > before, 2000, 'the prompted prediction read');
    client.dispose();
  });

  it('a webhook for an execution nobody watches costs no upstream call', async () => {
    const before = open.simulator.totalHits();
    const { completedTextExecution: id } = open.simulator.data.picks;
    expect((await postOpen('/webhooks/workflows', open.simulator.data.workflowExecution(id))).status).toBe(202);
    await sleep(100);
    expect(open.simulator.totalHits()).toBe(before);
  });
  // Last: it moves the simulated clock past every running execution's end.
  it('a forged COMPLETED only prompts a re-read: the subscriber sees the upstream’s RUNNING, and the genuine completion still gets through', async () => {
    const { runningExecution: id } = open.simulator.data.picks;
    const { client, sub } = watch(id);
    await sub.next(1);
    expect(execution(sub.events[0])).toMatchObject({ status: 'RUNNING' });
    const before = detailCalls();
    const forged = { ...open.simulator.data.workflowExecution(id)!, status: 'completed', output: ['https://attacker.example/phish.png'] };
    const answer = await postOpen('/webhooks/workflows', forged);
    await sleep(200);
    expect(sub.completed()).toBe(false);
    for (const event of sub.events) {
      expect(execution(event)['status']).toBe('RUNNING');
      expect(JSON.stringify(event)).not.toContain('attacker.example');
    }
    expect(answer.status).toBe(202);
    expect(await answer.json()).toEqual({ ok: true, prompted: true });
    // The prompt made the watcher read the execution again, with its own credential.
    await eventually(() => detailCalls() > before, 2000, 'the prompted re-read');
    // Later the execution really completes, and the host's webhook says so: the forged one took no dedup slot.
    open.simulator.advance(10 * 60_000);
    const genuine = open.simulator.data.workflowExecution(id)!;
    expect(genuine['status']).toBe('completed');
    await sleep(1000); // past the forged prompt's gap, to time a prompt alone
    const sent = performance.now();
    expect((await postOpen('/webhooks/workflows', genuine)).status).toBe(202);
    await sub.done;
    console.log(`[webhooks] prompt: webhook POST → re-read → subscriber event: ${(performance.now() - sent).toFixed(1)} ms`);
    expect(execution(sub.events.at(-1))).toMatchObject({ status: 'COMPLETED', isTerminal: true, output: genuine['output'] });
    client.dispose();
  });
});

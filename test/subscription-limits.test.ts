/**
 * Open subscriptions are bounded, in all (`MAX_SUBSCRIPTIONS`) and per caller
 * (`MAX_SUBSCRIPTIONS_PER_CALLER`), on every transport together: past a limit a subscription is
 * refused with TOO_MANY_SUBSCRIPTIONS before any upstream call, and a slot is given back when a
 * subscription ends. A caller is its own API key here (else its address).
 */
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { encodeGlobalId } from '../src/schema/ids.ts';
import { type Harness, startHarness } from './helpers/harness.ts';
import {
  eventually,
  ExecutionUpdated,
  type LiveEvent,
  singleConnectionClient,
  sleep,
  sseClient,
  subscribe,
  type Subscription,
  workflowExecutionId,
  wsClient,
} from './helpers/live.ts';

// Polls an hour apart: nothing moves unless a test moves it.
const still = { LIVE_POLL_MIN_MS: '3600000', LIVE_POLL_MAX_MS: '3600000' };

const codeOf = (event: LiveEvent | undefined) => event?.errors?.[0]?.extensions?.['code'];

/** Global ids of things still running in the simulator (they stay open). */
function runningIds(h: Harness): string[] {
  const { picks, workflows } = h.simulator.data;
  const workflowOf = (id: string) => workflows.find((w) => w.executionIds.includes(id))!.id;
  return [
    workflowExecutionId(workflowOf(picks.runningExecution), picks.runningExecution),
    workflowExecutionId(workflowOf(picks.runningFailingExecution), picks.runningFailingExecution),
    encodeGlobalId({ typename: 'ModelExecution', executionId: picks.modelExecutionRunning }),
    encodeGlobalId({ typename: 'TaskExecution', executionId: picks.waitingTask }),
    encodeGlobalId({ typename: 'TaskExecution', executionId: picks.queuedTask }),
    ...picks.runningBulk.executionIds.map((id) => workflowExecutionId(picks.runningBulk.workflowId, id)),
  ];
}

/** Resolves to the first event of `sub` once it has one. */
const first = async (sub: Subscription) => (await sub.next(1))[0];

describe('subscription limits', () => {
  it('refuses a caller’s subscription past its limit, and anyone’s past the server’s, before any upstream call; ending one frees its slot', async () => {
    const h = await startHarness({ env: { ...still, MAX_SUBSCRIPTIONS_PER_CALLER: '3', MAX_SUBSCRIPTIONS: '5' } });
    const ids = runningIds(h);
    const keyA = h.simulator.credentials.apiKey;
    const keyB = h.simulator.issueApiKey();
    const keyC = h.simulator.issueApiKey();
    // Caller A on three transports: they count together.
    const aSse = sseClient(h.url, { 'x-api-key': keyA });
    const aWs = wsClient(h.url, { 'x-api-key': keyA });
    const aSingle = singleConnectionClient(h.url, { 'x-api-key': keyA });
    const a = [
      subscribe(aSse, ExecutionUpdated, { id: ids[0] }),
      subscribe(aWs, ExecutionUpdated, { id: ids[1] }),
      subscribe(aSingle, ExecutionUpdated, { id: ids[2] }),
    ];
    for (const sub of a) expect(codeOf(await first(sub))).toBeUndefined();

    const before = h.simulator.totalHits();
    const watching = h.gateway.live.watches.stats().watching;
    const aFourth = subscribe(aWs, ExecutionUpdated, { id: ids[3] });
    await aFourth.done;
    expect(aFourth.events.map(codeOf)).toEqual(['TOO_MANY_SUBSCRIPTIONS']);
    expect(aFourth.events[0]?.errors?.[0]?.message).toMatch(/at most 3 subscriptions .* per caller/i);
    expect(h.simulator.totalHits()).toBe(before);
    expect(h.gateway.live.watches.stats().watching).toBe(watching);

    // Caller B fills the server (3 + 2 = 5); past that everyone is refused, whatever their own count.
    const bClient = sseClient(h.url, { 'x-api-key': keyB });
    const b = [subscribe(bClient, ExecutionUpdated, { id: ids[3] }), subscribe(bClient, ExecutionUpdated, { id: ids[4] })];
    for (const sub of b) expect(codeOf(await first(sub))).toBeUndefined();
    const bThird = subscribe(bClient, ExecutionUpdated, { id: ids[5] });
    const cFirst = subscribe(sseClient(h.url, { 'x-api-key': keyC }), ExecutionUpdated, { id: ids[5] });
    await Promise.all([bThird.done, cFirst.done]);
    expect([codeOf(bThird.events[0]), codeOf(cFirst.events[0])]).toEqual(['TOO_MANY_SUBSCRIPTIONS', 'TOO_MANY_SUBSCRIPTIONS']);
    expect(cFirst.events[0]?.errors?.[0]?.message).toMatch(/maximum of 5/);
    expect(h.gateway.live.admission.stats()).toEqual({ open: 5, callers: 2 });

    // A leaves one (over WebSocket): its slot is free again, for anyone.
    a[1]!.dispose();
    await eventually(() => h.gateway.live.admission.stats().open === 4, 2000, 'the slot to be given back');
    const cAgain = subscribe(sseClient(h.url, { 'x-api-key': keyC }), ExecutionUpdated, { id: ids[5] });
    expect(codeOf(await first(cAgain))).toBeUndefined();
    await h.close();
  });

  it('counts anonymous callers by address, with the default of 50: the 51st SSE subscription of one client is refused', async () => {
    const h = await startHarness({ env: still });
    const [id] = runningIds(h);
    const client = sseClient(h.url);
    const subs = Array.from({ length: 50 }, () => subscribe(client, ExecutionUpdated, { id }));
    await Promise.all(subs.map((sub) => sub.next(1, 10_000)));
    const before = h.simulator.totalHits();
    const over = Array.from({ length: 10 }, () => subscribe(client, ExecutionUpdated, { id }));
    await Promise.all(over.map((sub) => sub.done));
    expect(new Set(over.map((sub) => codeOf(sub.events[0])))).toEqual(new Set(['TOO_MANY_SUBSCRIPTIONS']));
    expect(h.simulator.totalHits()).toBe(before);
    expect(h.gateway.live.admission.stats()).toEqual({ open: 50, callers: 1 });
    client.dispose();
    await eventually(() => h.gateway.live.admission.stats().open === 0, 2000, 'every slot to be given back');
    await h.close();
  });

  it('bounds WebSocket connections per caller too (an idle one costs memory as well)', async () => {
    const h = await startHarness({ env: { ...still, MAX_SUBSCRIPTIONS_PER_CALLER: '2' } });
    const open = async () => {
      const socket = new NodeWebSocket(h.url.replace(/^http/, 'ws'), 'graphql-transport-ws', {
        headers: { 'x-api-key': h.simulator.credentials.apiKey },
      });
      const [outcome] = await Promise.race([
        once(socket, 'open').then(() => ['open']),
        once(socket, 'unexpected-response').then(([, response]) => [(response as { statusCode: number }).statusCode]),
      ]);
      return { socket, outcome };
    };
    const sockets = [await open(), await open(), await open()];
    expect(sockets.map((one) => one.outcome)).toEqual(['open', 'open', 429]);
    // One closes: its place is free again.
    sockets[0]!.socket.close();
    await once(sockets[0]!.socket, 'close');
    await sleep(20);
    const again = await open();
    expect(again.outcome).toBe('open');
    for (const one of [...sockets, again]) one.socket.terminate();
    await h.close();
  });

  it('bounds single-connection stream reservations per caller too', async () => {
    const h = await startHarness({ env: { ...still, MAX_SUBSCRIPTIONS_PER_CALLER: '2' } });
    const reserve = () => fetch(h.url, { method: 'PUT', headers: { 'x-api-key': h.simulator.credentials.apiKey } });
    const answers = [await reserve(), await reserve(), await reserve()];
    expect(answers.map((answer) => answer.status)).toEqual([201, 201, 429]);
    for (const answer of answers) await answer.arrayBuffer();
    await sleep(10);
    await h.close();
  });
});

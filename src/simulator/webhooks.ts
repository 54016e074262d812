/**
 * Workflow webhooks (docs/upstreams.md A6): when an execution triggered with a `webhook_url` finishes
 * (completed, failed or cancelled), the host POSTs the same JSON `GET /executions/{id}` answers
 * (bulk members carry `bulk_id`), unsigned, and retries a failed delivery with exponential
 * backoff. The docs give no attempt count: this simulator makes 4.
 */
import type { Clock } from './clock.ts';
import { workflowStateAt, type World } from './world/index.ts';
import { renderWorkflowDetail } from './workflows.ts';

export interface WebhookDelivery {
  readonly executionId: string;
  readonly url: string;
  readonly status: string;
  /** 1 for the first try. */
  readonly attempt: number;
  /** HTTP status the receiver answered; 0 when it could not be reached. */
  readonly responseStatus: number;
  /** Real time (Date.now()) the request was sent. */
  readonly sentAt: number;
}

export interface WebhookSender {
  /** Sends the execution's webhook to `url` once it is terminal. */
  register(executionId: string, url: string): void;
  /** Delivers every registered execution that is terminal at the clock's now. */
  check(): void;
  deliveries(): readonly WebhookDelivery[];
  close(): Promise<void>;
}

const attempts = 4;
const firstRetryMs = 250;
/** Real-time cadence of the terminal check (simulated time may also jump by `advance`). */
const checkEveryMs = 200;

/** @param rebase swaps the world's image base in a serialised body for the one the simulator serves (media.ts). */
export function createWebhookSender(world: World, clock: Clock, rebase: (text: string) => string = (text) => text): WebhookSender {
  const pending = new Map<string, string[]>();
  const log: WebhookDelivery[] = [];
  const inFlight = new Set<Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const send = async (executionId: string, url: string, body: Record<string, unknown>, attempt: number): Promise<void> => {
    if (closed) return;
    const sentAt = Date.now();
    const responseStatus = await post(url, rebase(JSON.stringify(body)));
    log.push({ executionId, url, status: String(body['status']), attempt, responseStatus, sentAt });
    if ((responseStatus >= 200 && responseStatus < 300) || attempt >= attempts || closed) return;
    const timer = setTimeout(
      () => {
        timers.delete(timer);
        track(send(executionId, url, body, attempt + 1));
      },
      firstRetryMs * 2 ** (attempt - 1),
    );
    timers.add(timer);
  };

  const track = (promise: Promise<void>) => {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise));
  };

  const check = () => {
    if (closed) return;
    for (const { executionId, urls, body } of takeFinished(world, pending, clock.now())) {
      for (const url of urls) track(send(executionId, url, body, 1));
    }
  };

  const interval = setInterval(check, checkEveryMs);
  interval.unref();

  return {
    register: (executionId, url) => pending.set(executionId, [...(pending.get(executionId) ?? []), url]),
    check,
    deliveries: () => [...log],
    close: async () => {
      closed = true;
      clearInterval(interval);
      for (const timer of timers) clearTimeout(timer);
      await Promise.allSettled([...inFlight]);
    },
  };
}

/** Removes the executions that are terminal at `now` (or unknown) from `pending`: the finished ones with their body. */
function takeFinished(world: World, pending: Map<string, string[]>, now: number) {
  const finished: { executionId: string; urls: string[]; body: Record<string, unknown> }[] = [];
  for (const [executionId, urls] of pending) {
    const fact = world.executions.get(executionId);
    if (fact && workflowStateAt(fact, now).status === 'running') continue;
    pending.delete(executionId);
    if (fact) finished.push({ executionId, urls, body: renderWorkflowDetail(fact, now) });
  }
  return finished;
}

/** One delivery attempt: the receiver's status, or 0 when it could not be reached. */
async function post(url: string, body: string): Promise<number> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(5000),
    });
    await response.body?.cancel();
    return response.status;
  } catch {
    return 0;
  }
}

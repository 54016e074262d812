/**
 * One HTTP request's share of the upstreams: how many calls it may cause (all its batched
 * operations together), how many it may have in flight to each host, and its deadline. The
 * request's session hands every host client `budget.http(host)`, the same `Http` with the budget
 * in front, so clients and loaders need no change and no call escapes it.
 */
import type { RequestBudgetConfig } from '../../config.ts';
import { costActualTooExpensive, isContractError, requestTimeout } from '../../errors.ts';
import type { UpstreamName } from '../../model.ts';
import { createGate, type Gate, type Release } from './gate.ts';
import type { Http, HttpRequest } from './types.ts';

export interface RequestBudget {
  /**
   * `http` as this request sees it: counted, limited in flight, and bound by the request's
   * deadline (an abort signal every call carries).
   */
  http(http: Http): Http;
  /** The response is out: stop the clock (nothing of the request should still be waiting). */
  end(): void;
  /**
   * Lifts every limit, for a subscription: it lives as long as its client, its polls are shared
   * with other requests, and the subscription limits bound it instead.
   */
  lift(): void;
}

export function createRequestBudget(config: RequestBudgetConfig): RequestBudget {
  const { maxCalls, maxConcurrency, timeoutMs } = config;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException(`request timed out after ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
  // The deadline of a request must not keep a process alive that is otherwise done.
  timer.unref();
  const inFlight = new Map<UpstreamName, Gate>();
  let calls = 0;
  let lifted = false;

  const slotFor = (upstream: UpstreamName): Promise<Release> => {
    let gate = inFlight.get(upstream);
    if (!gate) inFlight.set(upstream, (gate = createGate(maxConcurrency)));
    return gate.acquire(controller.signal);
  };

  const budgeted = (http: Http): Http['json'] => {
    const { upstream } = http;
    return async (request: HttpRequest) => {
      // No limit applies to a subscription, nor to a host that calls nothing (not configured).
      if (lifted || http.health() === 'not-configured') return http.json(request);
      if (controller.signal.aborted) throw requestTimeout(upstream, timeoutMs);
      if (calls >= maxCalls) throw costActualTooExpensive(upstream, maxCalls);
      calls++;
      let release: Release;
      try {
        release = await slotFor(upstream);
      } catch {
        throw requestTimeout(upstream, timeoutMs);
      }
      try {
        const signal = request.signal ? AbortSignal.any([request.signal, controller.signal]) : controller.signal;
        return await http.json({ ...request, signal });
      } catch (error) {
        // A call cut short by the deadline ends as the request's timeout; an answer that came
        // first (even an error) stays what it was.
        if (controller.signal.aborted && !isContractError(error)) throw requestTimeout(upstream, timeoutMs);
        throw error;
      } finally {
        release();
      }
    };
  };

  return {
    http: (http) => ({ ...http, json: budgeted(http) }),
    end: () => clearTimeout(timer),
    lift() {
      lifted = true;
      clearTimeout(timer);
    },
  };
}

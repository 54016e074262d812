/**
 * One upstream budget per HTTP request (upstreams/http/budget.ts). Yoga builds a context per
 * operation, and a batched request has several; they share the `request` object, so the budget
 * is keyed on it and every operation of the batch spends the same one.
 */
import type { Plugin, YogaInitialContext } from 'graphql-yoga';
import type { RequestBudgetConfig } from '../config.ts';
import { createRequestBudget, type RequestBudget } from '../upstreams/index.ts';

export interface RequestBudgets {
  /** The budget of `request`, started by its first operation. */
  of(request: Request): RequestBudget;
  /** Lifts the budget of subscriptions; stops the clock when the response is out. */
  readonly plugin: Plugin;
}

export function createRequestBudgets(config: RequestBudgetConfig): RequestBudgets {
  // Weak: a request's budget goes with the request.
  const budgets = new WeakMap<Request, RequestBudget>();
  return {
    of(request) {
      let budget = budgets.get(request);
      if (!budget) budgets.set(request, (budget = createRequestBudget(config)));
      return budget;
    },
    plugin: {
      onSubscribe({ args }) {
        // yoga merges its initial context (`request`) into ours, though our Context does not declare it.
        const { request } = args.contextValue as Partial<YogaInitialContext>;
        if (request) budgets.get(request)?.lift();
      },
      onResponse({ request }) {
        budgets.get(request)?.end();
      },
    },
  };
}

/**
 * The static estimate of what an operation will cost (README "Demand control"). Each field states
 * its share with @pothos/plugin-complexity; plugins/demand.ts adds them up, across aliases and
 * fragments and with the request's variables, and refuses an operation over GRAPHQL_COST_LIMIT
 * before any upstream call.
 *
 * Every selected field counts 1, and a list's selection counts once per item it will hold: a
 * page's `first` (or the page's default), the ids asked for, 10 steps (`expectedListLength`). A field that
 * makes an upstream call of its own counts `upstreamCall` more, since the calls, not the fields,
 * are what a request costs: a page is one call, `nodes` over 100 model executions a hundred.
 * Loads that share a batched call (the bulk endpoint) count as plain fields.
 */
import { decodeGlobalId, type NodeRef, nodeTypes } from './ids.ts';
import { maxPageSize } from './paging.ts';

/** What one upstream call adds to the estimate; a field is 1. */
export const upstreamCall = 100;

/** Items a list without a size argument is expected to hold: a workflow execution's steps. */
export const expectedListLength = 10;

/** The items a list argument makes: none when the field refuses it before any call (over its maximum). */
export function itemsOf(count: number, max: number): number {
  return count >= 0 && count <= max ? count : 0;
}

/** A page read with one upstream call; its selection counts once per item of the page. */
export function pageComplexity(defaultSize: number) {
  return ({ first }: { first?: number | null | undefined }) => ({
    field: upstreamCall,
    multiplier: itemsOf(first ?? defaultSize, maxPageSize),
  });
}

/** A global id's reference, or null for one its field will refuse without a call. */
export function referenceOrNull(globalId: string): NodeRef | null {
  try {
    return decodeGlobalId(globalId, nodeTypes);
  } catch {
    return null;
  }
}

/**
 * Upstream calls loading these references makes: workflow executions share bulk calls, up to 100
 * ids of one workflow each; a bulk is a list call; a model or task execution is one call each
 * (those hosts have no batch read); a workflow one call, however often it is named. A null
 * reference is refused before any call.
 */
export function lookupCalls(refs: Iterable<NodeRef | null>): number {
  const perWorkflow = new Map<string, number>();
  const workflows = new Set<string>();
  let calls = 0;
  for (const ref of refs) {
    if (ref === null) continue;
    if (ref.typename === 'WorkflowExecution') perWorkflow.set(ref.workflowId, (perWorkflow.get(ref.workflowId) ?? 0) + 1);
    else if (ref.typename === 'Workflow') workflows.add(ref.workflowId);
    else calls += 1;
  }
  calls += workflows.size;
  for (const ids of perWorkflow.values()) calls += Math.ceil(ids / maxPageSize);
  return calls;
}

/**
 * Helpers every host's normaliser shares, so that the same rule gives the same answer whichever
 * shape an execution was read through.
 */
import type * as model from '../model.ts';
import { durationBetween, isTerminalStatus, normaliseStatus } from '../model.ts';
import { parseTimestamp } from './json.ts';

/**
 * Chronological step order: by `startedAt`; steps not started yet (queued) last; ties and
 * unstarted steps by `key` (the `step_outputs` map key, or `step_id` in the bulk list) so the
 * order never depends on the order the upstream happened to serialise.
 */
export function orderSteps<T extends { readonly startedAt: Date | null }>(
  entries: readonly { readonly key: string; readonly step: T }[],
): T[] {
  return [...entries]
    .sort((a, b) => {
      const at = a.step.startedAt?.getTime() ?? Number.POSITIVE_INFINITY;
      const bt = b.step.startedAt?.getTime() ?? Number.POSITIVE_INFINITY;
      if (at !== bt) return at < bt ? -1 : 1;
      return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
    })
    .map((entry) => entry.step);
}

/**
 * Paging is computed from what was asked for and what came back, never from the upstream's own
 * `offset` (the workflows list's is the *next* offset, the models list's the applied one).
 * Without a total, a full page is taken to mean there may be more.
 */
export function pageOf<T>(items: readonly T[], asked: { offset: number; limit: number }, totalCount: number | null): model.Page<T> {
  const hasNextPage =
    totalCount === null ? items.length > 0 && items.length >= asked.limit : items.length > 0 && asked.offset + items.length < totalCount;
  return { items, totalCount, hasNextPage };
}

/** `round(100 × terminal / all)`; null when there is nothing to count. */
export function progressPercentOf(steps: readonly Pick<model.Step, 'status'>[]): number | null {
  if (steps.length === 0) return null;
  const terminal = steps.filter((step) => isTerminalStatus(step.status));
  return Math.round((100 * terminal.length) / steps.length);
}

export type Lifecycle = Pick<
  model.TaskExecution,
  'status' | 'upstreamStatus' | 'isTerminal' | 'createdAt' | 'startedAt' | 'completedAt' | 'durationMs'
>;

/** Status and timing, the same rule for every host; timestamps as the wire gave them (RFC 3339 or absent). */
export function lifecycleOf(wire: {
  readonly status: string | null | undefined;
  readonly createdAt: unknown;
  readonly startedAt: unknown;
  readonly completedAt: unknown;
}): Lifecycle {
  const status = normaliseStatus(wire.status);
  const startedAt = parseTimestamp(wire.startedAt);
  const completedAt = parseTimestamp(wire.completedAt);
  return {
    status,
    upstreamStatus: wire.status ?? '',
    isTerminal: isTerminalStatus(status),
    createdAt: parseTimestamp(wire.createdAt),
    startedAt,
    completedAt,
    durationMs: durationBetween(startedAt, completedAt),
  };
}

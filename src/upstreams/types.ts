/**
 * The arguments and answers of the hosts' calls (session.ts), beside the model values. Failures
 * are thrown as the contract's GraphQLErrors (errors.ts), never as raw HTTP or parse errors.
 */
import type * as model from '../model.ts';

export interface WorkflowListQuery {
  readonly workflowId: string;
  readonly bulkId?: string | null;
  readonly offset: number;
  /** 1–100. */
  readonly limit: number;
}

export interface ModelListQuery {
  readonly offset: number;
  /** 1–100. */
  readonly limit: number;
  readonly model?: string | null;
  /** Upstream status values, sent comma-separated. */
  readonly statuses?: readonly string[] | null;
  readonly workflowId?: string | null;
  readonly workflowExecutionId?: string | null;
  /** Lower-case upstream classification values, sent comma-separated. */
  readonly errorClassifications?: readonly string[] | null;
  readonly from?: Date | null;
  readonly to?: Date | null;
}

/** The task host's workflow types: its runs list answers one at a time. */
export const taskWorkflowTypes = ['workflow', 'agent', 'tool'] as const;
export type TaskWorkflowType = (typeof taskWorkflowTypes)[number];

export interface TaskRunsQuery {
  readonly workflowType: TaskWorkflowType;
  readonly workflowId?: string | null;
  readonly offset: number;
  /** No upstream maximum; the gateway asks for at most 100. */
  readonly limit: number;
  /** Creation window, both ends inclusive. */
  readonly from?: Date | null;
  readonly to?: Date | null;
}

/**
 * What a write endpoint answered, normalised. Writes are never retried and never shared with
 * another caller's call: they are not idempotent.
 */
export interface TriggerResult {
  /** Absent when the upstream refused this trigger (`status: failed` with a `message`). */
  readonly executionId: string | null;
  readonly status: model.ExecutionStatus;
  readonly upstreamStatus: string;
  readonly startedAt: Date | null;
  /** Why the upstream refused it. */
  readonly message: string | null;
}

export interface BulkTriggerResult {
  readonly bulkId: string;
  /** In request order: accepted and refused items alike. */
  readonly items: readonly TriggerResult[];
}

export interface TriggerRequest {
  readonly workflowId: string;
  readonly versionId?: string | null;
  /** Sent as `webhook_url`: where the host posts the execution when it finishes. */
  readonly webhookUrl?: string | null;
}

export interface CancelResult {
  readonly executionId: string;
  readonly status: model.ExecutionStatus;
  readonly upstreamStatus: string;
  readonly cancelledAt: Date | null;
  readonly message: string | null;
}

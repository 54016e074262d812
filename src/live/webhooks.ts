/**
 * Webhook intake, a yoga plugin answering before GraphQL does:
 * - `POST /webhooks/workflows`: the workflows host's completion notification, the same JSON as
 *   `GET /executions/{id}` (docs/upstreams.md A6), pushed to the execution's subscribers as its new state
 *   and, for a bulk member, a nudge to the bulk's poller.
 * - `POST /webhooks/models`: a prediction webhook (docs/upstreams.md B6: `exec_id`, `status`
 *   `succeeded|failed`, `output`, `error`; the older `id`/`success` form too), merged onto the
 *   prediction's last state.
 * Both are deduplicated on execution id + status (the hosts retry deliveries), remembered as a
 * hash; an execution id over 128 characters is refused. With
 * `WEBHOOK_SECRET` set, a call must carry it in `X-Webhook-Secret` (what the models host sends)
 * or as `?secret=` in the URL (the workflows host sends no header); it is compared in constant
 * time. A malformed, oversized or unauthenticated call gets a 4xx and changes nothing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import * as model from '../model.ts';
import { isPlainObject } from '../upstreams/json.ts';
import { normaliseExecutionDetails } from '../upstreams/workflows/normalise.ts';
import { parseExecutionDetails } from '../upstreams/workflows/wire.ts';
import type { Bus, Coordination, LiveMessage } from './bus.ts';
import { topics } from './sources.ts';

export const webhookPaths = { workflows: '/webhooks/workflows', models: '/webhooks/models' } as const;

export interface WebhookOptions {
  readonly bus: Bus;
  readonly coordination: Coordination;
  /** Required secret, or null to accept unauthenticated calls (as the workflows host documents). */
  readonly secret: string | null;
  /** Largest body accepted, bytes. */
  readonly maxBytes: number;
  /** How long an execution id + status is remembered for dedup, ms. @default 86400000 */
  readonly dedupTtlMs?: number;
  readonly logger?: { warn(obj: Record<string, unknown>, msg: string): void } | undefined;
}

type Outcome = { readonly status: number; readonly body: Record<string, unknown> };

const refused = (status: number, error: string): Outcome => ({ status, body: { error } });

/** Longest execution id accepted: far above the hosts' UUIDs, and no room to fill the dedup memory. */
const maxIdLength = 128;

/** Constant time whatever the lengths: both sides are hashed to the same size first. */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

async function readCapped(request: Request, maxBytes: number): Promise<string | null> {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A prediction webhook as fields of a ModelExecution, or the reason it is refused. */
export function predictionWebhookFields(body: Record<string, unknown>): { id: string; fields: Record<string, unknown> } | string {
  const id = body['exec_id'] ?? body['id'];
  const upstreamStatus = body['status'];
  if (typeof id !== 'string' || id === '') return 'exec_id must be a non-empty string';
  if (id.length > maxIdLength) return `exec_id must be at most ${maxIdLength} characters`;
  if (typeof upstreamStatus !== 'string') return 'status must be a string';
  const status = model.normaliseStatus(upstreamStatus);
  // Only final states are sent (no webhook for intermediate states or cancellations).
  if (status !== 'COMPLETED' && status !== 'FAILED') return 'status must be succeeded or failed';
  const output = body['output'] ?? null;
  const reason =
    (typeof body['error'] === 'string' && body['error']) ||
    (Array.isArray(output) && isPlainObject(output[0]) && typeof output[0]['error'] === 'string' && output[0]['error']) ||
    'Model execution failed';
  return {
    id,
    fields: {
      status,
      upstreamStatus,
      isTerminal: true,
      output: status === 'COMPLETED' ? output : null,
      error: status === 'FAILED' ? { message: reason, cause: null, classification: null } : null,
    },
  };
}

export function useWebhooks(options: WebhookOptions): Plugin {
  const { bus, coordination, secret, maxBytes, logger } = options;
  const dedupTtlMs = options.dedupTtlMs ?? 24 * 60 * 60 * 1000;

  /** Publishes once per execution id + status; a repeat is acknowledged and dropped. */
  const deliver = async (identity: string, messages: readonly [string, LiveMessage][]): Promise<Outcome> => {
    // Fixed-size keys whatever the caller sent.
    const dedupKey = createHash('sha256').update(identity, 'utf8').digest('base64url');
    if (!(await coordination.firstSeen(dedupKey, dedupTtlMs))) return { status: 200, body: { ok: true, duplicate: true } };
    try {
      await Promise.all(messages.map(([topic, message]) => bus.publish(topic, message)));
    } catch (error) {
      // The caller gets a 503 and retries: its retry must not be taken for a repeat of a delivered call.
      await coordination.forget(dedupKey).catch((forgetError: unknown) =>
        logger?.warn({ err: forgetError instanceof Error ? forgetError.message : String(forgetError) }, 'webhook dedup key not forgotten'),
      );
      throw error;
    }
    return { status: 200, body: { ok: true } };
  };

  const workflows = (json: unknown): Promise<Outcome> | Outcome => {
    let execution: model.WorkflowExecution;
    try {
      execution = normaliseExecutionDetails(parseExecutionDetails(json));
    } catch {
      return refused(400, 'expected the JSON of GET /executions/{id}: execution_id, workflow_id and status');
    }
    if (execution.executionId.length > maxIdLength) return refused(400, `execution_id must be at most ${maxIdLength} characters`);
    const messages: [string, LiveMessage][] = [[topics.execution('WORKFLOW', execution.executionId), { kind: 'state', value: execution }]];
    if (execution.bulkId) messages.push([topics.bulk(execution.workflowId, execution.bulkId), { kind: 'poke' }]);
    return deliver(`workflows:${execution.executionId}:${execution.upstreamStatus.toLowerCase()}`, messages);
  };

  const models = (json: unknown): Promise<Outcome> | Outcome => {
    if (!isPlainObject(json)) return refused(400, 'expected a JSON object');
    const parsed = predictionWebhookFields(json);
    if (typeof parsed === 'string') return refused(400, parsed);
    const message: LiveMessage = { kind: 'patch', fields: parsed.fields };
    return deliver(`models:${parsed.id}:${String(parsed.fields['status'])}`, [[topics.execution('MODEL', parsed.id), message]]);
  };

  const handle = async (request: Request, url: URL, handler: (json: unknown) => Promise<Outcome> | Outcome): Promise<Outcome> => {
    if (request.method !== 'POST') return refused(405, 'POST only');
    if (secret !== null) {
      const given = request.headers.get('x-webhook-secret') ?? url.searchParams.get('secret');
      if (given === null || !sameSecret(given, secret)) return refused(401, 'missing or wrong webhook secret');
    }
    if (Number(request.headers.get('content-length') ?? 0) > maxBytes) return refused(413, `body over ${maxBytes} bytes`);
    const text = await readCapped(request, maxBytes);
    if (text === null) return refused(413, `body over ${maxBytes} bytes`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return refused(400, 'body is not JSON');
    }
    return handler(json);
  };

  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      const handler = url.pathname === webhookPaths.workflows ? workflows : url.pathname === webhookPaths.models ? models : null;
      if (!handler) return;
      let outcome: Outcome;
      try {
        outcome = await handle(request, url, handler);
      } catch (error) {
        // The bus or the coordination is down: 503 makes the host retry later.
        logger?.warn({ err: error instanceof Error ? error.message : String(error), path: url.pathname }, 'webhook not delivered');
        outcome = refused(503, 'not delivered, retry later');
      }
      endResponse(
        new fetchAPI.Response(JSON.stringify(outcome.body), {
          status: outcome.status,
          headers: { 'content-type': 'application/json', ...(outcome.status === 405 ? { allow: 'POST' } : {}) },
        }),
      );
    },
  };
}

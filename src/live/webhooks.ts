/**
 * Webhook intake, a yoga plugin answering before GraphQL does:
 * - `POST /webhooks/workflows`: the workflows host's completion notification, the same JSON as
 *   `GET /executions/{id}` (docs/upstreams.md A6), about a workflow execution and, for a bulk
 *   member, its bulk.
 * - `POST /webhooks/models`: a prediction webhook (docs/upstreams.md B6: `exec_id`, `status`
 *   `succeeded|failed`, `output`, `error`; the older `id`/`success` form too).
 *
 * A webhook is a prompt, not a state. The workflows host signs nothing, so without
 * `WEBHOOK_SECRET` anyone could post one: an unauthenticated webhook only makes every watcher of
 * that execution (on every replica, each with its own credential) re-read it now, rate-limited per
 * watcher (poller.ts), and subscribers see what the upstream confirms. It takes no dedup slot, so
 * a forged one cannot hide the genuine one. With `WEBHOOK_SECRET` set, a call must carry it in
 * `X-Webhook-Secret` (what the models host sends) or as `?secret=` (the workflows host sends no
 * header), compared in constant time; such a verified webhook is delivered as it is (a prediction
 * webhook merged onto the last state), deduplicated on execution id + status (the hosts retry),
 * remembered as a hash. An execution id over 128 characters is refused. A malformed, oversized or
 * unauthenticated call gets a 4xx and changes nothing. While Redis is away a webhook still reaches
 * this replica's watchers (202), never a 503.
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
  /** Required secret (verified webhooks are delivered as they are), or null: every webhook is a prompt to re-read. */
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

/** What a valid webhook says: which execution (and bulk), and, when it is believed, its new state. */
interface Webhook {
  /** Execution id + status: what dedup remembers. */
  readonly identity: string;
  /** The topics whose watchers should look again. */
  readonly topics: readonly string[];
  /** The webhook taken as it is (only when verified). */
  readonly messages: readonly (readonly [string, LiveMessage])[];
}

type Read = (json: unknown) => Webhook | Outcome;

function warn(logger: WebhookOptions['logger'], error: unknown, message: string): void {
  logger?.warn({ err: error instanceof Error ? error.message : String(error) }, message);
}

/** Every watcher of these topics re-reads the execution with its own credential; nothing of the body is believed. */
async function prompt(bus: Bus, webhook: Webhook): Promise<Outcome> {
  await Promise.all(webhook.topics.map((topic) => bus.publish(topic, { kind: 'poke' })));
  return { status: 202, body: { ok: true, prompted: true } };
}

/** A verified webhook, published as it is once per execution id + status; a repeat is acknowledged and dropped. */
async function deliver(options: WebhookOptions, webhook: Webhook): Promise<Outcome> {
  const { bus, coordination, logger } = options;
  const dedupTtlMs = options.dedupTtlMs ?? 24 * 60 * 60 * 1000;
  // Fixed-size keys whatever the caller sent.
  const dedupKey = createHash('sha256').update(webhook.identity, 'utf8').digest('base64url');
  let first: boolean | null;
  try {
    first = await coordination.firstSeen(dedupKey, dedupTtlMs);
  } catch (error) {
    // No shared memory of what was seen (Redis away): a repeat only resends a state subscribers already have.
    warn(logger, error, 'webhook dedup unavailable');
    first = null;
  }
  if (first === false) return { status: 200, body: { ok: true, duplicate: true } };
  const reaches = await Promise.all(webhook.messages.map(([topic, message]) => bus.publish(topic, message)));
  if (reaches.every((reach) => reach === 'all')) return { status: 200, body: { ok: true } };
  // Only this replica's subscribers got it: the host's retry must not be taken for a repeat.
  if (first) await coordination.forget(dedupKey).catch((error: unknown) => warn(logger, error, 'webhook dedup key not forgotten'));
  return { status: 202, body: { ok: true, local: true } };
}

/** The workflows host's notification: the execution's state, and a prompt to its bulk's watchers. */
function workflows(json: unknown): Webhook | Outcome {
  let execution: model.WorkflowExecution;
  try {
    execution = normaliseExecutionDetails(parseExecutionDetails(json));
  } catch {
    return refused(400, 'expected the JSON of GET /executions/{id}: execution_id, workflow_id and status');
  }
  if (execution.executionId.length > maxIdLength) return refused(400, `execution_id must be at most ${maxIdLength} characters`);
  const topic = topics.execution('WORKFLOW', execution.executionId);
  const messages: [string, LiveMessage][] = [[topic, { kind: 'state', value: execution }]];
  const bulk = execution.bulkId ? topics.bulk(execution.workflowId, execution.bulkId) : null;
  if (bulk) messages.push([bulk, { kind: 'poke' }]);
  return {
    identity: `workflows:${execution.executionId}:${execution.upstreamStatus.toLowerCase()}`,
    topics: bulk ? [topic, bulk] : [topic],
    messages,
  };
}

/** A prediction webhook: fields patched onto the model execution's last state. */
function models(json: unknown): Webhook | Outcome {
  if (!isPlainObject(json)) return refused(400, 'expected a JSON object');
  const parsed = predictionWebhookFields(json);
  if (typeof parsed === 'string') return refused(400, parsed);
  const topic = topics.execution('MODEL', parsed.id);
  return {
    identity: `models:${parsed.id}:${String(parsed.fields['status'])}`,
    topics: [topic],
    messages: [[topic, { kind: 'patch', fields: parsed.fields }]],
  };
}

/** The call's JSON body once its method, secret and size pass, or the refusal. */
async function readWebhookJson(options: WebhookOptions, request: Request, url: URL): Promise<{ readonly json: unknown } | Outcome> {
  const { secret, maxBytes } = options;
  if (request.method !== 'POST') return refused(405, 'POST only');
  if (secret !== null) {
    const given = request.headers.get('x-webhook-secret') ?? url.searchParams.get('secret');
    if (given === null || !sameSecret(given, secret)) return refused(401, 'missing or wrong webhook secret');
  }
  if (Number(request.headers.get('content-length') ?? 0) > maxBytes) return refused(413, `body over ${maxBytes} bytes`);
  const text = await readCapped(request, maxBytes);
  if (text === null) return refused(413, `body over ${maxBytes} bytes`);
  try {
    return { json: JSON.parse(text) as unknown };
  } catch {
    return refused(400, 'body is not JSON');
  }
}

async function handle(options: WebhookOptions, request: Request, url: URL, read: Read): Promise<Outcome> {
  const body = await readWebhookJson(options, request, url);
  if ('status' in body) return body;
  const webhook = read(body.json);
  if ('status' in webhook) return webhook;
  // Past the secret check, a call is verified exactly when there is a secret to check.
  return options.secret === null ? prompt(options.bus, webhook) : deliver(options, webhook);
}

export function useWebhooks(options: WebhookOptions): Plugin {
  const { logger } = options;
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      const read = url.pathname === webhookPaths.workflows ? workflows : url.pathname === webhookPaths.models ? models : null;
      if (!read) return;
      let outcome: Outcome;
      try {
        outcome = await handle(options, request, url, read);
      } catch (error) {
        logger?.warn({ err: error instanceof Error ? error.message : String(error), path: url.pathname }, 'webhook not delivered');
        outcome = refused(500, 'not delivered');
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

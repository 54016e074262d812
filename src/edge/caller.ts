/**
 * Who a caller is, for the limits that count per caller (open subscriptions; a per-caller rate
 * limit): its verified JWT subject, else a digest of the upstream credentials it brings itself,
 * else its network address. Keys are digests or addresses, never a credential.
 *
 * The address is the socket's: behind a proxy every anonymous caller shares the proxy's, and
 * `X-Forwarded-For` is not trusted (a caller could name itself anyone). Callers behind one proxy
 * are told apart by their own key or token.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Context } from '../context.ts';

/** The request headers that carry a caller's own upstream credentials (README "Configuration"). */
const credentialHeaders = ['x-api-key', 'authorization', 'x-tasks-authorization', 'x-project-id'] as const;

export interface CallerFacts {
  /** The `sub` of a verified JWT, when the caller has one. */
  readonly subject?: string | null | undefined;
  /** The caller's network address (the socket's remote address). */
  readonly address?: string | null | undefined;
}

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64url');

export function callerKey(request: { readonly headers: Headers }, facts: CallerFacts = {}): string {
  if (facts.subject) return `sub:${digest(facts.subject)}`;
  const brought = credentialHeaders.map((name) => request.headers.get(name));
  if (brought.some((value) => value !== null && value.trim() !== '')) return `key:${digest(JSON.stringify(brought))}`;
  return `addr:${facts.address ?? 'unknown'}`;
}

/**
 * What yoga merges into a GraphQL context besides ours: the request, Node's `req` (the upgrade
 * request for a WebSocket), and the JWT plugin's `jwt` once a caller's token is verified.
 */
type InitialContext = Context & {
  readonly request?: Request;
  readonly req?: IncomingMessage;
  readonly jwt?: { readonly payload?: { readonly sub?: unknown } };
};

/** The caller of the operation that built `context`. */
export function callerOf(context: Context): string {
  const { request, req, jwt } = context as InitialContext;
  const subject = typeof jwt?.payload?.sub === 'string' ? jwt.payload.sub : null;
  const address = req?.socket?.remoteAddress ?? null;
  return callerKey(request ?? { headers: new Headers() }, { subject, address });
}

/**
 * Per-request context: the request's upstream session (every host's client and fresh loaders,
 * bound to the request's credential for that host), so batching, caching and credentials never
 * cross requests or callers.
 */
import type { Config } from './config.ts';
import type { Live } from './live/index.ts';
import { noopObserver, type RequestObserver } from './observability/index.ts';
import { openAuth, type RequestAuth, type RequestHeaders } from './upstreams/host.ts';
import type { RequestBudget, Upstreams, UpstreamSession } from './upstreams/index.ts';

export type { WorkflowExecutionKey } from './upstreams/session.ts';

export interface Context {
  readonly config: Config;
  /** The upstream hosts, bound to this request: resolvers never see a credential. */
  readonly upstreams: UpstreamSession;
  /** Shared watchers and the webhook URL (src/live), added by the gateway's live plugin. */
  readonly live?: Live;
  /** Request id, loader batch sizes, active subscriptions (observability/index.ts). */
  readonly observer: RequestObserver;
  /** Who the caller is, for per-caller limits (a digest or an address, never a credential); computed when asked. */
  caller(): string;
}

export function createContext(
  upstreams: Upstreams,
  config: Config,
  headers: RequestHeaders,
  observer: RequestObserver = noopObserver,
  auth: RequestAuth = openAuth,
  budget?: RequestBudget,
  caller: () => string = () => 'anonymous',
): Context {
  return { config, observer, caller, upstreams: upstreams.session(headers, observer, auth, budget) };
}

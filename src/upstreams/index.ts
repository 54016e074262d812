/**
 * The upstream layer: per host, one pooled dispatcher and one circuit breaker for the process,
 * and per request a session (session.ts) that binds every host's client and loaders to the
 * request's credential for that host.
 */
import type { GraphQLError } from 'graphql';
import type { Config } from '../config.ts';
import { isContractError, upstreamError } from '../errors.ts';
import type { PerUpstream } from '../model.ts';
import { noopObserver, type RequestObserver } from '../observability/index.ts';
import { createTerminalCache } from './cache.ts';
import { credentialKey } from './credential.ts';
import { type AnyHost, type ClientDeps, type Host, type HostSettings, openAuth, type RequestAuth, type RequestHeaders } from './host.ts';
import { createHttp, type HttpOptions } from './http.ts';
import type { RequestBudget } from './http/budget.ts';
import { defaultHosts } from './registry.ts';
import type { HostSession, UpstreamSession } from './session.ts';

export type { HttpOptions, UpstreamLogger } from './http.ts';
export type { RequestAuth } from './host.ts';
export { createRequestBudget, type RequestBudget } from './http/budget.ts';
export type { HostSession, UpstreamSession } from './session.ts';
export { defaultHosts } from './registry.ts';

/** Options shared by every host's requester (logger, deadline, retries); breaker and coalescing come from Config. */
export type UpstreamsOptions = HttpOptions & {
  /** The hosts to speak to. @default defaultHosts */
  readonly hosts?: readonly AnyHost[];
};

export type HostState = 'closed' | 'open' | 'half-open' | 'not-configured';

export interface Upstreams {
  /** What each registered host is configured by (for config and start-up messages). */
  readonly hosts: readonly HostSettings[];
  /**
   * A session bound to one request's credentials (its headers) and, when given, to its budget:
   * every host's calls then count against it, wait for its slots and end at its deadline. With
   * caller authentication on (`auth.enabled`), the server-side credentials serve authenticated
   * callers only.
   * @param auth @default openAuth
   */
  session(headers: RequestHeaders, observer?: RequestObserver, auth?: RequestAuth, budget?: RequestBudget): UpstreamSession;
  /**
   * A digest of the upstream credentials the caller brings itself (never the credentials), or
   * null when it brings none: who the caller is when it has no token.
   */
  callerKey(headers: RequestHeaders, auth: RequestAuth): string | null;
  /** Each host's circuit breaker: `open` fails fast, `half-open` lets one probe through, `not-configured` has no base URL. */
  health(): PerUpstream<{ readonly state: HostState }>;
  /** Closes every pooled dispatcher and breaker timer. */
  close(): Promise<void>;
}

/** A registered host's part of a session, typed by its definition (a host outside UpstreamSession's four). */
export function hostSession<Client, Loaders>(
  session: UpstreamSession,
  host: Host<string, any, Client, Loaders>, // eslint-disable-line @typescript-eslint/no-explicit-any -- any credential type: only Client and Loaders are read
): HostSession<Client, Loaders> {
  const part = (session as unknown as Readonly<Record<string, HostSession<Client, Loaders> | undefined>>)[host.name];
  if (part === undefined) throw new Error(`The ${host.name} upstream is not registered in this gateway`);
  return part;
}

/** A client whose every call rejects with `error`: a refused credential sends nothing. */
function refusing<T extends object>(client: T, error: GraphQLError): T {
  const calls = Object.keys(client).map((name) => [name, () => Promise.reject(error)]);
  return Object.fromEntries(calls) as T;
}

export function createUpstreams(config: Config, options: UpstreamsOptions = {}): Upstreams {
  const { hosts = defaultHosts, ...httpOptions } = options;
  const cache =
    config.terminalCacheTtlMs > 0
      ? createTerminalCache({ ttlMs: config.terminalCacheTtlMs, maxEntries: config.terminalCacheMaxEntries })
      : null;
  const running = hosts.map((host) => {
    const upstream = config.upstreams[host.name];
    if (upstream === undefined) throw new Error(`No configuration for the ${host.name} upstream (is it in loadConfig's hosts?)`);
    const http = createHttp(upstream, { deadlineMs: upstream.deadlineMs, ...httpOptions });
    const deps: ClientDeps = { http, config: upstream, cache };
    return { host, http, deps, server: host.credential.server(upstream.settings) as unknown };
  });

  return {
    hosts,
    session(headers, observer = noopObserver, auth = openAuth, budget) {
      const session: Record<string, HostSession<object, unknown>> = {};
      const deps = { config, observer, session: session as unknown as UpstreamSession };
      // The server's credentials spend the operator's quota: with authentication on, only for callers it knows.
      const serverAllowed = !auth.enabled || auth.authenticated;
      for (const { host, http, deps: shared, server } of running) {
        const clientDeps = budget ? { ...shared, http: budget.http(http) } : shared;
        const caller: unknown = host.credential.caller(headers, auth);
        const withheld =
          caller === null && server !== null && !serverAllowed
            ? upstreamError(
                'UNAUTHENTICATED',
                host.name,
                `The gateway's ${host.name} credential serves authenticated callers only: send a valid token, or your own ${host.name} credential`,
              )
            : null;
        const refused = isContractError(caller) ? caller : withheld;
        const credential = refused === null ? (caller ?? server) : null;
        const key = credentialKey(host.name, host.credential.parts(credential));
        const bound = host.client(clientDeps, { headers: host.credential.headers(credential), credentialKey: key }) as object;
        const client = refused === null ? bound : refusing(bound, refused);
        session[host.name] = { client, credentialKey: key, loaders: host.loaders(client, deps) };
      }
      return deps.session;
    },
    callerKey(headers, auth) {
      const own = running.flatMap(({ host }) => {
        const caller: unknown = host.credential.caller(headers, auth);
        return caller === null || isContractError(caller) ? [] : [credentialKey(host.name, host.credential.parts(caller))];
      });
      return own.length === 0 ? null : credentialKey('caller', own);
    },
    health: () =>
      Object.fromEntries(running.map(({ host, http }) => [host.name, { state: http.health() }])) as PerUpstream<{ state: HostState }>,
    close: async () => {
      await Promise.all(running.map(({ http }) => http.close()));
    },
  };
}

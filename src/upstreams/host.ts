/**
 * What a host folder (`upstreams/<host>/index.ts`) declares about its host, and all the rest of
 * the gateway knows of it: where it is configured, what its credential is, how its client and
 * loaders are made. The registry (registry.ts) composes the declared hosts; nothing outside a
 * host's folder knows its paths or header names.
 */
import type { GraphQLError } from 'graphql';
import type { Config, UpstreamConfig } from '../config.ts';
import type { Builder } from '../schema/builder.ts';
import type { RequestObserver } from '../observability/index.ts';
import type { TerminalCache } from './cache.ts';
import type { Http } from './http.ts';
import type { UpstreamSession } from './session.ts';

/** Where a host is configured: its base URL variable, its default, the settings its credential reads. */
export interface HostSettings {
  readonly name: string;
  /** The variable of the base URL (`WORKFLOWS_API_URL`), named in NOT_CONFIGURED errors. */
  readonly variable: string;
  /** null: the host is off until the variable is set. */
  readonly defaultUrl: string | null;
  /** Environment variables of the server-side credential (`EACHLABS_API_KEY`). */
  readonly settings: readonly string[];
}

/** Reads one header of the request (case-insensitive); null when absent. */
export type RequestHeaders = (name: string) => string | null;

/**
 * What the upstream layer knows of the request's caller. With caller authentication on,
 * `Authorization` carries the caller's JWT, so a scheme that would read it must read another
 * header; and the server-side credentials serve authenticated callers only.
 */
export interface RequestAuth {
  /** Callers authenticate with a JWT (`AUTH_JWKS_URL` or `AUTH_JWT_SECRET`). */
  readonly enabled: boolean;
  /** This caller presented a valid token. */
  readonly authenticated: boolean;
}

/** No caller authentication: every caller may use the server-side credentials, as before `AUTH_*`. */
export const openAuth: RequestAuth = { enabled: false, authenticated: false };

/**
 * A host's credential: what makes it, how it is sent. `C` is whatever the host needs (a key, a
 * token and a project). A request's credential is the caller's own when it brings one, else the
 * server's; a malformed or partial one is a refusal, answered on that host's fields only.
 */
export interface CredentialScheme<C> {
  /** The server-side credential from the host's settings; null when they are unset. */
  server(settings: Readonly<Record<string, string | null>>): C | null;
  /**
   * The caller's own credential from its request headers: null when it brings none, an error when
   * what it brings is unusable. `auth` says which headers are free to carry it.
   */
  caller(headers: RequestHeaders, auth: RequestAuth): C | GraphQLError | null;
  /** The headers that carry it upstream (null values are not sent). */
  headers(credential: C | null): Readonly<Record<string, string | null>>;
  /** The values to digest into `credentialKey` (and to redact from logs). */
  parts(credential: C | null): readonly (string | null)[];
}

/** Process-wide things a host's client is made with. */
export interface ClientDeps {
  readonly http: Http;
  readonly config: UpstreamConfig;
  /** Terminal executions served from memory (null when `UPSTREAM_CACHE_TTL_MS=0`). */
  readonly cache: TerminalCache | null;
}

/** One request's credential for a host, as its client sends it. */
export interface BoundCredential {
  readonly headers: Readonly<Record<string, string | null>>;
  /** Digest of the credential: keys the terminal cache. */
  readonly credentialKey: string;
}

/** Per-request things a host's loaders are made with. */
export interface LoaderDeps {
  readonly config: Config;
  readonly observer: RequestObserver;
  /** The whole session, for a loader that falls back on another host (read lazily, at batch time). */
  readonly session: UpstreamSession;
}

export interface Host<Name extends string, C, Client, Loaders> extends HostSettings {
  readonly name: Name;
  readonly credential: CredentialScheme<C>;
  /**
   * The host's calls bound to one request's credential, already turned into headers by the
   * scheme. (A refused credential never gets here: the registry answers every call with it.)
   */
  client(deps: ClientDeps, bound: BoundCredential): Client;
  loaders(client: Client, deps: LoaderDeps): Loaders;
  /**
   * GraphQL types and root fields of a self-contained host, added to the schema when the host is
   * registered. The built-in hosts share the Execution types, so theirs live in src/schema/.
   */
  schema?(builder: Builder): void;
}

/** Any host, as the registry holds them. */
export type AnyHost = Host<string, any, any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- hosts differ in credential, client and loader types (each is invariant)

/**
 * Caller authentication (`AUTH_*`): @graphql-yoga/plugin-jwt verifies `Authorization: Bearer <jwt>`
 * against a JWKS or an HS256 secret, with the required issuer and audience, before the request is
 * parsed, so before any upstream call. Its refusals are answered as UNAUTHENTICATED, HTTP 401.
 */
import { generateKeyPairSync } from 'node:crypto';
import {
  createInlineSigningKeyProvider,
  createRemoteJwksSigningKeyProvider,
  type ExtractTokenFunction,
  type GetSigningKeyFunction,
  type JWTExtendContextFields,
  useJWT,
} from '@graphql-yoga/plugin-jwt';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { AuthConfig } from '../config.ts';
import { callerUnauthenticated, isContractError } from '../errors.ts';
import type { RequestAuth } from '../upstreams/index.ts';

/** What the plugin adds to the server context (and so to the initial GraphQL context) for a verified caller. */
export interface AuthContext {
  readonly jwt?: JWTExtendContextFields;
}

/** Public-key algorithms only for a JWKS: an HS* token "signed" with a public key must never verify. */
const asymmetric = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'] as const;

export function authEnabled(config: AuthConfig): boolean {
  return config.jwksUrl !== null || config.jwtSecret !== null;
}

/** The upstream layer's view of the caller of a request whose context holds what the plugin added. */
export function requestAuth(config: AuthConfig, context: AuthContext): RequestAuth {
  return { enabled: authEnabled(config), authenticated: context.jwt !== undefined };
}

const bearerToken: ExtractTokenFunction = ({ request }) => {
  const header = request.headers.get('authorization');
  if (header === null) return undefined;
  const token = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  if (token === undefined) throw callerUnauthenticated('Authorization must be Bearer <token>');
  return { prefix: 'Bearer', token };
};

function jwksProvider(jwksUri: string): GetSigningKeyFunction {
  const remote = createRemoteJwksSigningKeyProvider({ jwksUri, cache: true, rateLimit: true, jwksRequestsPerMinute: 10, timeout: 5000 });
  // The plugin treats a provider's failure as an outage (500). A token naming a key the JWKS does
  // not have is a bad token: it gets a key whose private half was never kept, so it fails to verify.
  const noKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return async (kid) => {
    try {
      return await remote(kid);
    } catch (error) {
      if (error instanceof Error && (error.name === 'SigningKeyNotFoundError' || error.name === 'JwksRateLimitError')) return noKey;
      throw error;
    }
  };
}

/** null when no JWT setting is set: callers are not authenticated. */
export function useCallerAuth(config: AuthConfig): Plugin<AuthContext> | null {
  if (!authEnabled(config)) return null;
  const jwt = useJWT({
    signingKeyProviders: [config.jwtSecret !== null ? createInlineSigningKeyProvider(config.jwtSecret) : jwksProvider(config.jwksUrl!)],
    tokenLookupLocations: [bearerToken],
    tokenVerification: {
      algorithms: config.jwtSecret !== null ? ['HS256'] : [...asymmetric],
      ...(config.issuer !== null ? { issuer: config.issuer } : {}),
      ...(config.audience !== null ? { audience: config.audience } : {}),
    },
    // A token that is sent is always checked; only its absence is allowed when auth is optional.
    reject: { missingToken: config.required, invalidToken: true },
    extendContext: 'jwt',
  });
  const verify = jwt.onRequestParse!;
  return {
    ...jwt,
    async onRequestParse(payload) {
      try {
        return await verify(payload);
      } catch (error) {
        // The plugin's own refusals carry no code; which check failed is not told.
        if (error instanceof GraphQLError && !isContractError(error)) {
          throw callerUnauthenticated(
            payload.request.headers.has('authorization')
              ? 'The token is invalid, expired, or not issued for this gateway'
              : 'Authentication required: send Authorization: Bearer <token>',
          );
        }
        throw error;
      }
    },
  };
}

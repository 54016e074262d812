/**
 * Which browser origins may read answers: yoga's `cors` option, decided per request. An origin
 * that is not allowed gets no CORS header at all, on the preflight and on the request itself,
 * so the browser neither sends its mutation nor shows it the answer.
 */
import type { CORSOptions } from 'graphql-yoga';
import type { CorsConfig } from '../config.ts';

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

function isLoopback(origin: string): boolean {
  if (!URL.canParse(origin)) return false;
  const url = new URL(origin);
  return (url.protocol === 'http:' || url.protocol === 'https:') && loopbackHosts.has(url.hostname);
}

/** Whether a page of `origin` may read answers here (and open a WebSocket: src/edge/websocket.ts). */
export function originAllowed(config: CorsConfig): (origin: string) => boolean {
  const allowed = new Set(config.origins);
  return (origin) => allowed.has(origin) || (config.loopback && isLoopback(origin));
}

export function corsFor(config: CorsConfig): (request: Request) => CORSOptions {
  const allows = originAllowed(config);
  return (request) => {
    const origin = request.headers.get('origin');
    if (origin === null || !allows(origin)) return false;
    return {
      origin: [origin],
      // Callers authenticate with headers, never cookies: a browser's ambient credentials are not asked for.
      credentials: false,
      exposedHeaders: ['Retry-After', 'X-Request-ID'],
      maxAge: 600,
    };
  };
}

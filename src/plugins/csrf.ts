/**
 * CSRF prevention where it protects something. Callers authenticate with headers (`X-API-Key`,
 * `Authorization`), never cookies, so a foreign page has no credential of the visitor to borrow.
 * What it could borrow is the gateway's own server-side credentials: a simple (form or text) POST
 * is sent cross-site without a preflight and may carry a mutation, so such POSTs still need a
 * custom header. A GET only ever runs a query (mutations over GET are refused with 405), which
 * changes nothing upstream, and CORS keeps a foreign page from reading the answer: GETs pass, so
 * clients that send small queries as GET (urql's default, Apollo's persisted queries) just work.
 */
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import type { Plugin } from 'graphql-yoga';

export function useCsrfPreventionForWrites(requestHeaders: readonly string[]): Plugin {
  const prevention = useCSRFPrevention({ requestHeaders: [...requestHeaders] });
  return {
    onRequestParse(payload) {
      const method = payload.request.method;
      if (method === 'GET' || method === 'HEAD') return undefined;
      return prevention.onRequestParse?.(payload);
    },
  };
}

/**
 * `@defer` and `@stream` over multipart/mixed and SSE (yoga negotiates by `Accept`). The
 * directives are declared in the public schema (schema/index.ts): the plugin's hook that would add
 * them builds a new schema whenever the served one changes, which with two endpoints is on every
 * request, so only its validation rules are kept. The composition schema at `/graphql/subgraph`
 * has no such directives, and routers do not send them.
 */
import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import { type DocumentNode, Kind, visit, BREAK } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export function useIncrementalDelivery(): Plugin {
  const { onValidate } = useDeferStream();
  return { onValidate };
}

/** Whether a document asks for incremental delivery anywhere. */
export function usesIncrementalDelivery(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    [Kind.DIRECTIVE]: (node) => {
      if (node.name.value === 'defer' || node.name.value === 'stream') {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}

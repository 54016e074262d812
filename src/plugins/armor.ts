/**
 * graphql-armor's document limits (depth, aliases, tokens, directives, field suggestions),
 * checked while parsing and validating, so a hostile document never costs an upstream call.
 * Armor's errors carry no code; they get the contract's `BAD_USER_INPUT` and the limit's name.
 * Its cost limit is off: it cannot see list sizes, so `GRAPHQL_COST_LIMIT` bounds the estimate
 * of plugins/demand.ts instead.
 */
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { Plugin } from 'graphql-yoga';
import type { ArmorConfig } from '../config.ts';

type ArmorOptions = NonNullable<Parameters<typeof EnvelopArmorPlugin>[0]>;
type RejectCallbacks = NonNullable<NonNullable<ArmorOptions['maxDepth']>['onReject']>;

function rejectAs(limit: string): RejectCallbacks {
  return [
    (_context, error) => {
      // Armor builds and throws this error itself; stamping it is the one hook it offers. Its
      // "Syntax Error:" prefix would send a caller looking for a typo.
      error.message = error.message.replace(/^Syntax Error: /, 'Query refused: ');
      const extensions = error.extensions as Record<string, unknown>;
      extensions['code'] = 'BAD_USER_INPUT';
      extensions['limit'] = limit;
    },
  ];
}

export function useArmor(config: ArmorConfig): Plugin {
  return EnvelopArmorPlugin({
    maxDepth: { n: config.maxDepth, onReject: rejectAs('maxDepth') },
    maxAliases: { n: config.maxAliases, onReject: rejectAs('maxAliases') },
    maxTokens: { n: config.maxTokens, onReject: rejectAs('maxTokens') },
    maxDirectives: { n: config.maxDirectives, onReject: rejectAs('maxDirectives') },
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: config.blockFieldSuggestions },
  });
}

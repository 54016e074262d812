/**
 * Schema drift: the committed schema.graphql is exactly what the code prints, and it holds
 * every name the contract promises.
 */
import { readFileSync } from 'node:fs';
import { buildSchema, isInterfaceType, isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { printSchemaFile } from '../src/schema/print.ts';

const committed = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');

describe('schema.graphql', () => {
  it('is up to date (run `npm run schema` after changing the schema)', () => {
    expect(printSchemaFile()).toBe(committed);
  });

  it('holds the contract names with their nullability', () => {
    const schema = buildSchema(committed);
    const field = (type: string, name: string) => {
      const t = schema.getType(type);
      if (!isObjectType(t) && !isInterfaceType(t)) throw new Error(`${type} is not an object or interface`);
      return String(t.getFields()[name]?.type);
    };
    for (const scalar of ['DateTime', 'JSON', 'JSONObject', 'UUID']) expect(schema.getType(scalar)).toBeDefined();
    expect(field('Execution', 'id')).toBe('ID!');
    expect(field('Execution', 'upstreamStatus')).toBe('String!');
    expect(field('WorkflowExecution', 'steps')).toBe('[Step!]');
    expect(field('WorkflowExecution', 'bulkId')).toBe('UUID');
    expect(field('Step', 'execution')).toBe('WorkflowExecution!');
    expect(field('Bulk', 'executions')).toBe('WorkflowExecutionConnection');
    expect(field('Query', 'nodes')).toBe('[Node]!');
    expect(field('Query', 'workflowExecutionsByIds')).toBe('[WorkflowExecution]!');
    expect(field('Query', 'workflowExecutions')).toBe('WorkflowExecutionConnection');
    expect(field('WorkflowExecutionConnection', 'totalCount')).toBe('Int');
    expect(field('ModelExecution', 'cost')).toBe('Float');
    expect(field('TaskExecution', 'retryCount')).toBe('Int!');
    const workflow = schema.getType('WorkflowExecution');
    expect(isObjectType(workflow) && workflow.getInterfaces().map(String).sort()).toEqual(['Execution', 'Node']);
  });
});

/**
 * The schema as @graphql-tools/stitching-directives reads it (`_sdl`): the public SDL plus
 * `@key` on every Node type, `@merge` on `nodes` (so merged lookups are batched, and workflow
 * executions go through the bulk endpoint grouped by workflow) and `@canonical` on our own types.
 */
import {
  type ConstDirectiveNode,
  type FieldDefinitionNode,
  type GraphQLSchema,
  Kind,
  type ObjectTypeDefinitionNode,
  isObjectType,
  lexicographicSortSchema,
  parse,
  print,
  printSchema,
  visit,
} from 'graphql';

/** The stitching directives this SDL uses, with their definitions from the stitching-directives spec. */
const directiveDefinitions = `directive @key(selectionSet: String!) on OBJECT
directive @merge(argsExpr: String, keyArg: String, keyField: String, key: [String!], additionalArgs: String) on FIELD_DEFINITION
directive @canonical on OBJECT | INTERFACE | INPUT_OBJECT | UNION | ENUM | SCALAR | FIELD_DEFINITION | INPUT_FIELD_DEFINITION
`;

/** Our types whose definitions win in a stitched schema (a users service keeps its own `User`). */
const canonicalInterfaces = ['Execution'];

function directive(name: string, args: Record<string, string> = {}): ConstDirectiveNode {
  return {
    kind: Kind.DIRECTIVE,
    name: { kind: Kind.NAME, value: name },
    arguments: Object.entries(args).map(([arg, value]) => ({
      kind: Kind.ARGUMENT,
      name: { kind: Kind.NAME, value: arg },
      value: { kind: Kind.STRING, value },
    })),
  };
}

function withDirectives<T extends { readonly directives?: readonly ConstDirectiveNode[] | undefined }>(
  node: T,
  added: ConstDirectiveNode[],
): T {
  return { ...node, directives: [...(node.directives ?? []), ...added] };
}

/** The public schema's SDL annotated with stitching directives. */
export function stitchingSdl(schema: GraphQLSchema): string {
  const nodeTypes = new Set(
    Object.values(schema.getTypeMap())
      .filter((type) => isObjectType(type) && type.getInterfaces().some((iface) => iface.name === 'Node'))
      .map((type) => type.name),
  );
  const queryName = schema.getQueryType()?.name ?? 'Query';
  const document = visit(parse(printSchema(lexicographicSortSchema(schema))), {
    ObjectTypeDefinition(node): ObjectTypeDefinitionNode | undefined {
      if (nodeTypes.has(node.name.value)) {
        return withDirectives(node, [directive('key', { selectionSet: '{ id }' }), directive('canonical')]);
      }
      if (node.name.value === queryName) {
        return {
          ...node,
          fields: node.fields?.map((field): FieldDefinitionNode =>
            field.name.value === 'nodes' ? withDirectives(field, [directive('merge', { keyField: 'id' })]) : field,
          ),
        };
      }
      return undefined;
    },
    InterfaceTypeDefinition(node) {
      return canonicalInterfaces.includes(node.name.value) ? withDirectives(node, [directive('canonical')]) : undefined;
    },
  });
  return `${directiveDefinitions}\n${print(document)}\n`;
}

/**
 * A GraphQL Code Generator plugin: the `possibleTypes` map Apollo Client's InMemoryCache needs to
 * match fragments on interfaces and unions (`... on WorkflowExecution` inside `node`). CommonJS
 * because codegen loads plugins with `require`.
 */
const { isAbstractType } = require('graphql');

module.exports = {
  plugin(schema) {
    const possibleTypes = {};
    for (const type of Object.values(schema.getTypeMap()).sort((a, b) => a.name.localeCompare(b.name))) {
      if (!isAbstractType(type) || type.name.startsWith('__')) continue;
      possibleTypes[type.name] = schema
        .getPossibleTypes(type)
        .map((member) => member.name)
        .sort();
    }
    return `export const possibleTypes: Record<string, string[]> = ${JSON.stringify(possibleTypes, null, 2)};\n`;
  },
};

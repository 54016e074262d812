/**
 * Writes the sorted SDL to schema.graphql. Run explicitly (`npm run schema`); a test fails
 * when the committed file drifts from the code.
 */
import { writeFileSync } from 'node:fs';
import { printSchemaFile } from '../src/schema/print.ts';

const target = new URL('../schema.graphql', import.meta.url);
writeFileSync(target, printSchemaFile());
console.log(`wrote ${target.pathname}`);

/**
 * The JSON Schema of ssot.config.yaml, generated from the zod schema so the
 * two never drift. `npm run schema` (scripts/write-schema.mjs) writes schema/ssot.config.schema.json;
 * test/config/jsonSchema.test.ts fails when the committed file is stale.
 */
import { z } from 'zod';
import { configSchema } from './schema.js';

export function configJsonSchema(): string {
  const schema = z.toJSONSchema(configSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  const out = {
    $schema: schema.$schema,
    $id: 'https://ssot.dev/schema/ssot.config.schema.json',
    title: 'ssot configuration',
    description: 'ssot.config.yaml: deprecated imports, their canonical replacement, phases and gates.',
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

export const JSON_SCHEMA_PATH = 'schema/ssot.config.schema.json';

/**
 * The JSON Schema of ssot.config.yaml, generated from the zod schema so the
 * two never drift. `npm run schema` writes schema/ssot.config.schema.json;
 * test/config/jsonSchema.test.ts fails when the committed file is stale.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  const target = path.join(repoRoot, JSON_SCHEMA_PATH);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, configJsonSchema());
  process.stdout.write(`wrote ${JSON_SCHEMA_PATH}\n`);
}

/** The official SARIF 2.1.0 schema (test/fixtures/sarif) as an Ajv validator, for every test that checks SARIF output. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { repoRoot } from './run.js';

const schemaFile = path.join(repoRoot, 'test/fixtures/sarif/sarif-schema-2.1.0.json');

/** The official schema is draft-04 (`id`, draft-04 `$schema`); its keywords mean the same under Ajv's draft-07 core. */
export function sarifValidator() {
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as Record<string, unknown>;
  assert.equal(schema.$schema, 'http://json-schema.org/draft-04/schema#');
  const { $schema: _draft, id, ...rest } = schema;
  const ajv = new Ajv({ strict: false, allErrors: true });
  // the formats the schema uses (ajv-formats is not a dependency)
  ajv.addFormat('uri', (value: string) => URL.canParse(value));
  ajv.addFormat('uri-reference', (value: string) => URL.canParse(value, 'file:///base/') && !/\s/.test(value));
  ajv.addFormat('date-time', (value: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(value));
  return ajv.compile({ ...rest, $id: String(id) });
}

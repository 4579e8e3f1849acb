import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { configJsonSchema, JSON_SCHEMA_PATH } from '../../src/config/jsonSchema.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

test('the committed JSON Schema of the config is up to date (run `npm run schema`)', () => {
  const committed = readFileSync(path.join(repoRoot, JSON_SCHEMA_PATH), 'utf8');
  assert.equal(committed, configJsonSchema());
});

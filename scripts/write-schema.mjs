#!/usr/bin/env node
/** `npm run schema`: writes schema/ssot.config.schema.json from the built config schema (dist/src/config/jsonSchema.js). */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { configJsonSchema, JSON_SCHEMA_PATH } = await import(path.join(repo, 'dist/src/config/jsonSchema.js'));
const target = path.join(repo, JSON_SCHEMA_PATH);
mkdirSync(path.dirname(target), { recursive: true });
writeFileSync(target, configJsonSchema());
process.stdout.write(`wrote ${JSON_SCHEMA_PATH}\n`);

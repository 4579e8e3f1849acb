/**
 * Text snapshots under test/fixtures/report/: a renderer's output compared
 * byte for byte with the committed file; `UPDATE_SNAPSHOTS=1` rewrites it
 * (review the diff).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SNAPSHOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/report');

export function assertSnapshot(name: string, actual: string): void {
  const file = path.join(SNAPSHOT_DIR, name);
  if (process.env.UPDATE_SNAPSHOTS === '1') writeFileSync(file, actual);
  assert.ok(existsSync(file), `${name}: no snapshot (run with UPDATE_SNAPSHOTS=1 and review it)`);
  assert.equal(actual, readFileSync(file, 'utf8'), `${name} differs from its snapshot (UPDATE_SNAPSHOTS=1 rewrites it; review the diff)`);
}

/**
 * Writes the `changed` files of a fix run, each atomically with its mode kept
 * (workspace/files.ts). On any failure the files already written get their
 * original bytes back and the error is rethrown.
 */
import path from 'node:path';
import type { FileFix } from '../model/outcome.js';
import { writeFileAtomic } from '../workspace/files.js';

/** Returns the files written, in order. */
export function writeFileFixes(root: string, files: readonly FileFix[]): string[] {
  const written: FileFix[] = [];
  try {
    for (const file of files) {
      if (file.status !== 'changed' || !file.updated) continue;
      writeFileAtomic(path.join(root, file.file), file.updated);
      written.push(file);
    }
  } catch (error) {
    for (const file of written.reverse()) writeFileAtomic(path.join(root, file.file), file.original);
    throw error;
  }
  return written.map((f) => f.file);
}

/**
 * Writes the `changed` files of a fix run, each atomically with its mode kept
 * (workspace/files.ts), and never outside the root: each target must resolve
 * under it once symlinks are followed.
 *
 * Two policies. `each` (unphased `ssot fix`): one file that cannot be
 * written is that file's outcome (`failed`, with why), and the others are
 * still written. `all` (a phase, whose journal undoes everything): the first
 * failure puts the files already written back and is thrown as a
 * `WriteFailure` naming the file.
 */
import type { FileFix } from '../model/outcome.js';
import { pathInsideRoot, writeFileAtomic } from '../workspace/files.js';

export interface WriteResult {
  /** Files written, in order. */
  readonly written: string[];
  /** Files that could not be written (policy `each`), with a one-line reason. */
  readonly failed: { readonly file: string; readonly reason: string }[];
}

/** The first file a policy-`all` write could not write; the files before it were put back. */
export class WriteFailure extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`cannot write ${file}: ${reason}`);
    this.name = 'WriteFailure';
  }
}

/** Why a write failed, in one line: the errno code when there is one (EACCES, ENOSPC…), else the message. */
export function writeErrorReason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e?.code === 'EOUTSIDE') return e.message;
  return e?.code ?? String(e?.message ?? error);
}

export function writeFileFixes(root: string, files: readonly FileFix[], policy: 'each' | 'all' = 'all'): WriteResult {
  const written: FileFix[] = [];
  const failed: { file: string; reason: string }[] = [];
  for (const file of files) {
    if (file.status !== 'changed' || !file.updated) continue;
    try {
      writeFileAtomic(pathInsideRoot(root, file.file), file.updated);
      written.push(file);
    } catch (error) {
      const reason = writeErrorReason(error);
      if (policy === 'each') {
        failed.push({ file: file.file, reason });
        continue;
      }
      for (const done of written.reverse()) writeFileAtomic(pathInsideRoot(root, done.file), done.original);
      throw new WriteFailure(file.file, reason);
    }
  }
  return { written: written.map((f) => f.file), failed };
}

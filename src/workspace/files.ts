/**
 * Byte-exact file plumbing for phases: atomic writes that keep the file mode,
 * content hashes, and the `.ssot/` directory that holds state and journal.
 *
 * `.ssot/` lives in the ssot root and carries its own `.gitignore` (`*`), so
 * nothing in it ever makes the tree dirty, is swept into a phase commit, or is
 * changed by `git revert`: the record of what ssot did survives the undo.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';

export const SSOT_DIR = '.ssot';

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Creates `<root>/.ssot/` with a `.gitignore` of `*` (idempotent); returns its path. */
export function ensureSsotDir(root: string): string {
  const dir = path.join(root, SSOT_DIR);
  mkdirSync(dir, { recursive: true });
  const ignore = path.join(dir, '.gitignore');
  if (!existsSync(ignore)) {
    writeDurably(ignore, Buffer.from('# ssot state, journal and caches: local to this clone, never committed\n*\n'));
  }
  return dir;
}

/**
 * Writes `bytes` to `file` through a temp file in the same directory, fsynced,
 * then renamed over the target; keeps the target's mode when it exists.
 */
export function writeDurably(file: string, bytes: Buffer, mode?: number): void {
  let keepMode = mode;
  if (keepMode === undefined) {
    try {
      keepMode = statSync(file).mode & 0o7777;
    } catch {
      keepMode = undefined;
    }
  }
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.ssot-${process.pid}-${Date.now()}.tmp`);
  const fd = openSync(temp, 'w', keepMode ?? 0o644);
  try {
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temp, file);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // nothing to clean
    }
    throw error;
  }
  syncDirectory(path.dirname(file));
}

export function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // some filesystems refuse to fsync a directory; the rename is still atomic
  }
}

export function readIfExists(file: string): Buffer | null {
  try {
    return readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export function fileMode(file: string): number | null {
  try {
    return statSync(file).mode & 0o7777;
  } catch {
    return null;
  }
}

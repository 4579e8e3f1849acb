/**
 * Byte-exact file plumbing: the one atomic write, and the `.ssot/` directory
 * that holds state, journal and cache.
 *
 * `.ssot/` lives in the ssot root and carries its own `.gitignore` (`*`), so
 * nothing in it ever makes the tree dirty, is swept into a phase commit, or is
 * changed by `git revert`: the record of what ssot did survives the undo.
 */
import { closeSync, existsSync, fchmodSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';

export const SSOT_DIR = '.ssot';

/** Creates `<root>/.ssot/` with a `.gitignore` of `*` (idempotent); returns its path. */
export function ensureSsotDir(root: string): string {
  const dir = path.join(root, SSOT_DIR);
  mkdirSync(dir, { recursive: true });
  const ignore = path.join(dir, '.gitignore');
  if (!existsSync(ignore)) {
    writeFileAtomic(ignore, Buffer.from('# ssot state, journal and caches: local to this clone, never committed\n*\n'));
  }
  return dir;
}

/**
 * The one way ssot writes a file. A regular file (or a missing one) is
 * replaced atomically: a temp file in the same directory, fsynced when
 * `durable`, renamed over the target, the directory synced — readers see the
 * old bytes or the new ones, never a mix, and a crash leaves one of the two.
 * The target's mode is kept (or `mode` used). A symlink is written through
 * (its target is replaced, the link stays); a FIFO, device or other special
 * file is written in place, never replaced by a regular file.
 */
export function writeFileAtomic(file: string, bytes: Buffer | string, options: { readonly mode?: number; readonly durable?: boolean } = {}): void {
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  let target = file;
  let keepMode = options.mode;
  try {
    const st = statSync(file);
    if (!st.isFile()) {
      writeFileSync(file, data);
      return;
    }
    if (lstatSync(file).isSymbolicLink()) target = realpathSync(file);
    keepMode ??= st.mode & 0o7777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const durable = options.durable !== false;
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.ssot-${process.pid}-${Date.now()}.tmp`);
  try {
    const fd = openSync(temp, 'w', keepMode ?? 0o644);
    try {
      let offset = 0;
      while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset);
      if (keepMode !== undefined) fchmodSync(fd, keepMode); // the umask does not narrow a kept mode
      if (durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // nothing to clean
    }
    throw error;
  }
  if (durable) syncDirectory(path.dirname(target));
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

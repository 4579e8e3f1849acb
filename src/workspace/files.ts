/**
 * Byte-exact file plumbing: the one atomic write, the one wait for a full
 * pipe, and the `.ssot/` directory that holds state, journal and cache.
 *
 * `.ssot/` lives in the ssot root and carries its own `.gitignore` (`*`), so
 * nothing in it ever makes the tree dirty, is swept into a phase commit, or is
 * changed by `git revert`: the record of what ssot did survives the undo.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fchmodSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, readlinkSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';

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
 * The target's mode is kept (or `mode` used).
 *
 * What is at the path is never replaced by something else: a symlink is
 * written through (its final target is replaced, the link stays; a dangling
 * link creates its target), and these are written in place, as a shell
 * redirect writes them — a FIFO, a device or another special file; a file
 * with several hard links (a rename would split it: the other names would
 * keep the old bytes); and a link through /proc (`/dev/stdout`, `/dev/fd/N`),
 * which names a file the process already has open — appended to, so a `>>`
 * redirect keeps what it held and a `>` one was emptied by the shell already.
 */
export function writeFileAtomic(file: string, bytes: Buffer | string, options: { readonly mode?: number; readonly durable?: boolean } = {}): void {
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  const durable = options.durable !== false;
  const target = writeTargetOf(file);
  if (target.inPlace) {
    // a /proc link names an fd this process (or its shell) opened: appending keeps what a `>>` redirect holds
    const fd = openSync(target.path, target.append ? 'a' : 'w');
    try {
      let offset = 0;
      while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset);
      if (durable && target.regular) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return;
  }
  const keepMode = options.mode ?? target.mode;
  // a long name must not make the temp name too long for the file system (NAME_MAX is 255 bytes)
  const base = Buffer.from(path.basename(target.path)).subarray(0, 120).toString('utf8').replace(/\uFFFD+$/, '');
  const temp = path.join(path.dirname(target.path), `.${base}.ssot-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fd = openSync(temp, 'wx', keepMode ?? 0o644);
    try {
      let offset = 0;
      while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset);
      if (keepMode !== undefined) fchmodSync(fd, keepMode); // the umask does not narrow a kept mode
      if (durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target.path);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // nothing to clean
    }
    throw error;
  }
  if (durable) syncDirectory(path.dirname(target.path));
}

/** Symlinks followed by hand, at most this many (the kernel's own limit is 40). */
const MAX_LINK_HOPS = 40;

interface WriteTarget {
  /** Where the bytes go: the final target of any symlinks (or the given path, for a /proc link). */
  readonly path: string;
  /** Write in place (open, truncate, write) instead of temp + rename. */
  readonly inPlace: boolean;
  /** A regular file (fsync makes sense). */
  readonly regular: boolean;
  /** In place by appending (a /proc link: the open file's own offset and truncation stand). */
  readonly append?: boolean;
  /** Mode of an existing regular file, kept by the replacement. */
  readonly mode?: number;
}

/** What writing to `file` means: follows symlinks one hop at a time (a dangling link's target is created). */
function writeTargetOf(file: string): WriteTarget {
  let current = path.resolve(file);
  for (let hop = 0; hop <= MAX_LINK_HOPS; hop++) {
    let st;
    try {
      st = lstatSync(current);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { path: current, inPlace: false, regular: true };
      throw error;
    }
    if (st.isSymbolicLink()) {
      if (current.startsWith('/proc/')) return { path: path.resolve(file), inPlace: true, regular: false, append: true };
      current = path.resolve(path.dirname(current), readlinkSync(current));
      continue;
    }
    if (!st.isFile()) return { path: current, inPlace: true, regular: false };
    if (st.nlink > 1) return { path: current, inPlace: true, regular: true };
    return { path: current, inPlace: false, regular: true, mode: st.mode & 0o7777 };
  }
  throw Object.assign(new Error(`${file}: too many levels of symbolic links`), { code: 'ELOOP' });
}

/**
 * The absolute path of `rel` under `root`, refusing one that resolves
 * outside it once symlinks are followed (in any folder on the way, or the
 * file itself): the root is a wall that no write crosses. Throws an error
 * with code `EOUTSIDE`.
 */
export function pathInsideRoot(root: string, rel: string): string {
  const full = path.resolve(root, rel);
  const realRoot = realpathOr(root);
  let real: string;
  try {
    real = realpathSync.native(full);
  } catch {
    // a file not there yet: its folder decides
    real = path.join(realpathOr(path.dirname(full)), path.basename(full));
  }
  if (real !== realRoot && !real.startsWith(realRoot.endsWith(path.sep) ? realRoot : realRoot + path.sep)) {
    throw Object.assign(new Error(`${rel} resolves outside the root (${real}); not written`), { code: 'EOUTSIDE' });
  }
  return full;
}

function realpathOr(p: string): string {
  try {
    return realpathSync.native(p);
  } catch {
    return path.resolve(p);
  }
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

/**
 * Resolves when `stream` can take more after a write returned false — or
 * never will: an error or a close (a reader that went away) ends the wait
 * too, so a writer waiting for a pipe never hangs.
 */
export function drained(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('error', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('error', done);
    stream.on('close', done);
  });
}

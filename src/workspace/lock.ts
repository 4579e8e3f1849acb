/**
 * One writer per tree: every ssot command that writes (fix, rollback,
 * recover, verify) holds `.ssot/lock` while it runs. The lock is created
 * atomically (`open(…, 'wx')`) and names its holder (pid, host, command,
 * start time), so a second writer stops at once with exit 2 naming it,
 * instead of racing the first one's journal, files and commit.
 *
 * A lock whose holder is gone (its pid no longer runs on this host: a
 * `kill -9`, a crash) is stale and is taken over; the caller is told, to say
 * so. Taking over is itself serialised by a short-lived `.ssot/lock.takeover`
 * created the same way, so two processes that find the same stale lock
 * cannot both take it. A process may take the lock of a root it already
 * holds (nested use is counted, and only the outermost release removes it).
 */
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, rmdirSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { UserError } from '../model/errors.js';
import { ensureSsotDir, SSOT_DIR } from './files.js';

export const LOCK_FILE = 'lock';

/** Who holds a tree's lock, as the lock file says. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  /** The command in words (`ssot fix --phase 1a`). */
  readonly command: string;
  /** ISO time the lock was taken. */
  readonly startedAt: string;
}

export interface TreeLock {
  /** The stale holder this lock was taken over from, if any (say so). */
  readonly tookOver: LockHolder | null;
  /** Removes the lock (only when it is still ours; idempotent). */
  release(): void;
}

/** A takeover marker older than this (ms) was left by a process that died mid-takeover. */
const TAKEOVER_STALE_MS = 10_000;
/** Attempts at creating the lock before giving up (a lost takeover race retries). */
const ATTEMPTS = 50;

/**
 * `found`: what `.ssot/` held before the lock made it or its `.gitignore`
 * (null: nothing to undo) — the last release puts that back when the command
 * added nothing else (an unphased fix leaves the tree as it found it).
 */
interface Found {
  readonly dir: boolean;
  readonly entries: readonly string[];
}
const held = new Map<string, { count: number; holder: LockHolder; found: Found | null }>();

export function lockPath(root: string): string {
  return path.join(root, SSOT_DIR, LOCK_FILE);
}

/**
 * Takes the lock of `root` for `command`, or throws a UserError (exit 2)
 * naming the live holder. `force` takes it from a holder that still seems
 * alive (its pid may have been reused by another program).
 */
export function acquireTreeLock(root: string, command: string, options: { readonly force?: boolean } = {}): TreeLock {
  const key = path.resolve(root);
  const mine = held.get(key);
  if (mine) {
    mine.count++;
    return { tookOver: null, release: () => releaseOnce(key) };
  }
  const found = foundBefore(path.join(key, SSOT_DIR));
  ensureSsotDir(key);
  const file = lockPath(key);
  const holder: LockHolder = { pid: process.pid, host: hostname(), command, startedAt: new Date().toISOString() };
  let tookOver: LockHolder | null = null;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (createExclusive(file, `${JSON.stringify(holder)}\n`)) {
      held.set(key, { count: 1, holder, found });
      let released = false;
      return {
        tookOver,
        release: () => {
          if (released) return;
          released = true;
          releaseOnce(key);
        },
      };
    }
    const current = readHolder(file);
    if (current === undefined) continue; // removed in between: try again
    if (current !== null && holderAlive(current) && !options.force) throw heldError(key, current);
    if (current === null && !olderThan(file, 2000) && !options.force) {
      // just created by someone still writing its holder line: treat it as held
      throw heldError(key, { pid: 0, host: '?', command: 'another ssot command', startedAt: new Date().toISOString() });
    }
    if (takeOver(file, current)) tookOver = current ?? { pid: 0, host: '?', command: 'an unknown command', startedAt: '?' };
    else sleep(20 + attempt * 5);
  }
  throw new UserError(`cannot take the lock ${path.relative(process.cwd(), file) || file}: other processes keep taking it`, {
    hint: 'wait for the other ssot commands in this tree to finish',
  });
}

/** Runs `work` holding the lock of `root`; `onTakeOver` hears about a stale lock that was taken over. */
export async function withTreeLock<T>(
  root: string,
  command: string,
  work: () => Promise<T>,
  options: { readonly force?: boolean; readonly onTakeOver?: (stale: LockHolder) => void } = {},
): Promise<T> {
  const lock = acquireTreeLock(root, command, options);
  try {
    if (lock.tookOver) options.onTakeOver?.(lock.tookOver);
    return await work();
  } finally {
    lock.release();
  }
}

/** The holder of the lock of `root`, or null when nobody holds it (or the file is unreadable). */
export function lockHolder(root: string): LockHolder | null {
  return readHolder(lockPath(root)) ?? null;
}

/** True when the holder's process still runs (on another host: assumed to, since it cannot be checked). */
export function holderAlive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true;
  // our own pid in a lock this process does not hold: an earlier process had the same pid
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function heldError(root: string, holder: LockHolder): UserError {
  const where = path.relative(process.cwd(), root) || '.';
  const host = holder.host === hostname() ? '' : ` on ${holder.host}`;
  return new UserError(`\`${holder.command}\` is running in ${where} (pid ${holder.pid}${host}, since ${holder.startedAt}); one ssot command writes a tree at a time`, {
    hint: `wait for it to finish; if pid ${holder.pid} is not ssot, delete ${path.join(where, SSOT_DIR, LOCK_FILE)}`,
  });
}

function releaseOnce(key: string): void {
  const mine = held.get(key);
  if (!mine) return;
  if (--mine.count > 0) return;
  held.delete(key);
  const file = lockPath(key);
  const current = readHolder(file);
  // only our own lock is removed: a --force taker's lock stays
  if (current && current.pid === mine.holder.pid && current.startedAt === mine.holder.startedAt) {
    try {
      unlinkSync(file);
    } catch {
      // gone already
    }
  }
  if (mine.found) restoreFound(path.join(key, SSOT_DIR), mine.found);
}

/** What `.ssot/` holds when the lock is about to add its `.gitignore` (or the folder itself); null when that is there already. */
function foundBefore(dir: string): Found | null {
  if (!existsSync(dir)) return { dir: false, entries: [] };
  if (existsSync(path.join(dir, '.gitignore'))) return null;
  try {
    return { dir: true, entries: readdirSync(dir).sort() };
  } catch {
    return null;
  }
}

/** Removes the `.gitignore` (and the folder) the lock made, when nothing else changed in `.ssot/`; a command still filling it keeps it. */
function restoreFound(dir: string, found: Found): void {
  try {
    const now = readdirSync(dir)
      .filter((e) => e !== '.gitignore')
      .sort();
    if (now.join('\0') !== found.entries.join('\0')) return;
    unlinkSync(path.join(dir, '.gitignore'));
    if (!found.dir) rmdirSync(dir);
  } catch {
    // changed meanwhile (another command's lock or state arrived), or gone: leave it
  }
}

/** True when this call created `file` with `content`; false when it exists. */
function createExclusive(file: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    // `.ssot/` was removed by a releasing command between our mkdir and open: make it again, retry
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      ensureSsotDir(path.dirname(path.dirname(file)));
      return false;
    }
    throw error;
  }
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The holder in `file`: undefined when the file is gone, null when it cannot be parsed (being written, or corrupt). */
function readHolder(file: string): LockHolder | null | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return null;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockHolder>;
    if (typeof parsed.pid !== 'number' || typeof parsed.command !== 'string') return null;
    return { pid: parsed.pid, host: String(parsed.host ?? hostname()), command: parsed.command, startedAt: String(parsed.startedAt ?? '?') };
  } catch {
    return null;
  }
}

function olderThan(file: string, ms: number): boolean {
  try {
    return Date.now() - statSync(file).mtimeMs > ms;
  } catch {
    return true;
  }
}

/**
 * Removes the stale lock `file` (holder `stale`), under the takeover marker
 * so only one process does it. True when this process removed it.
 */
function takeOver(file: string, stale: LockHolder | null): boolean {
  const marker = `${file}.takeover`;
  if (!createExclusive(marker, `${process.pid}\n`)) {
    if (olderThan(marker, TAKEOVER_STALE_MS)) {
      try {
        unlinkSync(marker);
      } catch {
        // another process removed it
      }
    }
    return false;
  }
  try {
    // still the same stale lock? (another process may have taken it over and holds it now)
    const now = readHolder(file);
    if (now === undefined) return false;
    const same = now === null ? stale === null : stale !== null && now.pid === stale.pid && now.startedAt === stale.startedAt;
    if (!same) return false;
    unlinkSync(file);
    return true;
  } finally {
    try {
      unlinkSync(marker);
    } catch {
      // removed as stale by another process
    }
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

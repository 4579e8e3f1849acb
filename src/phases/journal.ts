/**
 * The on-disk journal that makes a phase (or a rollback) undoable after a
 * crash, a `kill -9` or a power cut. Before the first byte of a user file
 * changes, ssot writes — durably — a backup of every file it is about to
 * touch and `.ssot/journal.json` naming them with their hashes and the HEAD
 * it started from. It is removed only once the command has either completed
 * (commit made and recorded) or put everything back.
 *
 * While a journal exists every other ssot command refuses to run (exit 2)
 * and points at `ssot recover` (see recover.ts), which puts the tree back.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmdirSync, rmSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../model/errors.js';
import { sha256Hex } from '../model/hash.js';
import { ensureSsotDir, SSOT_DIR, syncDirectory, writeFileAtomic } from '../workspace/files.js';

export const JOURNAL_FILE = 'journal.json';
export const JOURNAL_VERSION = 1;
/** The trailer every commit made under a journal carries, so recovery can tell ssot's commits from anyone else's. */
export const JOURNAL_TRAILER = 'Ssot-Journal';

export type JournalOp = 'fix-phase' | 'rollback';

export interface JournalFile {
  /** Posix path relative to the ssot root. */
  readonly file: string;
  /** Backup file name under `.ssot/journal/<id>/`; null when the file did not exist. */
  readonly backup: string | null;
  readonly originalSha256: string | null;
  /** Hash of the bytes ssot means to write, when known in advance (fixes); null otherwise. */
  readonly plannedSha256: string | null;
  /** Backup file name (under `.ssot/journal/<id>/`) of the bytes ssot means to write, when known; absent in older journals. */
  readonly plannedBackup?: string | null;
  readonly mode: number | null;
}

export interface Journal {
  readonly version: typeof JOURNAL_VERSION;
  readonly id: string;
  readonly op: JournalOp;
  /** The command in words, for messages: `ssot fix --phase 1b`. */
  readonly command: string;
  readonly phase: string | null;
  readonly pid: number;
  readonly startedAt: string;
  /** HEAD when the command started: recovery returns here. */
  readonly head: string;
  readonly files: readonly JournalFile[];
}

export interface JournalEntryInput {
  readonly file: string;
  readonly original: Buffer | null;
  readonly planned: Buffer | null;
  readonly mode: number | null;
}

export function journalPath(root: string): string {
  return path.join(root, SSOT_DIR, JOURNAL_FILE);
}

function backupDir(root: string, id: string): string {
  return path.join(root, SSOT_DIR, 'journal', id);
}

/** Writes backups, then the journal itself; returns it. Throws when one exists already. */
export function writeJournal(
  root: string,
  input: { op: JournalOp; command: string; phase: string | null; head: string; files: readonly JournalEntryInput[] },
): Journal {
  if (existsSync(journalPath(root))) throw new Error('a journal exists already (callers check requireNoJournal first)');
  ensureSsotDir(root);
  const id = `${new Date().toISOString().replace(/[-:.]/g, '').replace('T', '-').slice(0, 15)}-${randomBytes(4).toString('hex')}`;
  const dir = backupDir(root, id);
  const files: JournalFile[] = input.files.map((entry, index) => {
    let backup: string | null = null;
    if (entry.original) {
      backup = String(index);
      writeBackupIn(dir, backup, entry.original);
    }
    // ssot's own version too: when someone edits the file meanwhile, theirs is kept and this one is handed back
    let plannedBackup: string | null = null;
    if (entry.planned) {
      plannedBackup = `${index}.planned`;
      writeBackupIn(dir, plannedBackup, entry.planned);
    }
    return {
      file: entry.file,
      backup,
      originalSha256: entry.original ? sha256Hex(entry.original) : null,
      plannedSha256: entry.planned ? sha256Hex(entry.planned) : null,
      plannedBackup,
      mode: entry.mode,
    };
  });
  const journal: Journal = {
    version: JOURNAL_VERSION,
    id,
    op: input.op,
    command: input.command,
    phase: input.phase,
    pid: process.pid,
    startedAt: new Date().toISOString(),
    head: input.head,
    files,
  };
  writeFileAtomic(journalPath(root), Buffer.from(`${JSON.stringify(journal, null, 2)}\n`));
  return journal;
}

function writeBackupIn(dir: string, name: string, bytes: Buffer): void {
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true });
    syncDirectory(path.dirname(dir));
  }
  writeFileAtomic(path.join(dir, name), bytes, { mode: 0o600 });
}

export function readJournal(root: string): Journal | null {
  const file = journalPath(root);
  if (!existsSync(file)) return null;
  let parsed: Journal;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Journal;
  } catch (error) {
    throw new UserError(`${file}: the interruption journal is unreadable (${(error as Error).message})`, {
      hint: `the backups it names are under ${path.join(root, SSOT_DIR, 'journal')}; restore files from there by hand, then delete ${JOURNAL_FILE}`,
    });
  }
  if (parsed.version !== JOURNAL_VERSION) {
    throw new UserError(`${file}: interruption journal of an unknown version (${String(parsed.version)})`, {
      hint: 'it was written by a different ssot version; recover with that version',
    });
  }
  return parsed;
}

/** The original bytes of a journaled file; null when it did not exist. A missing backup is a UserError saying how to recover by hand. */
export function readBackup(root: string, journal: Journal, entry: JournalFile): Buffer | null {
  if (entry.backup === null) return null;
  try {
    return readFileSync(path.join(backupDir(root, journal.id), entry.backup));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new UserError(`the backup ${entry.backup} of the interruption journal ${journal.id} is missing`, {
      hint: `restore the files by hand from git (\`git checkout ${journal.head.slice(0, 12)} -- FILE\`), then delete ${path.join(SSOT_DIR, JOURNAL_FILE)}`,
    });
  }
}

/** The bytes ssot meant to write for a journaled file, when the journal kept them. */
export function readPlannedBackup(root: string, journal: Journal, entry: JournalFile): Buffer | null {
  if (!entry.plannedBackup) return null;
  try {
    return readFileSync(path.join(backupDir(root, journal.id), entry.plannedBackup));
  } catch {
    return null;
  }
}

/** Removes the journal (first, so a crash in between leaves no journal pointing at missing backups), then its backups. */
export function clearJournal(root: string, journal: Journal): void {
  try {
    unlinkSync(journalPath(root));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  syncDirectory(path.join(root, SSOT_DIR));
  rmSync(backupDir(root, journal.id), { recursive: true, force: true });
  try {
    rmdirSync(path.join(root, SSOT_DIR, 'journal')); // only when empty
  } catch {
    // other backups (or none at all): leave it
  }
}

/** True when the process that wrote the journal still runs (it may be another ssot mid-phase). */
export function journalOwnerAlive(journal: Journal): boolean {
  if (journal.pid === process.pid) return false;
  try {
    process.kill(journal.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** What every command but `ssot recover` and `ssot status` says while a journal exists (exit 2). */
export function interruptedError(root: string, journal: Journal): UserError {
  const where = path.relative(process.cwd(), root) || '.';
  const running = journalOwnerAlive(journal);
  const files = journal.files.length === 1 ? '1 file' : `${journal.files.length} files`;
  if (running) {
    return new UserError(`\`${journal.command}\` is in progress in ${where} (pid ${journal.pid}, started ${journal.startedAt})`, {
      hint: 'wait for it to finish; if that process is not ssot, run `ssot recover --force`',
    });
  }
  return new UserError(`\`${journal.command}\` was interrupted (started ${journal.startedAt}); ${files} may be half-changed in ${where}`, {
    hint: `run \`ssot recover${where === '.' ? '' : ` ${where}`}\` to put the tree back exactly as it was before it started`,
  });
}

/** Throws the interrupted-command error when a journal exists under `root`. */
export function requireNoJournal(root: string): void {
  const journal = readJournal(root);
  if (journal) throw interruptedError(root, journal);
}

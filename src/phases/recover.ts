/**
 * Puts the tree back to where an interrupted (or failed) phase or rollback
 * started, from its journal: HEAD returns to the journal's commit when ssot
 * had already committed (only commits carrying this journal's trailer are
 * ever dropped), every journaled file gets its original bytes back, and the
 * index entries of those files return to HEAD.
 *
 * Nothing a person wrote is lost. A file ssot wrote (its planned bytes are
 * known) that now holds anything else was edited by someone while the phase
 * ran: it is never overwritten — it stays as they left it, and ssot's own
 * version is put in `.ssot/recovered/<journal id>/<file>` for them. Content
 * found where ssot's bytes are not known in advance (a rollback) that is not
 * the original is copied there before the file is restored.
 *
 * The same routine undoes an ordinary failure (a red gate) in-process, so the
 * crash path is the tested path.
 */
import { existsSync, mkdirSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../model/errors.js';
import { sha256Hex } from '../model/hash.js';
import { readIfExists, SSOT_DIR, writeFileAtomic } from '../workspace/files.js';
import { abortRevert, commitMessage, commitsBetween, headCommit, isAncestor, resetKeep, shortCommit, unstage } from '../workspace/git.js';
import { clearJournal, JOURNAL_TRAILER, journalOwnerAlive, readBackup, readJournal, readPlannedBackup, type Journal } from './journal.js';
import { describeOrphans, endOrphanedGates } from './orphans.js';
import { appendEvent } from './state.js';

export interface RecoverResult {
  readonly journal: Journal;
  /** Files whose bytes were put back. */
  readonly restored: string[];
  /** Journaled files that were already as they had been. */
  readonly untouched: string[];
  /** Files whose unexpected content was saved before restoring: file → copy (relative to root). */
  readonly savedCopies: { file: string; copy: string }[];
  /** Files someone changed after ssot wrote them: left as they are; `ssotVersion` is where ssot's bytes were put (null when the journal did not keep them). */
  readonly kept: { file: string; ssotVersion: string | null }[];
  /** The commit HEAD was moved back from, when ssot had committed before the interruption. */
  readonly headReset: string | null;
  /** Why the recovery could not be recorded in the state file (it was done all the same). */
  readonly stateNotRecorded?: string;
  /** Gate process groups the interrupted run left running: ended, or named when they could not be checked. */
  readonly orphans?: readonly string[];
}

export async function recoverFromJournal(root: string, journal: Journal): Promise<RecoverResult> {
  const head = await headCommit(root);
  // what each file held when recovery began, before HEAD moves: decides "restored" vs "untouched"
  const found = new Map(journal.files.map((f) => [f.file, readIfExists(path.join(root, f.file))]));
  let headReset: string | null = null;
  await abortRevert(root);
  if (head !== journal.head) {
    if (!head || !(await isAncestor(root, journal.head, head))) {
      throw new UserError(
        `HEAD is no longer a descendant of ${await shortCommit(root, journal.head)}, where \`${journal.command}\` started; not touching anything`,
        { hint: `check \`git log\` and \`git status\`; the original bytes of the ${journal.files.length} journaled files are in ${path.join(SSOT_DIR, 'journal', journal.id)}` },
      );
    }
    const commits = await commitsBetween(root, journal.head, head);
    for (const commit of commits) {
      const message = await commitMessage(root, commit);
      if (!message.includes(`${JOURNAL_TRAILER}: ${journal.id}`)) {
        throw new UserError(
          `commit ${await shortCommit(root, commit)} was made after \`${journal.command}\` was interrupted; not moving HEAD over it`,
          { hint: `undo or keep it yourself; the original bytes of the journaled files are in ${path.join(SSOT_DIR, 'journal', journal.id)}` },
        );
      }
    }
    const reset = await resetKeep(root, journal.head);
    if (!reset.ok) {
      throw new UserError(`cannot move HEAD back to ${await shortCommit(root, journal.head)}: ${reset.output.trim().split('\n')[0] ?? ''}`, {
        hint: 'local changes overlap the commits ssot made; commit or stash them and run `ssot recover` again',
      });
    }
    headReset = head;
  }

  const restored: string[] = [];
  const untouched: string[] = [];
  const savedCopies: { file: string; copy: string }[] = [];
  const kept: { file: string; ssotVersion: string | null }[] = [];
  for (const entry of journal.files) {
    const target = path.join(root, entry.file);
    const atStart = found.get(entry.file) ?? null;
    const current = readIfExists(target);
    const currentSha = current ? sha256Hex(current) : null;
    if (currentSha === entry.originalSha256) {
      if ((atStart ? sha256Hex(atStart) : null) === entry.originalSha256) untouched.push(entry.file);
      else restored.push(entry.file); // put back by moving HEAD
      continue;
    }
    if (entry.plannedSha256 !== null && currentSha !== entry.plannedSha256) {
      // someone changed (or removed) the file after ssot wrote it: theirs stays; ssot's version is handed back beside it
      const planned = readPlannedBackup(root, journal, entry);
      let ssotVersion: string | null = null;
      if (planned) {
        ssotVersion = path.posix.join(SSOT_DIR, 'recovered', journal.id, entry.file);
        mkdirSync(path.dirname(path.join(root, ssotVersion)), { recursive: true });
        writeFileAtomic(path.join(root, ssotVersion), planned);
      }
      kept.push({ file: entry.file, ssotVersion });
      continue;
    }
    if (current && currentSha !== entry.plannedSha256) {
      const copy = path.posix.join(SSOT_DIR, 'recovered', journal.id, entry.file);
      mkdirSync(path.dirname(path.join(root, copy)), { recursive: true });
      writeFileAtomic(path.join(root, copy), current);
      savedCopies.push({ file: entry.file, copy });
    }
    const original = readBackup(root, journal, entry);
    if (original === null) {
      if (existsSync(target)) unlinkSync(target);
    } else {
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileAtomic(target, original, entry.mode === null ? {} : { mode: entry.mode });
      const check = readIfExists(target);
      if (!check || sha256Hex(check) !== entry.originalSha256) throw new Error(`restoring ${entry.file} did not reproduce its original bytes`);
    }
    restored.push(entry.file);
  }
  await unstage(
    root,
    journal.files.map((f) => f.file),
  );
  clearJournal(root, journal);
  return { journal, restored, untouched, savedCopies, kept, headReset };
}

/**
 * `ssot recover`: undoes the command a journal describes and records that it
 * did. Null when there is nothing to recover. Refuses while the process that
 * wrote the journal still runs, unless `force` (its pid may have been reused).
 */
export async function recoverInterrupted(root: string, options: { force?: boolean } = {}): Promise<RecoverResult | null> {
  const journal = readJournal(root);
  if (!journal) return null;
  if (journalOwnerAlive(journal) && !options.force) {
    throw new UserError(`\`${journal.command}\` is still running (pid ${journal.pid}); recovering now would race with it`, {
      hint: 'wait for it to finish, or stop it; if pid ' + journal.pid + ' is not ssot, run `ssot recover --force`',
    });
  }
  // first the gate the interrupted run left running: it must not test or write the tree being put back
  const orphans = endOrphanedGates(root);
  const recovered = await recoverFromJournal(root, journal);
  const result: RecoverResult = { ...recovered, orphans: describeOrphans(orphans) };
  try {
    appendEvent(root, {
      type: 'recovered',
      at: new Date().toISOString(),
      interrupted: journal.command,
      restored: result.restored,
      headReset: result.headReset,
    });
  } catch (error) {
    // the tree is back: a state file that cannot take the record (corrupt) is reported, not a failed recovery
    if (!(error instanceof UserError)) throw error;
    return { ...result, stateNotRecorded: error.message };
  }
  return result;
}

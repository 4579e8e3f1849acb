/**
 * The write-check-commit transaction of a phase: journal and backups on disk
 * first, then the files, then the `after` check, then one commit of exactly
 * those files. Any failure or interruption after the first write goes
 * through recoverFromJournal: HEAD where it was, every file byte for byte as
 * before — the crash path is the tested path. A bug that surfaces mid-way
 * still puts the files back before it propagates.
 */
import { unlinkSync } from 'node:fs';
import path from 'node:path';
import type { FileFix } from '../model/outcome.js';
import { oneLine, plural } from '../text/plural.js';
import { fileMode, pathInsideRoot, readIfExists, writeFileAtomic } from '../workspace/files.js';
import { blobAt, blobIdFor, commitFiles, intentToAdd } from '../workspace/git.js';
import { writeErrorReason, WriteFailure, writeFileFixes } from '../engine/write.js';
import type { GateResult } from './gates.js';
import { clearJournal, writeJournal, type Journal } from './journal.js';
import { recoverFromJournal } from './recover.js';
import type { FailedStage } from './state.js';

export interface TransactionInput {
  readonly root: string;
  /** The command in words, for the journal (`ssot fix --phase 1b`). */
  readonly command: string;
  readonly phase: string;
  readonly head: string;
  readonly files: readonly FileFix[];
  /** Of `files`, those that do not exist yet (a rollback point without a backup: recovery deletes them). */
  readonly created?: ReadonlySet<string>;
  /** Files the phase deletes, with their bytes (`ssot prune`). */
  readonly removed?: readonly { readonly file: string; readonly original: Buffer }[];
  readonly signal?: AbortSignal;
  readonly onStep: (message: string) => void;
  /**
   * Runs the checks on the written tree; a failing one undoes everything.
   * `commitOnly`: the check left only these files' fixes in the tree (culprit
   * isolation put the others back) and only they are committed — none: no commit.
   */
  readonly check: (journal: Journal) => Promise<{ readonly failed?: { readonly reason: string; readonly gate: GateResult; readonly stage?: FailedStage }; readonly commitOnly?: readonly string[] }>;
  /** The commit message, given the journal id its trailer carries. */
  readonly message: (journalId: string) => string;
}

export type TransactionResult =
  /** `commit` null: the check left no fix to commit. */
  | { readonly status: 'committed'; readonly commit: string | null; readonly journal: Journal; readonly written: readonly string[] }
  | {
      readonly status: 'undone';
      readonly stage: FailedStage;
      readonly reason: string;
      readonly restored: readonly string[];
      readonly failedGate?: GateResult;
      /** The files written before the undo (empty when the write itself failed). */
      readonly written: readonly string[];
      /** Files someone changed after ssot wrote them: left as they are, ssot's version beside them. */
      readonly kept: readonly { readonly file: string; readonly ssotVersion: string | null }[];
    };

export async function writeCheckCommit(input: TransactionInput): Promise<TransactionResult> {
  const { root, files } = input;
  const removed = input.removed ?? [];
  const journal: Journal = writeJournal(root, {
    op: 'fix-phase',
    command: input.command,
    phase: input.phase,
    head: input.head,
    files: [
      ...files.map((f) => ({ file: f.file, original: input.created?.has(f.file) ? null : f.original, planned: f.updated, mode: input.created?.has(f.file) ? null : fileMode(path.join(root, f.file)) })),
      ...removed.map((f) => ({ file: f.file, original: f.original, planned: null, mode: fileMode(path.join(root, f.file)) })),
    ],
  });
  let settled = false;
  let written: readonly string[] = [];
  const undo = async (stage: FailedStage, given: string, failedGate?: GateResult): Promise<TransactionResult> => {
    let reason = given;
    settled = true;
    input.onStep(`restoring ${plural(files.length, 'file')}`);
    const recovered = await recoverFromJournal(root, journal);
    // "every file was restored" is not true of a file someone changed meanwhile: it was kept
    if (recovered.kept.length) reason = reason.replace('; every file was restored', '; every other file was restored');
    return { status: 'undone', stage, reason, restored: recovered.restored, kept: recovered.kept, written, ...(failedGate ? { failedGate } : {}) };
  };
  try {
    try {
      input.onStep(`writing ${plural(files.length, 'file')}`);
      const created = files.filter((f) => input.created?.has(f.file));
      writeFileFixes(root, files.filter((f) => !input.created?.has(f.file)), 'all');
      // new files are written after the others: a failure here leaves them to the journal, which deletes
      // them (writeFileFixes would put a created file "back" as an empty one)
      for (const f of created) {
        if (f.status !== 'changed' || !f.updated) continue;
        try {
          writeFileAtomic(pathInsideRoot(root, f.file), f.updated);
        } catch (error) {
          throw new WriteFailure(f.file, writeErrorReason(error));
        }
      }
      for (const f of removed) {
        try {
          unlinkSync(pathInsideRoot(root, f.file));
        } catch (error) {
          throw new WriteFailure(f.file, writeErrorReason(error));
        }
      }
      await intentToAdd(root, created.map((f) => f.file));
    } catch (error) {
      const why = error instanceof WriteFailure ? `${error.file}: ${error.reason}` : writeErrorReason(error);
      return await undo('fix', `writing the fixed files failed (${why}); every file was restored`);
    }
    written = [...files.map((f) => f.file), ...removed.map((f) => f.file)];
    if (input.signal?.aborted) return await undo('interrupted', 'interrupted after writing; every file was restored');
    const checked = await input.check(journal);
    if (input.signal?.aborted) return await undo('interrupted', 'interrupted while the after gates ran; every file was restored');
    if (checked.failed) return await undo(checked.failed.stage ?? 'after-gates', checked.failed.reason, checked.failed.gate);
    if (checked.commitOnly) {
      written = checked.commitOnly;
      if (!written.length) {
        settled = true;
        return { status: 'committed', commit: null, journal, written };
      }
    }
    // a file someone changed while the gates ran is never committed as ssot's
    // (a file isolation held back must be as it was before the phase: its original bytes)
    const kept = new Set(written);
    const editedBefore = changedSinceWritten(root, files, kept);
    if (editedBefore.length) return await undo('hand-edit', handEditReason(editedBefore));
    input.onStep('committing');
    const committed = await commitFiles(root, written, input.message(journal.id), { signal: input.signal });
    // a Ctrl-C or SIGTERM during the commit (a hook that hangs) ends git and undoes the phase, commit or not
    if (input.signal?.aborted) return await undo('interrupted', 'interrupted while git committed; every file was restored');
    if (!committed.ok) return await undo('commit', `git commit failed: ${commitFailureReason(committed.output)}`);
    // an edit that landed between that check and the commit: the commit must hold exactly ssot's bytes
    const committedFiles = files.filter((f) => kept.has(f.file));
    const swept = await sweptIntoCommit(root, committedFiles, changedSinceWritten(root, committedFiles, kept));
    if (swept.length) return await undo('hand-edit', handEditReason(swept));
    settled = true;
    return { status: 'committed', commit: committed.commit, journal, written };
  } finally {
    if (!settled) {
      // a bug surfaced mid-phase: still put the user's files back before it propagates
      try {
        await recoverFromJournal(root, journal);
      } catch {
        // the journal stays; `ssot recover` will say what is left
      }
    }
  }
}

/** Removes the journal once the phase is recorded. */
export function finishTransaction(root: string, result: Extract<TransactionResult, { status: 'committed' }>): void {
  clearJournal(root, result.journal);
}

/**
 * Files whose bytes on disk are not what ssot left there (someone edited,
 * replaced or removed them): its fix for the files it commits (`kept`), the
 * original for the ones a culprit isolation held back.
 */
function changedSinceWritten(root: string, files: readonly FileFix[], kept: ReadonlySet<string>): string[] {
  const changed: string[] = [];
  for (const f of files) {
    if (!f.updated) continue;
    const expected = kept.has(f.file) ? f.updated : f.original;
    const now = readIfExists(path.join(root, f.file));
    if (!now || !now.equals(expected)) changed.push(f.file);
  }
  return changed;
}

/** Of `suspects`, the files whose committed blob is not what ssot's bytes give (an edit was swept into the commit). */
async function sweptIntoCommit(root: string, files: readonly FileFix[], suspects: readonly string[]): Promise<string[]> {
  const swept: string[] = [];
  for (const file of suspects) {
    const planned = files.find((f) => f.file === file)?.updated;
    if (!planned) continue;
    const [expected, committed] = await Promise.all([blobIdFor(root, file, planned), blobAt(root, 'HEAD', file)]);
    if (expected === null || expected !== committed) swept.push(file);
  }
  return swept;
}

function handEditReason(files: readonly string[]): string {
  const shown = files.slice(0, 3).join(', ') + (files.length > 3 ? `, … (${files.length - 3} more)` : '');
  return `${plural(files.length, 'file')} changed while the phase ran (${shown}); kept as changed, nothing committed`;
}

/** git's reason in one line; a hook that says nothing still gets a reason. */
export function commitFailureReason(output: string): string {
  const text = oneLine(output).slice(0, 300);
  return text || 'a git hook (pre-commit, commit-msg) refused the commit without saying why';
}

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
import { fileMode } from '../workspace/files.js';
import { commitFiles, intentToAdd } from '../workspace/git.js';
import { writeFileFixes } from '../engine/write.js';
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
  /** Runs the checks on the written tree; a failing one undoes everything. */
  readonly check: () => Promise<{ readonly failed?: { readonly reason: string; readonly gate: GateResult } }>;
  /** The commit message, given the journal id its trailer carries. */
  readonly message: (journalId: string) => string;
}

export type TransactionResult =
  | { readonly status: 'committed'; readonly commit: string; readonly journal: Journal; readonly written: readonly string[] }
  | {
      readonly status: 'undone';
      readonly stage: FailedStage;
      readonly reason: string;
      readonly restored: readonly string[];
      readonly failedGate?: GateResult;
      /** The files written before the undo (empty when the write itself failed). */
      readonly written: readonly string[];
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
  const undo = async (stage: FailedStage, reason: string, failedGate?: GateResult): Promise<TransactionResult> => {
    settled = true;
    input.onStep(`restoring ${plural(files.length, 'file')}`);
    const recovered = await recoverFromJournal(root, journal);
    return { status: 'undone', stage, reason, restored: recovered.restored, written, ...(failedGate ? { failedGate } : {}) };
  };
  try {
    try {
      input.onStep(`writing ${plural(files.length, 'file')}`);
      writeFileFixes(root, files);
      for (const f of removed) unlinkSync(path.join(root, f.file));
      await intentToAdd(root, files.filter((f) => input.created?.has(f.file)).map((f) => f.file));
    } catch (error) {
      return await undo('fix', `writing the fixed files failed: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    written = [...files.map((f) => f.file), ...removed.map((f) => f.file)];
    if (input.signal?.aborted) return await undo('interrupted', 'interrupted after writing; every file was restored');
    const checked = await input.check();
    if (input.signal?.aborted) return await undo('interrupted', 'interrupted while the after gates ran; every file was restored');
    if (checked.failed) return await undo('after-gates', checked.failed.reason, checked.failed.gate);
    input.onStep('committing');
    const committed = await commitFiles(root, written, input.message(journal.id));
    if (!committed.ok) return await undo('commit', `git commit failed: ${oneLine(committed.output).slice(0, 300)}`);
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

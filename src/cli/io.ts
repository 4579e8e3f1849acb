/** Output helpers for commands: colours only on a TTY (NO_COLOR respected), atomic --output files, the root argument. */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { Option, type Command } from 'commander';
import { UserError } from '../model/errors.js';
import { ANSI_COLORS, NO_COLORS, type Colors } from '../text/colors.js';
import { drained, writeFileAtomic } from '../workspace/files.js';
import { withTreeLock, type LockHolder } from '../workspace/lock.js';

/** Colours for `stream`: only on a terminal, never with NO_COLOR set or TERM=dumb. */
export function colorsFor(stream: Pick<NodeJS.WriteStream, 'isTTY'>): Colors {
  const enabled = Boolean(stream.isTTY) && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';
  return enabled ? ANSI_COLORS : NO_COLORS;
}

/** Columns of a terminal `stream` (for wrapping), or undefined for pipes and files (no wrapping). */
export function terminalWidth(stream: Pick<NodeJS.WriteStream, 'isTTY' | 'columns'>): number | undefined {
  return stream.isTTY && stream.columns > 0 ? stream.columns : undefined;
}

/** The root a command works on: PATH (default `.`), which must be a directory. */
export function resolveRoot(pathArg: string | undefined): string {
  const root = path.resolve(pathArg ?? '.');
  if (!existsSync(root)) throw new UserError(`${pathArg}: no such directory`);
  if (!statSync(root).isDirectory()) throw new UserError(`${pathArg}: not a directory`);
  return root;
}

/** What a command prints: one string, or pieces whose concatenation is it (a large report, written as it is rendered). */
export type Output = string | Iterable<string>;

/**
 * Writes `text` to --output atomically or to stdout. Pieces are gathered
 * into writes of 32 to 100 KB, each waiting for the reader when the pipe is
 * full: a large report is never queued whole in memory.
 */
export async function emit(text: Output, output: string | undefined): Promise<void> {
  if (!output) {
    if (typeof text === 'string') {
      process.stdout.write(text);
      return;
    }
    let batch: string[] = [];
    let size = 0;
    for (const piece of text) {
      batch.push(piece);
      size += piece.length;
      if (size < WRITE_BATCH) continue;
      if (!process.stdout.write(batch.join(''))) await drained(process.stdout);
      batch = [];
      size = 0;
    }
    if (size > 0) process.stdout.write(batch.join(''));
    return;
  }
  try {
    writeFileAtomic(path.resolve(output), typeof text === 'string' ? text : [...text].join(''));
  } catch (error) {
    throw new UserError(`${output}: cannot write output (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/** Characters gathered per stdout write of a report in pieces (a write stays below V8's large-object size, 128 KB). */
const WRITE_BATCH = 1 << 15;

/** A progress bar on stderr for long runs on a TTY; a no-op elsewhere. */
export function progressBar(label: string): { update(done: number, total: number): void; stop(): void } {
  if (!process.stderr.isTTY || process.env.CI) return { update() {}, stop() {} };
  let bar: cliProgress.SingleBar | undefined;
  const started = Date.now();
  return {
    update(done, total) {
      if (!bar) {
        if (Date.now() - started < 300 || total < 500) return; // short runs stay quiet
        bar = new cliProgress.SingleBar(
          { stream: process.stderr, format: `${label} [{bar}] {value}/{total} files`, clearOnComplete: true, hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, done);
      }
      bar.update(done);
    },
    stop() {
      bar?.stop();
    },
  };
}

/** `[path]` and `-c, --config`, as every command that reads the config declares them. */
export function withRootAndConfig(command: Command): Command {
  return command
    .argument('[path]', 'root of the monorepo (where ssot.config.yaml is)', '.')
    .option('-c, --config <file>', 'config file (default: ssot.config.yaml in PATH)');
}

/** `-f, --format text|json` (default text). */
export function withTextJsonFormat(command: Command): Command {
  return command.addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'));
}

/**
 * Runs a command that writes the tree holding its lock (one writer at a
 * time); a stale lock left by a process that is gone is taken over, and
 * stderr says so.
 */
export function locked<T>(root: string, command: string, work: () => Promise<T>, options: { readonly force?: boolean } = {}): Promise<T> {
  return withTreeLock(root, command, work, {
    ...options,
    onTakeOver: (stale: LockHolder) =>
      process.stderr.write(`warning: took over the lock left by \`${stale.command}\` (pid ${stale.pid}, since ${stale.startedAt}), which is no longer running\n`),
  });
}

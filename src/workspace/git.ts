/**
 * The git CLI, run without a shell: every argument is passed as-is through
 * `spawn`, never interpolated into a command line. Paths are posix paths
 * relative to `cwd` (the ssot root, which may be a subdirectory of the
 * repository); `git show`/`rev-parse` use the `./` form so they resolve from
 * `cwd` too.
 *
 * Git children run in their own process group so a Ctrl-C at the terminal
 * reaches ssot only: ssot then decides what to undo, instead of finding a
 * half-killed `git commit`.
 */
import { spawn } from 'node:child_process';
import { UserError } from '../model/errors.js';

export interface GitOutput {
  readonly code: number;
  readonly stdout: Buffer;
  readonly stderr: string;
}

export interface GitCallOptions {
  /** Bytes for stdin (commit messages, patches). */
  readonly input?: string | Buffer;
  /** Extra environment on top of process.env. */
  readonly env?: Readonly<Record<string, string>>;
  /** Aborting ends git and whatever it started (hooks): its process group gets SIGTERM, then SIGKILL. */
  readonly signal?: AbortSignal;
  /** Ends git the same way after this many ms (hooks that hang). */
  readonly timeoutMs?: number;
}

/** How long a git command that runs hooks (commit) may take before it is stopped. */
export const HOOK_TIMEOUT_MS = 600_000;
/** SIGKILL follows SIGTERM to a stopped git's process group after this many ms. */
const GIT_KILL_GRACE_MS = 2000;

/** Runs `git args` in `cwd`; never throws for a non-zero exit (see `gitOk`). */
export function gitRun(cwd: string, args: readonly string[], options: GitCallOptions = {}): Promise<GitOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...args], {
      cwd,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') reject(new UserError('git not found on PATH', { hint: 'install git; ssot records phases as git commits' }));
      else reject(error);
    });
    let stopped: string | null = null;
    const stop = (why: string) => {
      if (stopped !== null || child.pid === undefined) return;
      stopped = why;
      const group = -child.pid;
      try {
        process.kill(group, 'SIGTERM');
      } catch {
        // gone already
      }
      setTimeout(() => {
        try {
          process.kill(group, 'SIGKILL');
        } catch {
          // gone
        }
      }, GIT_KILL_GRACE_MS).unref();
    };
    const onAbort = () => stop('interrupted');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => stop(`timed out after ${Math.round(options.timeoutMs! / 1000)}s (a hook that hangs?)`), options.timeoutMs);
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      const stderr = Buffer.concat(err).toString('utf8');
      resolve({ code: stopped !== null ? 128 + 15 : (code ?? 128), stdout: Buffer.concat(out), stderr: stopped !== null ? `git ${args[0]} ${stopped}\n${stderr}` : stderr });
    });
    child.stdin.on('error', () => {
      // git may exit before reading stdin (e.g. a usage error); its exit code tells the story
    });
    child.stdin.end(options.input ?? '');
  });
}

/** A git command that failed where success was expected: a bug or a broken repository, shown with git's own words. */
export class GitCommandError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly code: number,
    readonly stderr: string,
  ) {
    super(`git ${args.join(' ')} failed (exit ${code}): ${lastLines(stderr, 3).join(' | ')}`);
    this.name = 'GitCommandError';
  }
}

/** stdout of `git args` as text (trailing newline trimmed); throws GitCommandError on a non-zero exit. */
export async function gitOk(cwd: string, args: readonly string[], options: GitCallOptions = {}): Promise<string> {
  const result = await gitRun(cwd, args, options);
  if (result.code !== 0) throw new GitCommandError(args, result.code, result.stderr);
  return result.stdout.toString('utf8').replace(/\n$/, '');
}

function nulList(buffer: Buffer): string[] {
  return buffer
    .toString('utf8')
    .split('\0')
    .filter((s) => s.length > 0);
}

export function lastLines(text: string, n: number): string[] {
  const lines = text.replace(/\s+$/, '').split('\n');
  return lines.slice(Math.max(0, lines.length - n)).filter((l) => l.length > 0);
}

/** The repository's top-level directory, or null when `dir` is not in a git work tree. */
export async function gitTopLevel(dir: string): Promise<string | null> {
  const result = await gitRun(dir, ['rev-parse', '--show-toplevel']);
  return result.code === 0 ? result.stdout.toString('utf8').trim() : null;
}

/** The commit HEAD points to, or null in a repository without commits. */
export async function headCommit(cwd: string): Promise<string | null> {
  const result = await gitRun(cwd, ['rev-parse', '--verify', '-q', 'HEAD^{commit}']);
  return result.code === 0 ? result.stdout.toString('utf8').trim() : null;
}

/**
 * The root must be inside a git work tree with at least one commit: phases
 * are recorded as commits and undone with `git revert`.
 */
export async function requireGitWorkTree(root: string, what: string): Promise<string> {
  const top = await gitTopLevel(root);
  if (!top) {
    throw new UserError(`${what} needs a git work tree, and ${root} is not inside one`, {
      hint: 'run `git init && git add -A && git commit -m baseline` first, or use `ssot fix` without --phase (no gates, no commit)',
    });
  }
  const head = await headCommit(root);
  if (!head) {
    throw new UserError(`${what} needs a commit to return to, and the repository has none yet`, {
      hint: 'commit the current tree first: `git add -A && git commit -m baseline`',
    });
  }
  return head;
}

/**
 * What would stop a commit that has not run yet, so it is said before any
 * gate runs (a gate can take minutes): a merge, cherry-pick or revert in
 * progress (git refuses a partial commit then), or no committer identity.
 * Null when a commit can be made.
 */
export async function commitBlocker(cwd: string): Promise<{ readonly message: string; readonly hint: string } | null> {
  for (const [ref, what, finish] of [
    ['MERGE_HEAD', 'a merge', '`git merge --continue` or `git merge --abort`'],
    ['CHERRY_PICK_HEAD', 'a cherry-pick', '`git cherry-pick --continue` or `--abort`'],
    ['REVERT_HEAD', 'a revert', '`git revert --continue` or `--abort`'],
  ] as const) {
    const result = await gitRun(cwd, ['rev-parse', '-q', '--verify', ref]);
    if (result.code === 0) return { message: `${what} is in progress in this repository; ssot cannot commit a phase in the middle of it`, hint: `finish it first: ${finish}` };
  }
  const ident = await gitRun(cwd, ['var', 'GIT_COMMITTER_IDENT']);
  if (ident.code !== 0) {
    return {
      message: `git has no committer identity here (${lastLines(ident.stderr, 1)[0] ?? 'git var GIT_COMMITTER_IDENT failed'})`,
      hint: 'set one: `git config user.name "Your Name"` and `git config user.email you@example.com`',
    };
  }
  return null;
}

/** True when HEAD is detached (not on a branch): a commit made there is easy to lose. */
export async function headDetached(cwd: string): Promise<boolean> {
  const result = await gitRun(cwd, ['symbolic-ref', '-q', 'HEAD']);
  return result.code !== 0;
}

/**
 * Tracked files under `cwd` that differ from HEAD (staged or not), relative to
 * `cwd`. ssot's own `.ssot/` never counts, even in a repository that tracks it.
 */
export async function trackedChanges(cwd: string): Promise<string[]> {
  const out = await gitRun(cwd, ['diff', '--name-only', '-z', '--relative', '--no-renames', 'HEAD', '--', '.', ':(exclude).ssot']);
  if (out.code !== 0) throw new GitCommandError(['diff', 'HEAD'], out.code, out.stderr);
  const unmerged = await gitRun(cwd, ['diff', '--name-only', '-z', '--relative', '--diff-filter=U', '--', '.', ':(exclude).ssot']);
  return [...new Set([...nulList(out.stdout), ...(unmerged.code === 0 ? nulList(unmerged.stdout) : [])])].sort();
}

/** True when anything is staged anywhere in the repository (a commit we make must not sweep it in). */
export async function hasStagedChanges(cwd: string): Promise<boolean> {
  const result = await gitRun(cwd, ['diff', '--cached', '--quiet']);
  return result.code === 1;
}

/** Which of `files` (relative to cwd) git tracks. */
export async function trackedAmong(cwd: string, files: readonly string[]): Promise<Set<string>> {
  if (!files.length) return new Set();
  const out = await gitRun(cwd, ['ls-files', '-z', '--', ...files.map(literalPathspec)]);
  if (out.code !== 0) throw new GitCommandError(['ls-files'], out.code, out.stderr);
  return new Set(nulList(out.stdout));
}

/** A pathspec that matches exactly this path (no glob magic, whatever characters the name has). */
export function literalPathspec(rel: string): string {
  return `:(literal)${rel}`;
}

/**
 * Commits exactly `files` (their working-tree content) with `message`, leaving
 * whatever else the user has staged or changed alone (`git commit --only`).
 * Returns the new commit, or a failure with git's output.
 */
export async function commitFiles(
  cwd: string,
  files: readonly string[],
  message: string,
  options: { readonly signal?: AbortSignal; readonly timeoutMs?: number } = {},
): Promise<{ ok: true; commit: string } | { ok: false; output: string }> {
  const result = await gitRun(cwd, ['commit', '-q', '--no-edit', '-F', '-', '--only', '--', ...files.map(literalPathspec)], {
    input: message,
    signal: options.signal,
    timeoutMs: options.timeoutMs ?? HOOK_TIMEOUT_MS,
  });
  if (result.code !== 0) return { ok: false, output: result.stderr + result.stdout.toString('utf8') };
  return { ok: true, commit: (await headCommit(cwd))! };
}

/** Makes new files known to the index (`git add --intent-to-add`) so `commitFiles` can commit them. */
export async function intentToAdd(cwd: string, files: readonly string[]): Promise<void> {
  if (files.length) await gitOk(cwd, ['add', '--intent-to-add', '--', ...files.map(literalPathspec)]);
}

/** Commits what is staged (used after `git revert --no-commit`). */
export async function commitIndex(
  cwd: string,
  message: string,
  options: { readonly signal?: AbortSignal; readonly timeoutMs?: number } = {},
): Promise<{ ok: true; commit: string } | { ok: false; output: string }> {
  const result = await gitRun(cwd, ['commit', '-q', '--no-edit', '-F', '-'], { input: message, signal: options.signal, timeoutMs: options.timeoutMs ?? HOOK_TIMEOUT_MS });
  if (result.code !== 0) return { ok: false, output: result.stderr + result.stdout.toString('utf8') };
  return { ok: true, commit: (await headCommit(cwd))! };
}

/** File content at a commit, or null when the file does not exist there. */
export async function showFile(cwd: string, commit: string, rel: string): Promise<Buffer | null> {
  const result = await gitRun(cwd, ['show', `${commit}:./${rel}`]);
  return result.code === 0 ? result.stdout : null;
}

/** Blob id of a file at a commit, or null when absent. */
export async function blobAt(cwd: string, commit: string, rel: string): Promise<string | null> {
  const result = await gitRun(cwd, ['rev-parse', '-q', '--verify', `${commit}:./${rel}`]);
  return result.code === 0 ? result.stdout.toString('utf8').trim() : null;
}

/** The blob id git would store for `bytes` at `rel` (its clean filters and eol rules applied). */
export async function blobIdFor(cwd: string, rel: string, bytes: Buffer): Promise<string | null> {
  const result = await gitRun(cwd, ['hash-object', `--path=${rel}`, '--stdin'], { input: bytes });
  return result.code === 0 ? result.stdout.toString('utf8').trim() : null;
}

export async function isAncestor(cwd: string, ancestor: string, descendant: string): Promise<boolean> {
  const result = await gitRun(cwd, ['merge-base', '--is-ancestor', ancestor, descendant]);
  return result.code === 0;
}

/** Files a commit changed, relative to cwd, limited to cwd's subtree. */
export async function filesOfCommit(cwd: string, commit: string): Promise<string[]> {
  const out = await gitRun(cwd, ['diff-tree', '--no-commit-id', '--name-only', '-r', '-z', '--relative', '--no-renames', `${commit}^`, commit, '--', '.']);
  if (out.code !== 0) throw new GitCommandError(['diff-tree', commit], out.code, out.stderr);
  return nulList(out.stdout).sort();
}

/** Commits in `from..to`, newest first. */
export async function commitsBetween(cwd: string, from: string, to: string): Promise<string[]> {
  const out = await gitOk(cwd, ['rev-list', `${from}..${to}`]);
  return out ? out.split('\n') : [];
}

export async function commitMessage(cwd: string, commit: string): Promise<string> {
  return gitOk(cwd, ['log', '-1', '--format=%B', commit]);
}

export async function shortCommit(cwd: string, commit: string): Promise<string> {
  const result = await gitRun(cwd, ['rev-parse', '--short', commit]);
  return result.code === 0 ? result.stdout.toString('utf8').trim() : commit.slice(0, 7);
}

/**
 * `git revert --no-commit commit`. On a conflict the revert is aborted (the
 * index and tree return to HEAD) and the conflicting paths are returned.
 */
export async function revertNoCommit(cwd: string, commit: string): Promise<{ ok: true } | { ok: false; conflicts: string[]; output: string }> {
  const result = await gitRun(cwd, ['revert', '--no-commit', '--no-edit', commit]);
  if (result.code === 0) return { ok: true };
  const conflicted = await gitRun(cwd, ['diff', '--name-only', '-z', '--relative', '--diff-filter=U']);
  const conflicts = conflicted.code === 0 ? nulList(conflicted.stdout) : [];
  await abortRevert(cwd);
  return { ok: false, conflicts, output: result.stderr + result.stdout.toString('utf8') };
}

/** Abandons an in-progress (conflicted) revert: index and tree return to HEAD for the paths it touched. */
export async function abortRevert(cwd: string): Promise<void> {
  if (await revertInProgress(cwd)) await gitRun(cwd, ['revert', '--abort']);
}

export async function revertInProgress(cwd: string): Promise<boolean> {
  const result = await gitRun(cwd, ['rev-parse', '-q', '--verify', 'REVERT_HEAD']);
  return result.code === 0;
}

/** Moves HEAD back to `commit`, keeping local changes (fails rather than lose any). */
export async function resetKeep(cwd: string, commit: string): Promise<{ ok: boolean; output: string }> {
  const result = await gitRun(cwd, ['reset', '-q', '--keep', commit]);
  return { ok: result.code === 0, output: result.stderr };
}

/** Unstages `files` (index back to HEAD for them); the working tree is not touched. */
export async function unstage(cwd: string, files: readonly string[]): Promise<void> {
  if (!files.length) return;
  await gitRun(cwd, ['reset', '-q', '--', ...files.map(literalPathspec)]);
}

/** The diff of one file between two commits (paths from the repository top level), for `applyReverse`. */
export async function diffOfFile(cwd: string, from: string, to: string, rel: string): Promise<Buffer> {
  const out = await gitRun(cwd, ['diff', '--binary', '--no-color', '--no-ext-diff', from, to, '--', literalPathspec(rel)]);
  if (out.code !== 0) throw new GitCommandError(['diff', from, to, rel], out.code, out.stderr);
  return out.stdout;
}

/**
 * Applies `patch` (from `diffOfFile`) in reverse with a three-way merge, so
 * later edits near (not on) the lines it changed do not block it. On a
 * conflict it returns not ok and leaves conflict markers and an unmerged
 * index entry: the caller restores the file (recoverFromJournal does).
 */
export async function applyReverse(cwd: string, patch: Buffer): Promise<{ ok: boolean; output: string }> {
  const top = (await gitTopLevel(cwd)) ?? cwd;
  const result = await gitRun(top, ['apply', '-R', '--3way', '--whitespace=nowarn', '-'], { input: patch });
  return { ok: result.code === 0, output: result.stderr };
}

/** A commit as `logMatching` returns it. */
export interface LoggedCommit {
  readonly commit: string;
  /** Parent commits, first parent first (none for a root commit). */
  readonly parents: readonly string[];
  /** The full message. */
  readonly message: string;
  /** Committer date, ISO 8601. */
  readonly committedAt: string;
  /** Files the commit changed (against its first parent), relative to cwd, limited to cwd's subtree. */
  readonly files: readonly string[];
}

/**
 * The commits reachable from `rev` whose message matches one of `patterns`
 * (extended regular expressions, `^` at any line start), newest first in
 * topological order (a child always before its parents), each with the files
 * it changed under cwd. One `git log`, however long the history.
 */
export async function logMatching(cwd: string, rev: string, patterns: readonly string[]): Promise<LoggedCommit[]> {
  const out = await gitRun(cwd, [
    'log',
    '-z',
    '--topo-order',
    '--name-only',
    '--relative',
    '--no-renames',
    '--format=%x1e%H%x1f%P%x1f%cI%x1f%B%x1f',
    '-E',
    ...patterns.map((p) => `--grep=${p}`),
    rev,
    '--',
  ]);
  if (out.code !== 0) throw new GitCommandError(['log', '--grep', rev], out.code, out.stderr);
  const commits: LoggedCommit[] = [];
  for (const chunk of out.stdout.toString('utf8').split('\x1e')) {
    if (!chunk) continue;
    const [commit, parents, committedAt, message, rest] = chunk.split('\x1f');
    if (!commit || message === undefined) continue;
    const files = (rest ?? '').split('\0').map((f) => f.replace(/^\n/, '')).filter((f) => f.length > 0);
    commits.push({ commit, parents: parents ? parents.split(' ') : [], message, committedAt: committedAt ?? '', files });
  }
  return commits;
}

/** Every commit reachable from `rev`, newest first in topological order. */
export async function revList(cwd: string, rev: string): Promise<string[]> {
  const out = await gitOk(cwd, ['rev-list', '--topo-order', rev]);
  return out ? out.split('\n') : [];
}

/** The notes of `ref` (`refs/notes/NAME`): annotated commit → note blob id. Empty when the ref does not exist. */
export async function listNotes(cwd: string, ref: string): Promise<Map<string, string>> {
  const result = await gitRun(cwd, ['notes', `--ref=${ref}`, 'list']);
  const notes = new Map<string, string>();
  if (result.code !== 0) return notes; // no such ref yet
  for (const line of result.stdout.toString('utf8').split('\n')) {
    const [blob, commit] = line.split(' ');
    if (blob && commit) notes.set(commit, blob);
  }
  return notes;
}

/** The contents of blobs, by id, in one `git cat-file --batch`. */
export async function readBlobs(cwd: string, ids: readonly string[]): Promise<Map<string, Buffer>> {
  const blobs = new Map<string, Buffer>();
  if (!ids.length) return blobs;
  const out = await gitRun(cwd, ['cat-file', '--batch'], { input: `${ids.join('\n')}\n` });
  if (out.code !== 0) throw new GitCommandError(['cat-file', '--batch'], out.code, out.stderr);
  const data = out.stdout;
  let at = 0;
  while (at < data.length) {
    const eol = data.indexOf(0x0a, at);
    if (eol < 0) break;
    const [id, type, size] = data.subarray(at, eol).toString('utf8').split(' ');
    at = eol + 1;
    if (type === 'missing' || size === undefined) continue;
    const length = Number(size);
    blobs.set(id!, data.subarray(at, at + length));
    at += length + 1; // the content is followed by a newline
  }
  return blobs;
}

/**
 * Appends `text` to the note of `commit` in `ref` (creating it), as one notes
 * commit. A concurrent writer makes git fail to lock the ref: retried.
 */
export async function appendNote(cwd: string, ref: string, commit: string, text: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const result = await gitRun(cwd, ['notes', `--ref=${ref}`, 'append', '-F', '-', commit], { input: text });
    if (result.code === 0) return;
    if (attempt < 5 && /lock/i.test(result.stderr)) {
      await new Promise((resolve) => setTimeout(resolve, 50 * (attempt + 1)));
      continue;
    }
    throw new UserError(`cannot record ssot history in ${ref}: ${lastLines(result.stderr, 1).join('') || `git notes exit ${result.code}`}`, {
      hint: 'git notes need a committer identity like commits do: `git config user.name …` and `git config user.email …`',
    });
  }
}

/** The commit HEAD's ref points to by name (`main`), or null on a detached HEAD. */
export async function currentBranch(cwd: string): Promise<string | null> {
  const result = await gitRun(cwd, ['symbolic-ref', '-q', '--short', 'HEAD']);
  return result.code === 0 ? result.stdout.toString('utf8').trim() : null;
}

/** The merge base of `a` and `b`, or null when they share no history (or a ref does not exist). */
export async function mergeBase(cwd: string, a: string, b: string): Promise<string | null> {
  const result = await gitRun(cwd, ['merge-base', a, b]);
  return result.code === 0 ? result.stdout.toString('utf8').trim() : null;
}

/** Resolves a revision to a commit, or null when it names none. */
export async function resolveCommit(cwd: string, rev: string): Promise<string | null> {
  const result = await gitRun(cwd, ['rev-parse', '-q', '--verify', `${rev}^{commit}`]);
  return result.code === 0 ? result.stdout.toString('utf8').trim() : null;
}

/**
 * Files under cwd that differ between commit `base` and the working tree
 * (committed since, staged or not), plus untracked files git does not
 * ignore; relative to cwd, sorted. Deleted files are left out.
 */
export async function changedSinceCommit(cwd: string, base: string): Promise<string[]> {
  const diff = await gitRun(cwd, ['diff', '--name-only', '-z', '--relative', '--no-renames', '--diff-filter=d', base, '--', '.']);
  if (diff.code !== 0) throw new GitCommandError(['diff', '--name-only', base], diff.code, diff.stderr);
  const untracked = await gitRun(cwd, ['ls-files', '-z', '--others', '--exclude-standard', '--', '.']);
  if (untracked.code !== 0) throw new GitCommandError(['ls-files', '--others'], untracked.code, untracked.stderr);
  return [...new Set([...nulList(diff.stdout), ...nulList(untracked.stdout)])].sort();
}

/**
 * Files under `cwd` changed since the merge base of `ref` and HEAD — what a
 * branch changed, committed or not: staged, unstaged and untracked files
 * too, deleted ones included. Posix paths relative to `cwd`, sorted.
 */
export async function changedSince(cwd: string, ref: string): Promise<string[]> {
  const base = await gitRun(cwd, ['merge-base', ref, 'HEAD']);
  if (base.code !== 0) {
    throw new UserError(`--since ${ref}: git knows no such commit, or it shares no history with HEAD`, {
      hint: 'name a branch, tag or commit (`--since main`, `--since HEAD~3`)',
    });
  }
  const from = base.stdout.toString('utf8').trim();
  const diff = await gitRun(cwd, ['diff', '--name-only', '-z', '--relative', '--no-renames', from, '--', '.', ':(exclude).ssot']);
  if (diff.code !== 0) throw new GitCommandError(['diff', from], diff.code, diff.stderr);
  const untracked = await gitRun(cwd, ['ls-files', '-z', '--others', '--exclude-standard', '--', '.', ':(exclude).ssot']);
  if (untracked.code !== 0) throw new GitCommandError(['ls-files', '--others'], untracked.code, untracked.stderr);
  return [...new Set([...nulList(diff.stdout), ...nulList(untracked.stdout)])].sort();
}

/**
 * Reading a branch's past from git without checking anything out: the
 * first-parent commits of HEAD (with their ssot trailers), the files of a
 * commit's tree with their blob ids, and blob contents through one long-lived
 * `git cat-file --batch` per thread. Paths are posix, relative to `cwd` (the
 * ssot root, which may be a subdirectory of the repository), limited to its
 * subtree.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { GitCommandError, gitRun } from './git.js';

/** A commit of the branch, as `git log` describes it. */
export interface BranchCommit {
  readonly commit: string;
  /** Committer date, ISO 8601 with the committer's own offset (`2026-11-25T20:34:08+01:00`). */
  readonly date: string;
  readonly subject: string;
  /** `Ssot-Phase:` trailer values (a phase commit). */
  readonly phases: readonly string[];
  /** `Ssot-Rollback:` trailer values (a phase or file rolled back). */
  readonly rollbacks: readonly string[];
  /** `Ssot-File:` trailer values (a file rollback). */
  readonly files: readonly string[];
  /** The commit a `git revert` undid (`This reverts commit X`), when the message says so. */
  readonly reverts: string | null;
}

const FIELD = '\x1f';
const RECORD = '\x1e';
const FORMAT = ['%H', '%cI', '%s', '%(trailers:key=Ssot-Phase,valueonly,separator=%x2C)', '%(trailers:key=Ssot-Rollback,valueonly,separator=%x2C)', '%(trailers:key=Ssot-File,valueonly,separator=%x2C)', '%b'].join('%x1f');

export type HistoryWindow = { readonly kind: 'all' } | { readonly kind: 'since-date'; readonly date: string } | { readonly kind: 'since-ref'; readonly commit: string };

/**
 * First-parent commits of HEAD, oldest first: all of them, those committed
 * at or after a date, or `ref` itself and every commit after it.
 */
export async function branchCommits(cwd: string, window: HistoryWindow): Promise<BranchCommit[]> {
  const args = ['log', '--first-parent', `--format=${FORMAT}%x1e`];
  if (window.kind === 'since-date') args.push(`--since=${window.date}`);
  args.push(window.kind === 'since-ref' ? `${window.commit}^!` : 'HEAD');
  const commits = await logCommits(cwd, args);
  if (window.kind !== 'since-ref') return commits;
  // `ref^!` is the ref alone; the commits after it come from `ref..HEAD` along the first parents
  const after = await logCommits(cwd, ['log', '--first-parent', `--format=${FORMAT}%x1e`, `${window.commit}..HEAD`]);
  return [...commits, ...after];
}

async function logCommits(cwd: string, args: string[]): Promise<BranchCommit[]> {
  const out = await gitRun(cwd, args);
  if (out.code !== 0) throw new GitCommandError(args, out.code, out.stderr);
  const list = (s: string) =>
    s
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
  const commits = out.stdout
    .toString('utf8')
    .split(RECORD)
    .map((r) => r.replace(/^\n/, ''))
    .filter((r) => r.length > 0)
    .map((record) => {
      const [commit, date, subject, phases, rollbacks, files, body] = record.split(FIELD);
      const reverts = /This reverts commit ([0-9a-f]{40})/.exec(body ?? '')?.[1] ?? null;
      return { commit: commit!, date: date!, subject: subject ?? '', phases: list(phases ?? ''), rollbacks: list(rollbacks ?? ''), files: list(files ?? ''), reverts };
    });
  return commits.reverse();
}

/** A file of a commit's tree: posix path relative to `cwd`, blob id. Symlinks and submodules are left out. */
export interface TreeFile {
  readonly path: string;
  readonly blob: string;
}

/** The regular files of `commit` under `cwd`, sorted by path. */
export async function treeFiles(cwd: string, commit: string): Promise<TreeFile[]> {
  const args = ['ls-tree', '-r', '-z', commit, '--', '.'];
  const out = await gitRun(cwd, args);
  if (out.code !== 0) throw new GitCommandError(args, out.code, out.stderr);
  const files: TreeFile[] = [];
  for (const entry of out.stdout.toString('utf8').split('\0')) {
    if (!entry) continue;
    // <mode> SP <type> SP <object> TAB <path>
    const tab = entry.indexOf('\t');
    const [mode, type, blob] = entry.slice(0, tab).split(' ');
    if (type !== 'blob' || (mode !== '100644' && mode !== '100755')) continue;
    files.push({ path: entry.slice(tab + 1), blob: blob! });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * The trees of several commits of one first-parent chain (`chain` oldest
 * first, each commit's first parent the one before it), for the indices in
 * `wanted`: the first commit's tree is listed once, then one `git log --raw`
 * gives every later commit's changes against its first parent, applied in
 * order — two git processes for the whole window instead of one per commit.
 * When the log does not walk the chain as given, each wanted tree is listed
 * on its own. A snapshot is in no particular order; an unchanged file is the
 * same TreeFile object in every snapshot.
 */
export async function treesAlong(cwd: string, chain: readonly string[], wanted: readonly number[]): Promise<TreeFile[][]> {
  if (!chain.length || !wanted.length) return [];
  const want = new Set(wanted);
  const out = new Map<number, TreeFile[]>();
  // one object per file version, shared by every snapshot that holds it (callers key work by it)
  const current = new Map((await treeFiles(cwd, chain[0]!)).map((f) => [f.path, f] as const));
  const snapshot = () => [...current.values()];
  if (want.has(0)) out.set(0, snapshot());
  if (chain.length > 1) {
    const args = ['log', '--first-parent', '--diff-merges=first-parent', '--raw', '-z', '--no-abbrev', '--no-renames', '--relative', '--format=%x1e%H', '--reverse', `${chain[0]}..${chain.at(-1)}`, '--', '.'];
    const log = await gitRun(cwd, args);
    if (log.code !== 0) throw new GitCommandError(args, log.code, log.stderr);
    const records = log.stdout.toString('utf8').split(RECORD).filter((r) => r.length > 0);
    if (records.length !== chain.length - 1 || records.some((r, i) => r.slice(0, r.indexOf('\0')) !== chain[i + 1])) {
      return Promise.all(wanted.map((i) => treeFiles(cwd, chain[i]!)));
    }
    records.forEach((record, i) => {
      const tokens = record.split('\0');
      for (let t = 1; t < tokens.length; t++) {
        const token = tokens[t]!.replace(/^\n/, '');
        if (!token.startsWith(':')) continue;
        // :<old mode> <new mode> <old blob> <new blob> <status>, then the path
        const [, newMode, , blob, status] = token.slice(1).split(' ');
        const file = tokens[++t]!;
        if (status === 'D' || (newMode !== '100644' && newMode !== '100755')) current.delete(file);
        else if (current.get(file)?.blob !== blob) current.set(file, { path: file, blob: blob! });
      }
      if (want.has(i + 1)) out.set(i + 1, snapshot());
    });
  }
  return wanted.map((i) => out.get(i)!);
}

/** Resolves a ref to a commit id, or null when it names no commit. */
export async function resolveCommit(cwd: string, ref: string): Promise<string | null> {
  const out = await gitRun(cwd, ['rev-parse', '-q', '--verify', '--end-of-options', `${ref}^{commit}`]);
  return out.code === 0 ? out.stdout.toString('utf8').trim() : null;
}

/**
 * Blob contents from one `git cat-file --batch` child, requests answered in
 * order. `close()` ends the child (until then it keeps the process alive); a
 * reader that is never used starts none.
 */
export class BlobReader {
  private child: ChildProcessWithoutNullStreams | undefined;
  /** Output not consumed yet, as it arrived, and its length in bytes. */
  private chunks: Buffer[] = [];
  private length = 0;
  /** Bytes of the blob being read (its header consumed), or undefined between blobs. */
  private need: number | undefined;
  private readonly waiting: { resolve(bytes: Buffer): void; reject(error: Error): void }[] = [];
  private failed: Error | undefined;

  constructor(private readonly cwd: string) {}

  read(blob: string): Promise<Buffer> {
    return this.readAll([blob])[0]!;
  }

  /** Asks for several blobs with one write; the promises resolve in order. */
  readAll(blobs: readonly string[]): Promise<Buffer>[] {
    if (this.failed) return blobs.map(() => Promise.reject(this.failed));
    const child = this.start();
    const reads = blobs.map((_) => new Promise<Buffer>((resolve, reject) => this.waiting.push({ resolve, reject })));
    if (blobs.length) child.stdin.write(`${blobs.join('\n')}\n`);
    return reads;
  }

  close(): void {
    this.child?.stdin.end();
    this.child = undefined;
  }

  private start(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn('git', ['cat-file', '--batch'], { cwd: this.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.length += chunk.length;
      this.drain();
    });
    const fail = (error: Error) => {
      this.failed = error;
      for (const w of this.waiting.splice(0)) w.reject(error);
    };
    child.on('error', fail);
    child.on('exit', (code) => {
      if (this.waiting.length) fail(new Error(`git cat-file --batch exited with code ${code} with ${this.waiting.length} blobs unread`));
    });
    child.stdin.on('error', () => {}); // its exit says what happened
    this.child = child;
    return child;
  }

  private drain(): void {
    for (;;) {
      const next = this.waiting[0];
      if (!next || !this.length) return;
      if (this.need === undefined) {
        const head = this.joined();
        const eol = head.indexOf(10);
        if (eol < 0) return;
        const header = head.subarray(0, eol).toString('utf8');
        const [, type, size] = header.split(' ');
        this.consume(eol + 1);
        if (type !== 'blob') {
          // `<oid> missing`: a blob id git does not have (a shallow clone, a corrupt object)
          this.waiting.shift();
          next.reject(new Error(`git cat-file: ${header}`));
          continue;
        }
        this.need = Number(size);
      }
      // the content and its trailing newline; chunks are joined only once it is all there
      if (this.length < this.need + 1) return;
      const bytes = Buffer.from(this.joined().subarray(0, this.need));
      this.consume(this.need + 1);
      this.need = undefined;
      this.waiting.shift();
      next.resolve(bytes);
    }
  }

  /** The unread output as one buffer (joining the chunks when there are several). */
  private joined(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.length)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  private consume(n: number): void {
    const rest = this.joined().subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.length = rest.length;
  }
}

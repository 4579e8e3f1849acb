/**
 * What `scan`/`check`/`baseline` look at: a root directory (the whole tree),
 * or a list of files (`ssot check FILE…`, as pre-commit passes them), or the
 * files changed since a git ref (`--since REF`).
 *
 * For a list of files the root is the nearest directory at or above the
 * first file holding an ssot config (`--root` overrides; with `--config`,
 * the repository's top level), so the hook works from any directory of the
 * repository. Files outside the root are not the config's business and are
 * left out.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { CONFIG_FILE_NAMES } from '../config/load.js';
import { UserError } from '../model/errors.js';
import { changedSinceCommit, gitTopLevel, mergeBase, resolveCommit } from '../workspace/git.js';
import { resolveRoot } from './io.js';

export interface Targets {
  readonly root: string;
  /** Root-relative posix paths to check; undefined for the whole tree. */
  readonly paths?: readonly string[];
  /** Why the whole tree is checked although files were asked for (a changed config), for a note on stderr. */
  readonly note?: string;
}

export function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export function findConfigRoot(from: string): string | null {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (CONFIG_FILE_NAMES.some((name) => existsSync(path.join(dir, name)))) return dir;
    if (path.dirname(dir) === dir) return null;
  }
}

function toRootRelative(root: string, abs: string): string | null {
  const rel = path.relative(root, abs);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return null;
  return rel.split(path.sep).join('/');
}

export async function resolveTargets(args: readonly string[], options: { root?: string; config?: string; since?: string }): Promise<Targets> {
  if (args.length <= 1 && (args[0] === undefined || isDirectory(args[0]))) {
    if (options.root !== undefined) throw new UserError('--root goes with a list of files', { hint: 'pass the root as PATH: `ssot check DIR`' });
    const root = resolveRoot(args[0]);
    if (options.since === undefined) return { root };
    return changedTargets(root, options.since, options.config);
  }
  if (options.since !== undefined) throw new UserError('--since checks the files changed since a ref; it does not take a list of files', { hint: 'pass the root directory (default .) with --since, or the files without it' });
  const absolute = args.map((a) => path.resolve(a));
  for (const [i, abs] of absolute.entries()) {
    if (!existsSync(abs)) throw new UserError(`${args[i]}: no such file or directory`);
    if (isDirectory(abs)) throw new UserError(`${args[i]}: a directory among the files to check`, { hint: 'pass one directory (the root of the tree to check) or files' });
  }
  let root: string;
  if (options.root !== undefined) root = resolveRoot(options.root);
  else if (options.config !== undefined) root = (await gitTopLevel(process.cwd())) ?? process.cwd();
  else {
    const found = findConfigRoot(path.dirname(absolute[0]!));
    if (!found) {
      throw new UserError(`no ssot.config.yaml in ${path.dirname(args[0]!) || '.'} or any directory above it`, {
        hint: 'run `ssot init` at the root of the tree, or pass --root DIR / --config FILE',
      });
    }
    root = found;
  }
  const paths = absolute.map((abs) => toRootRelative(root, abs)).filter((p): p is string => p !== null);
  const configs = options.config !== undefined ? [toRootRelative(root, path.resolve(options.config))] : CONFIG_FILE_NAMES;
  const config = paths.find((p) => configs.includes(p));
  // the hook passes a changed config along: it can change any file's findings
  if (config) return { root, note: `${config} is among the files: checking every file` };
  return { root, paths };
}

/** `--since REF`: the files changed between the merge base of REF and HEAD and the working tree (plus untracked ones). */
async function changedTargets(root: string, since: string, explicitConfig: string | undefined): Promise<Targets> {
  if (!(await gitTopLevel(root))) throw new UserError(`--since ${since}: ${root} is not inside a git work tree`);
  const ref = await resolveCommit(root, since);
  if (!ref) throw new UserError(`--since ${since}: not a commit in this repository`, { hint: 'in CI, fetch it first (e.g. `git fetch origin main` and `--since origin/main`)' });
  const base = (await mergeBase(root, ref, 'HEAD')) ?? ref;
  const changed = await changedSinceCommit(root, base);
  const configs = explicitConfig ? [toRootRelative(root, path.resolve(explicitConfig))] : CONFIG_FILE_NAMES;
  const config = changed.find((f) => configs.includes(f));
  // a changed config can change any file's findings
  if (config) return { root, note: `${config} changed since ${since}: checking every file` };
  return { root, paths: changed };
}

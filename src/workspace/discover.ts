/**
 * Which files a run looks at: `include` globs under the root, minus the
 * default and configured `exclude`, minus what .gitignore files ignore.
 * Symlinks are never followed: a link that leaves the root or is broken is
 * reported; a link inside the root is skipped (its target is scanned itself).
 */
import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import fg from 'fast-glob';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import type { FileProblem } from '../model/finding.js';

export interface DiscoveredFiles {
  /** Posix paths relative to the root, sorted. */
  readonly files: string[];
  /** Files that should have been scanned and cannot be (a broken symlink or a symlink loop): errors. */
  readonly problems: FileProblem[];
  /** Entries deliberately not followed (a symlink or pattern leaving the root): warnings. */
  readonly notFollowed: FileProblem[];
}

export interface DiscoverOptions {
  readonly root: string;
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  /** Honour .gitignore files (default true). */
  readonly gitignore?: boolean;
}

export async function discoverFiles(options: DiscoverOptions): Promise<DiscoveredFiles> {
  const { root } = options;
  const gitignore = options.gitignore !== false;
  // one walk finds the files and the .gitignore files
  const entries = await fg([...options.include, ...(gitignore ? ['**/.gitignore'] : [])], {
    cwd: root,
    ignore: [...options.exclude],
    dot: true,
    onlyFiles: false,
    followSymbolicLinks: false,
    objectMode: true,
    suppressErrors: true,
  });
  const problems: FileProblem[] = [];
  const notFollowed: FileProblem[] = [];
  const candidates: string[] = [];
  const ignoreFiles: string[] = [];
  const included = gitignore ? picomatch([...options.include], { dot: true }) : () => true;
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    realRoot = root;
  }
  for (const entry of entries) {
    const dirent = entry.dirent;
    // the root is a wall: a pattern reaching out of it (`../x`, `/abs`) finds nothing ssot may read or write
    if (!isRootRelative(entry.path)) {
      notFollowed.push({ file: entry.path, message: 'outside the scanned root, not scanned' });
      continue;
    }
    if (dirent.isFile()) {
      if (gitignore && path.posix.basename(entry.path) === '.gitignore') {
        ignoreFiles.push(entry.path);
        if (!included(entry.path)) continue;
      }
      candidates.push(entry.path);
    } else if (dirent.isSymbolicLink()) {
      let target: string;
      try {
        target = realpathSync(path.join(root, entry.path));
      } catch (error) {
        const loop = (error as NodeJS.ErrnoException).code === 'ELOOP';
        problems.push({ file: entry.path, message: loop ? 'symlink loop, skipped' : 'broken symlink, skipped' });
        continue;
      }
      const inside = target === realRoot || target.startsWith(realRoot + path.sep);
      if (!inside) notFollowed.push({ file: entry.path, message: 'symlink leaves the scanned root, not followed' });
    }
  }
  const files = gitignore ? filterGitignored(root, candidates, ignoreFiles) : candidates;
  files.sort();
  return { files, problems, notFollowed };
}

/** A posix path that names something under the root: relative, without `..` segments. */
export function isRootRelative(rel: string): boolean {
  if (rel === '' || path.posix.isAbsolute(rel) || path.isAbsolute(rel)) return false;
  return !rel.split('/').includes('..');
}

function filterGitignored(root: string, files: string[], ignoreFiles: readonly string[]): string[] {
  const matchers = new Map<string, Ignore>(); // directory ('' = root) → rules of its .gitignore
  for (const file of ignoreFiles) {
    const dir = path.posix.dirname(file);
    try {
      matchers.set(dir === '.' ? '' : dir, ignore().add(readFileSync(path.join(root, file), 'utf8')));
    } catch {
      // an unreadable .gitignore ignores nothing
    }
  }
  try {
    const info = readFileSync(path.join(root, '.git', 'info', 'exclude'), 'utf8');
    const existing = matchers.get('');
    matchers.set('', (existing ?? ignore()).add(info));
  } catch {
    // no .git/info/exclude
  }
  if (matchers.size === 0) return files;
  const dirs = [...matchers.keys()].sort((a, b) => a.length - b.length);
  const ignoredDirs = new Map<string, boolean>();
  const isIgnored = (rel: string, isDir: boolean): boolean => {
    for (const dir of dirs) {
      if (dir !== '' && !rel.startsWith(`${dir}/`)) continue;
      const inner = dir === '' ? rel : rel.slice(dir.length + 1);
      try {
        if (matchers.get(dir)!.ignores(isDir ? `${inner}/` : inner)) return true;
      } catch {
        // a path the ignore library cannot judge (it wants plain relative paths) is not ignored
      }
    }
    return false;
  };
  const dirIgnored = (dir: string): boolean => {
    if (dir === '') return false;
    let known = ignoredDirs.get(dir);
    if (known === undefined) {
      const parent = path.posix.dirname(dir);
      known = dirIgnored(parent === '.' ? '' : parent) || isIgnored(dir, true);
      ignoredDirs.set(dir, known);
    }
    return known;
  };
  return files.filter((file) => {
    const dir = path.posix.dirname(file);
    return !dirIgnored(dir === '.' ? '' : dir) && !isIgnored(file, false);
  });
}

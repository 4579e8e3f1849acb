/**
 * The content-hash cache of scan outcomes, in `<root>/.ssot/cache/scan.json`.
 *
 * An entry is keyed by the file's path and its active bans. For a file that
 * reached the full parse it holds the SHA-256 of the file's bytes, used when
 * the hash of the bytes read now is the same. Every entry may also hold the
 * file's stat signature (size, mtime, ctime, inode): when a later run sees
 * the same signature it uses the outcome without reading the file; a file
 * modified within RACY_MARGIN_MS of a run's start gets no signature (git's
 * "racily clean" rule), so a change can never hide behind an equal mtime.
 * The whole file is bound to a fingerprint of everything else an outcome depends on — the tool version,
 * the code of this build, the grammar, the language, the source roots and
 * (for scans that say how findings would be fixed) the rules' targets —
 * and is ignored when that differs. So it is never stale, and deleting it is
 * always safe (the next run is a cold one).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ban } from '../model/finding.js';
import type { FileOutcome } from '../model/outcome.js';
import { TOOL_VERSION } from '../model/version.js';
import type { Grammar } from '../parsing/treeSitter.js';
import { writeFileAtomic } from '../workspace/files.js';

const FORMAT = 1;
const CACHE_DIR = path.join('.ssot', 'cache');
const CACHE_FILE = 'scan.json';
/** Outcomes of past versions of files (`ssot history`), keyed by bans, path and git blob id. */
const HISTORY_CACHE_FILE = 'history.json';
/** The import graph's per-file edges (./graph.ts): bound to the source roots, not to the rules. */
const IMPORTS_FILE = 'imports.json';

export interface CacheEntry {
  /** SHA-256 (base64) of the file's bytes; empty for an outcome the byte-level stages settled. */
  readonly h: string;
  /** The outcome of scanning those bytes with the entry's bans. */
  readonly o: FileOutcome;
  /**
   * Stat signature of the file when it was read (size, mtime, ctime, inode,
   * in nanoseconds): a later run that sees the same signature uses the
   * outcome without reading the file. Absent when the file was modified too
   * recently to be sure a change within the same clock tick would show.
   */
  readonly s?: string;
}

/**
 * The stat signature of `file`, or null when it cannot be trusted: the file
 * was modified (mtime or ctime) at or after `trustBefore` — as git treats
 * "racily clean" index entries — or cannot be stat'ed.
 */
export function statSignature(file: string, trustBefore: number): string | null {
  try {
    const st = statSync(file, { bigint: true });
    if (Number(st.mtimeMs) >= trustBefore || Number(st.ctimeMs) >= trustBefore) return null;
    return `${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}:${st.dev}`;
  } catch {
    return null;
  }
}

/** Margin before a run's start inside which a modification time is not trusted (coarse file-system clocks). */
export const RACY_MARGIN_MS = 2000;

/**
 * A file's edges of the import graph as cached: kept only with a trusted
 * stat signature (re-reading a file costs about what hashing it would).
 */
export interface ImportsCacheEntry {
  /** Stat signature of the file when it was read (see statSignature). */
  readonly s: string;
  /** Its edges, encoded by ./graph.ts (`encodeEdges`). */
  readonly e: string;
}

interface CacheFile<T> {
  readonly format: number;
  readonly fingerprint: string;
  readonly entries: Record<string, T>;
}

/** Where the cache of a scan root lives. */
export function cacheFileOf(root: string): string {
  return path.join(root, CACHE_DIR, CACHE_FILE);
}

/**
 * Where the outcomes of files at past commits live: entries keyed by
 * `bansKey:path:blob` whose `h` is the git blob id (a hash of the content),
 * under the same fingerprint as the scan cache — so a file version is
 * analysed once, however many commits of the history hold it.
 */
export function historyCacheFileOf(root: string): string {
  return path.join(root, CACHE_DIR, HISTORY_CACHE_FILE);
}

/** Where the import graph's cache of a root lives. */
export function importsCacheFileOf(root: string): string {
  return path.join(root, CACHE_DIR, IMPORTS_FILE);
}
/** Set by the bundler (scripts/bundle.mjs) to hashOfCompiledCode of the dist/src it bundled; absent in the plain tsc build. */
declare const __SSOT_BUILD_ID__: string | undefined;

let buildHash: string | undefined;

/** The hash of this build's code: a rebuilt analyzer invalidates the cache even at the same version. */
function hashOfBuild(): string {
  buildHash ??= typeof __SSOT_BUILD_ID__ === 'string' ? __SSOT_BUILD_ID__ : hashOfCompiledCode(path.dirname(path.dirname(fileURLToPath(import.meta.url)))); // dist/src
  return buildHash;
}

/** SHA-256 (base64) over the compiled code under `srcDir` (every *.js file, by name and bytes, in a fixed order). */
export function hashOfCompiledCode(srcDir: string): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.js')) hash.update(entry.name).update(readFileSync(full));
    }
  };
  walk(srcDir);
  return hash.digest('base64');
}

function packageVersion(name: string): string {
  try {
    const require = createRequire(import.meta.url);
    return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Everything besides a file's bytes and bans that its outcome depends on. */
export function cacheFingerprint(language: string, grammar: Grammar, sourceRoots: readonly string[], planRules: unknown = null): string {
  return createHash('sha256')
    .update(
      JSON.stringify([FORMAT, TOOL_VERSION, hashOfBuild(), packageVersion('web-tree-sitter'), packageVersion(grammar.package), language, sourceRoots, planRules]),
    )
    .digest('base64');
}

/** A short stable key for a set of bans (rule, kind, path and types path of each). */
export function bansKey(bans: readonly Ban[]): string {
  const data = bans.map((b) => [b.ruleId, b.kind, b.path, b.typesPath ?? null]);
  return createHash('sha256').update(JSON.stringify(data)).digest('base64').slice(0, 16);
}

/** Cache entries as read at the start of a run (each thread reads its own copy). */
export function readCacheEntries<T = CacheEntry>(file: string, fingerprint: string): Map<string, T> {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as CacheFile<T>;
    if (data.format !== FORMAT || data.fingerprint !== fingerprint || typeof data.entries !== 'object') return new Map();
    return new Map(Object.entries(data.entries));
  } catch {
    return new Map(); // missing, unreadable or corrupt: a cold run
  }
}

export function entryKey(bansKey: string, rel: string): string {
  return `${bansKey}:${rel}`;
}

/**
 * Writes the cache atomically: concurrent runs never see a torn file; the
 * last writer wins. Not fsynced (a lost cache is a cold run). Failing to
 * write (read-only checkout) is not an error of the scan.
 */
export function writeCacheEntries<T = CacheEntry>(file: string, fingerprint: string, entries: Map<string, T>): void {
  try {
    const dir = path.dirname(file);
    mkdirSync(dir, { recursive: true });
    writeFileAtomic(path.join(dir, '.gitignore'), '# Created by ssot: the scan cache is safe to delete.\n*\n', { durable: false });
    const data: CacheFile<T> = { format: FORMAT, fingerprint, entries: Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : 1))) };
    writeFileAtomic(file, JSON.stringify(data), { durable: false });
  } catch {
    // a read-only checkout: the next run is a cold one
  }
}

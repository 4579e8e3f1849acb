/**
 * The content-hash cache of scan outcomes, in `<root>/.ssot/cache/scan.json`.
 *
 * Only files that reach the full parse are cached (the byte-level stages are
 * as cheap as hashing). An entry is keyed by the file's path and its active
 * bans and holds the SHA-256 of the file's bytes; it is used only when the
 * hash of the bytes read now is the same. The whole file is bound to a
 * fingerprint of everything else an outcome depends on — the tool version,
 * the code of this build, the grammar, the language and the source roots —
 * and is ignored when that differs. So it is never stale, and deleting it is
 * always safe (the next run is a cold one).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ban } from '../core/model.js';
import { TOOL_VERSION } from '../core/version.js';
import type { FileOutcome } from './scanFile.js';

const FORMAT = 1;
const CACHE_DIR = path.join('.ssot', 'cache');
const CACHE_FILE = 'scan.json';

export interface CacheEntry {
  /** SHA-256 (base64) of the file's bytes. */
  readonly h: string;
  /** The outcome of scanning those bytes with the entry's bans. */
  readonly o: FileOutcome;
}

interface CacheFile {
  readonly format: number;
  readonly fingerprint: string;
  readonly entries: Record<string, CacheEntry>;
}

/** Where the cache of a scan root lives. */
export function cacheFileOf(root: string): string {
  return path.join(root, CACHE_DIR, CACHE_FILE);
}

let buildHash: string | undefined;

/** SHA-256 over the compiled code of this build (dist/src/**\/*.js): a rebuilt analyzer invalidates the cache even at the same version. */
function hashOfBuild(): string {
  if (buildHash !== undefined) return buildHash;
  const srcDir = path.dirname(path.dirname(fileURLToPath(import.meta.url))); // dist/src
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.js')) hash.update(entry.name).update(readFileSync(full));
    }
  };
  walk(srcDir);
  buildHash = hash.digest('base64');
  return buildHash;
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
export function cacheFingerprint(language: string, sourceRoots: readonly string[], fixRules: unknown = null): string {
  return createHash('sha256')
    .update(
      JSON.stringify([FORMAT, TOOL_VERSION, hashOfBuild(), packageVersion('web-tree-sitter'), packageVersion('tree-sitter-python'), language, sourceRoots, fixRules]),
    )
    .digest('base64');
}

/** A short stable key for a set of bans (rule, kind, path and types path of each). */
export function bansKey(bans: readonly Ban[]): string {
  const data = bans.map((b) => [b.ruleId, b.kind, b.path, b.typesPath ?? null]);
  return createHash('sha256').update(JSON.stringify(data)).digest('base64').slice(0, 16);
}

export function contentHash(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('base64');
}

/** Cache entries as read at the start of a run (each thread reads its own copy). */
export function readCacheEntries(file: string, fingerprint: string): Map<string, CacheEntry> {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as CacheFile;
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
 * Writes the cache atomically (temporary file + rename): concurrent runs
 * never see a torn file; the last writer wins. Failing to write (read-only
 * checkout) is not an error of the scan.
 */
export function writeCacheEntries(file: string, fingerprint: string, entries: Map<string, CacheEntry>): void {
  const dir = path.dirname(file);
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, '.gitignore'), '# Created by ssot: the scan cache is safe to delete.\n*\n');
    const data: CacheFile = { format: FORMAT, fingerprint, entries: Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : 1))) };
    writeFileSync(temp, JSON.stringify(data));
    renameSync(temp, file);
  } catch {
    rmSync(temp, { force: true });
  }
}

/**
 * Finds, reads and validates ssot.config.yaml / .json. Every problem becomes a
 * UserError whose message names the file, the line and the key — one line,
 * exit code 2 — and nothing is written.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { UserError } from '../model/errors.js';
import { BOUNDARY_TYPES, configSchema, type RawConfig } from './schema.js';

export const CONFIG_FILE_NAMES = ['ssot.config.yaml', 'ssot.config.yml', 'ssot.config.json'];

/** The config file for a scan of `root`: `--config` when given, else the first known name in root. */
export function locateConfig(root: string, explicit: string | undefined): string {
  if (explicit) {
    const file = path.resolve(explicit);
    if (!existsSync(file)) throw new UserError(`${explicit}: config file not found`);
    return file;
  }
  for (const name of CONFIG_FILE_NAMES) {
    const file = path.join(root, name);
    if (existsSync(file)) return file;
  }
  throw new UserError(`no ssot.config.yaml in ${root}`, {
    hint: 'run `ssot init` to write a starter config, or pass --config FILE',
  });
}

export interface LoadedRawConfig {
  file: string;
  raw: RawConfig;
  /** 1-based line of the node at a key path, for messages from later validation steps. */
  lineOf(keyPath: readonly (string | number)[]): number | undefined;
}

/** A config file read and parsed as YAML (JSON is YAML), not yet validated. */
export interface ConfigDocument {
  readonly file: string;
  /** The path as messages show it (relative to the working directory when under it). */
  readonly display: string;
  readonly data: unknown;
  /** 1-based line of the node at a key path. */
  lineOf(keyPath: readonly (string | number)[]): number | undefined;
}

/** Reads and parses a config file; a file that cannot be read or parsed is a UserError naming file:line. */
export function readConfigDocument(file: string): ConfigDocument {
  const display = displayPath(file);
  let text: string;
  try {
    if (!statSync(file).isFile()) throw new UserError(`${display}: config path is not a file`);
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`${display}: cannot read config (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const firstError = doc.errors[0];
  if (firstError) {
    const line = lineCounter.linePos(firstError.pos[0]).line;
    const reason = firstError.message.split('\n')[0] ?? firstError.code;
    throw new UserError(`${display}:${line}: invalid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${reason}`);
  }
  const lineOf = (keyPath: readonly (string | number)[]): number | undefined => {
    const offset = nodeOffset(doc, keyPath);
    return offset === undefined ? undefined : lineCounter.linePos(offset).line;
  };
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    // the yaml library's own guards (an alias bomb: "Excessive alias count…") are bad input, not a bug
    const reason = (error as Error).message.split('\n')[0] ?? String(error);
    throw new UserError(`${display}: invalid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${reason}`);
  }
  return { file, display, data, lineOf };
}

/**
 * Validates the value at `at` (default: the whole document) with `schema`;
 * the first problem is a UserError naming file:line and the full key path.
 */
export function validateConfigSection<T>(doc: ConfigDocument, schema: z.ZodType<T>, at: readonly string[] = []): T {
  const value = valueAt(doc.data, at);
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  // a misspelt key also makes its correct spelling "missing": name the unknown key, which is the cause
  const issues = parsed.error.issues.map((i) => ({ ...i, path: [...at, ...i.path] }) as z.core.$ZodIssue);
  const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0]!;
  throw new UserError(describeIssue(doc.display, issue, doc.lineOf, doc.data, issues));
}

/** Reads and schema-validates a config file; throws UserError naming file:line and key. */
export function readRawConfig(file: string): LoadedRawConfig {
  const doc = readConfigDocument(file);
  const { data } = doc;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new UserError(`${doc.display}:1: config must be a mapping with at least \`version: 1\`, \`canonical\` and \`rules\``);
  }
  return { file, raw: validateConfigSection(doc, configSchema), lineOf: doc.lineOf };
}

function describeIssue(
  display: string,
  issue: z.core.$ZodIssue,
  lineOf: (keyPath: readonly (string | number)[]) => number | undefined,
  data: unknown,
  allIssues: readonly z.core.$ZodIssue[],
): string {
  const keyPath = issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part));
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    const full = [...keyPath, key];
    const line = lineOf(full) ?? lineOf(keyPath) ?? 1;
    // prefer a required key that is missing here, then any key the schema knows at this level
    const missing = allIssues
      .filter((i) => i.code === 'invalid_type' && i.path.length === keyPath.length + 1 && valueAt(data, i.path) === undefined)
      .filter((i) => i.path.slice(0, -1).every((part, n) => part === keyPath[n]))
      .map((i) => String(i.path.at(-1)));
    const present = new Set(Object.keys((valueAt(data, keyPath) as object | undefined) ?? {}));
    const known = knownKeysAt(keyPath).filter((name) => !present.has(name));
    const suggestion = [...missing, ...known].find((name) => editDistance(name, key) <= 2);
    return `${display}:${line}: unknown key \`${formatKeyPath(full)}\`${suggestion ? ` (did you mean \`${suggestion}\`?)` : ''}`;
  }
  const line = nearestLine(keyPath, lineOf);
  const where = keyPath.length ? `\`${formatKeyPath(keyPath)}\`` : 'config';
  // zod does not echo the input: a key is missing when the data has nothing at its path
  if (issue.code === 'invalid_type' && valueAt(data, issue.path) === undefined) {
    return `${display}:${line}: missing required key ${where}`;
  }
  return `${display}:${line}: ${where}: ${plainMessage(issue)}`;
}

function plainMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'too_small' && issue.origin === 'array' && issue.minimum === 1) return 'must not be empty';
  // a discriminated union (a boundary's `type`) names its discriminator; the others are glob or service lists
  if (issue.code === 'invalid_union' && 'discriminator' in issue) return `must be one of ${BOUNDARY_TYPES.map((t) => `\`${t}\``).join(', ')}`;
  if (issue.code === 'invalid_union') return 'expected a string or a list of strings';
  return issue.message.replace(/^Invalid input: /, '');
}

/** Keys the config schema allows in the object at `keyPath` (through arrays, records, defaults and optionals). */
function knownKeysAt(keyPath: readonly (string | number)[]): string[] {
  type Def = { type: string; shape?: Record<string, { _zod: { def: Def } }>; innerType?: { _zod: { def: Def } }; element?: { _zod: { def: Def } }; valueType?: { _zod: { def: Def } } };
  const unwrap = (def: Def): Def => (def.innerType && (def.type === 'default' || def.type === 'optional') ? unwrap(def.innerType._zod.def) : def);
  let def = unwrap((configSchema as unknown as { _zod: { def: Def } })._zod.def);
  for (const part of keyPath) {
    const next = def.type === 'object' ? def.shape?.[String(part)] : def.type === 'array' ? def.element : def.type === 'record' ? def.valueType : undefined;
    if (!next) return [];
    def = unwrap(next._zod.def);
  }
  return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

function valueAt(data: unknown, keyPath: readonly PropertyKey[]): unknown {
  let value = data;
  for (const part of keyPath) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

/** Levenshtein distance, for "did you mean" on misspelt keys. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

function nearestLine(
  keyPath: readonly (string | number)[],
  lineOf: (keyPath: readonly (string | number)[]) => number | undefined,
): number {
  for (let n = keyPath.length; n >= 0; n--) {
    const line = lineOf(keyPath.slice(0, n));
    if (line !== undefined) return line;
  }
  return 1;
}

/** `rules[0].deprecated[2]` */
export function formatKeyPath(keyPath: readonly (string | number)[]): string {
  let out = '';
  for (const part of keyPath) out += typeof part === 'number' ? `[${part}]` : out ? `.${part}` : part;
  return out;
}

function nodeOffset(doc: Document, keyPath: readonly (string | number)[]): number | undefined {
  let node: unknown = doc.contents;
  let offset: number | undefined = (node as { range?: [number] } | null)?.range?.[0];
  for (const part of keyPath) {
    if (isMap(node)) {
      const pair = node.items.find((item) => {
        const key = item.key as { value?: unknown } | null;
        return key !== null && typeof key === 'object' && String(key.value) === String(part);
      });
      if (!pair) return offset;
      offset = (pair.key as { range?: [number] }).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof part === 'number') {
      node = node.items[part];
      offset = (node as { range?: [number] } | undefined)?.range?.[0] ?? offset;
    } else {
      return offset;
    }
  }
  return offset;
}

export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}

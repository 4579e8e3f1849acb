/**
 * Turns a schema-valid raw config into the runtime Config: import statements
 * parsed, bans derived, cross references (replaceWith → canonical) checked,
 * globs normalised. Errors name file, line and key.
 */
import path from 'node:path';
import type { Contract } from '../model/boundary.js';
import { findBan, isAtOrUnder, type Ban, type ImportSpec, type ImportTarget } from '../model/finding.js';
import { UserError } from '../model/errors.js';
import { adapterFor } from '../languages/registry.js';
import { displayPath, formatKeyPath, locateConfig, readRawConfig, type LoadedRawConfig } from './load.js';
import type { RawBoundary, RawConfig, RawGate, RawPhase } from './schema.js';

/** The placeholder a gate's `run` lists the affected tests with (phases/gates.ts expands it). */
export const AFFECTED_PLACEHOLDER = '{affected}';

/** Always excluded (as ruff does), on top of .gitignore and `exclude`. */
export const DEFAULT_EXCLUDE = [
  '**/.git/**',
  '**/.hg/**',
  '**/.svn/**',
  '**/node_modules/**',
  '**/.venv/**',
  '**/venv/**',
  '**/.tox/**',
  '**/.nox/**',
  '**/__pycache__/**',
  '**/.mypy_cache/**',
  '**/.ruff_cache/**',
  '**/.pytest_cache/**',
  '**/.ssot/**',
];

/** A canonical or `types` target with the statement as written in the config. */
export interface ConfigTarget extends ImportTarget {
  /** The statement as written in the config. */
  readonly statement: string;
}

/** A `canonical:` entry: one statement, which may import several names (each a target deprecated names pair with). */
export interface CanonicalEntry {
  readonly id: string;
  readonly statement: string;
  readonly targets: readonly ImportTarget[];
}

export interface Rule {
  readonly id: string;
  readonly bans: readonly Ban[];
  readonly canonical: CanonicalEntry;
  readonly types: ConfigTarget | undefined;
  readonly allowIn: readonly string[];
  readonly message: string | undefined;
  /** `ssot shim`: warn on import; the environment variable that switches back to the old implementation. */
  readonly shim: { readonly warning: boolean; readonly legacyFlag: string | undefined };
}

export interface Phase {
  readonly id: string;
  readonly title: string | undefined;
  readonly risk: 'critical' | 'high' | 'medium' | 'low' | undefined;
  readonly files: readonly string[];
  readonly include: readonly string[];
  readonly rules: readonly string[] | undefined;
}

/** A gate as the phases run it: `affected` resolved (explicit, or implied by `{affected}` in `run`). */
export type Gate = Omit<RawGate, 'affected'> & { readonly affected: boolean };

export interface Config {
  /** Absolute path of the config file. */
  readonly file: string;
  readonly language: RawConfig['language'];
  /** Source roots relative to the scan root, posix, no trailing slash ('' for the root itself). */
  readonly sourceRoots: readonly string[];
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  readonly services: readonly { readonly name: string; readonly globs: readonly string[] }[];
  /** Contracts on the imports between services (model/boundary.ts), in config order; names unique and distinct from rule ids. */
  readonly boundaries: readonly Contract[];
  readonly rules: readonly Rule[];
  readonly phases: readonly Phase[];
  readonly gates: readonly Gate[];
  /** Globs of test files (normalised); empty when the language names none and the config sets none. */
  readonly testFiles: readonly string[];
  readonly monitor: unknown;
  /** `file:line` of a key of the config (for messages about it found after loading). */
  readonly where: (keyPath: readonly (string | number)[]) => string;
}

export async function loadConfig(root: string, explicit?: string): Promise<Config> {
  const file = locateConfig(root, explicit);
  return compileConfig(readRawConfig(file));
}

export async function compileConfig(loaded: LoadedRawConfig): Promise<Config> {
  const { raw, file } = loaded;
  const fail = (keyPath: (string | number)[], message: string): never => {
    const line = loaded.lineOf(keyPath) ?? 1;
    throw new UserError(`${displayPath(file)}:${line}: \`${formatKeyPath(keyPath)}\` ${message}`);
  };
  // the root is a wall: a glob or path that can name a file outside it is refused before anything is read
  const inside = (keyPath: (string | number)[], value: string, what: 'glob' | 'path' | 'folder'): string => {
    const why = leavesRoot(value);
    if (why) fail(keyPath, `${why}: "${value}" (${what}s are relative to the scanned root and must stay inside it)`);
    return value;
  };
  const insideAll = (keyPath: (string | number)[], values: readonly string[], what: 'glob' | 'path'): string[] =>
    values.map((value, i) => inside([...keyPath, i], value, what));

  const adapter = adapterFor(raw.language);
  const parseImportSpec = (text: string) => adapter.parseImportSpec(text);
  const canonical = new Map<string, CanonicalEntry>();
  for (const [id, statement] of Object.entries(raw.canonical)) {
    const spec = await parseImportSpec(statement);
    if ('error' in spec) fail(['canonical', id], `${spec.error}: "${statement}" (expected \`from module import name, …\`)`);
    else if (spec.kind !== 'from' || spec.names.some((n) => n.name === '*')) {
      fail(['canonical', id], `must name what it imports: "${statement}" (expected \`from module import name, …\`)`);
    } else {
      const targets = spec.names.map((n) => ({ module: spec.module, name: n.name, local: n.alias ?? n.name }));
      canonical.set(id, { id, statement, targets });
    }
  }

  const ruleIds = new Set<string>();
  const rules: Rule[] = [];
  for (const [index, rule] of raw.rules.entries()) {
    if (ruleIds.has(rule.id)) fail(['rules', index, 'id'], `duplicates rule id "${rule.id}"`);
    ruleIds.add(rule.id);
    const entry = canonical.get(rule.replaceWith);
    if (!entry) {
      const known = [...canonical.keys()].map((k) => `"${k}"`).join(', ') || 'none';
      fail(['rules', index, 'replaceWith'], `names no canonical id: "${rule.replaceWith}" (known: ${known})`);
    }
    const specs: { spec: ImportSpec; statement: string; at: (string | number)[] }[] = [];
    for (const [i, statement] of rule.deprecated.entries()) {
      const spec = await parseImportSpec(statement);
      if ('error' in spec) fail(['rules', index, 'deprecated', i], `${spec.error}: "${statement}"`);
      else specs.push({ spec, statement, at: ['rules', index, 'deprecated', i] });
    }
    let types: ConfigTarget | undefined;
    if (rule.types !== undefined) {
      const spec = await parseImportSpec(rule.types);
      const single = singleName(spec);
      if ('error' in single) fail(['rules', index, 'types'], `${single.error}: "${rule.types}" (expected \`from module import Class\`)`);
      else types = { ...single, statement: rule.types };
    }
    const where = (keyPath: (string | number)[]) => `${displayPath(file)}:${loaded.lineOf(keyPath) ?? 1}`;
    const paired = pairRule(entry!, specs, rule.map ?? {}, (keyPath, message) => fail(keyPath, message), ['rules', index, 'map']);
    const bans: Ban[] = paired.map(({ ban, at }) => ({
      ...ban,
      ruleId: rule.id,
      ...(types ? { typesPath: `${types.module}.${types.name}` } : {}),
      ...(rule.mode ? { mode: rule.mode } : {}),
      configLocation: where(at),
    }));
    rules.push({
      id: rule.id,
      bans,
      canonical: entry!,
      types,
      allowIn: insideAll(['rules', index, 'allowIn'], rule.allowIn, 'glob').map(normaliseGlob),
      message: rule.message,
      shim: { warning: rule.shim.warning, legacyFlag: rule.shim.legacyFlag },
    });
  }
  checkOverlaps(rules, (ruleIndex, banIndex, message) => {
    const deprecatedIndex = raw.rules[ruleIndex]!.deprecated.indexOf(rules[ruleIndex]!.bans[banIndex]!.source);
    return fail(['rules', ruleIndex, 'deprecated', Math.max(0, deprecatedIndex)], message);
  });
  // a migration's target must not be deprecated itself; the `types` class may be banned by its own
  // rule exactly (type positions are then exempt: its other uses are what the rule moves away from)
  for (const [index, rule] of rules.entries()) {
    const targets: { key: 'replaceWith' | 'types'; path: string }[] = [
      ...rule.canonical.targets.map((t) => ({ key: 'replaceWith' as const, path: `${t.module}.${t.name}` })),
      ...(rule.types ? [{ key: 'types' as const, path: `${rule.types.module}.${rule.types.name}` }] : []),
    ];
    for (const { key, path } of targets) {
      for (const other of rules) {
        const ban = findBan(other.bans, path);
        if (!ban || (key === 'types' && other === rule && ban.path === path)) continue;
        fail(['rules', index, key], `names \`${path}\`, which rule "${other.id}" bans (\`${ban.source}\`): the target of a migration must not be deprecated itself`);
      }
    }
  }

  const phaseIds = new Set<string>();
  const phases: Phase[] = raw.phases.map((phase: RawPhase, index) => {
    if (phaseIds.has(phase.id)) fail(['phases', index, 'id'], `duplicates phase id "${phase.id}"`);
    phaseIds.add(phase.id);
    for (const [i, ruleId] of (phase.rules ?? []).entries()) {
      if (!ruleIds.has(ruleId)) fail(['phases', index, 'rules', i], `names no rule id: "${ruleId}"`);
    }
    return {
      id: phase.id,
      title: phase.title,
      risk: phase.risk,
      files: insideAll(['phases', index, 'files'], phase.files, 'path').map(normalisePath),
      include: insideAll(['phases', index, 'include'], phase.include, 'glob').map(normaliseGlob),
      rules: phase.rules,
    };
  });

  const gateNames = new Set<string>();
  for (const [index, gate] of raw.gates.entries()) {
    if (gateNames.has(gate.name)) fail(['gates', index, 'name'], `duplicates gate name "${gate.name}"`);
    gateNames.add(gate.name);
    if (gate.cwd !== undefined) inside(['gates', index, 'cwd'], gate.cwd, 'folder');
  }

  const boundaries = compileBoundaries(raw.boundaries, new Set(Object.keys(raw.services)), ruleIds, fail, (keyPath) => `${displayPath(file)}:${loaded.lineOf(keyPath) ?? 1}`);

  return {
    file,
    language: raw.language,
    sourceRoots: raw.sourceRoots.map(normalisePath),
    include: (raw.include ? insideAll(['include'], raw.include, 'glob') : adapter.defaultInclude).map(normaliseGlob),
    exclude: [...DEFAULT_EXCLUDE, ...insideAll(['exclude'], raw.exclude, 'glob').map(normaliseGlob)],
    services: Object.entries(raw.services).map(([name, globs]) => ({
      name,
      globs: (typeof globs === 'string' ? [inside(['services', name], globs, 'glob')] : insideAll(['services', name], globs, 'glob')).map(normaliseGlob),
    })),
    boundaries,
    rules,
    phases,
    gates: raw.gates.map((gate) => ({ ...gate, affected: gate.affected ?? gate.run.includes(AFFECTED_PLACEHOLDER) })),
    testFiles: (raw.testFiles ?? adapter.imports?.defaultTestFiles ?? []).map(normaliseGlob),
    monitor: raw.monitor,
    where: (keyPath) => `${displayPath(file)}:${loaded.lineOf(keyPath) ?? 1}`,
  };
}

/**
 * The `boundaries:` contracts: every service named is one of `services`,
 * a service sits in one layer only, and names (given, or made of the type
 * and its services) are unique and no rule's id — a violation is reported
 * under its contract's name as a finding's rule.
 */
function compileBoundaries(
  raw: readonly RawBoundary[],
  services: ReadonlySet<string>,
  ruleIds: ReadonlySet<string>,
  fail: Fail,
  where: (keyPath: (string | number)[]) => string,
): Contract[] {
  const names = new Set<string>();
  return raw.map((b, index) => {
    const at = (...rest: (string | number)[]) => ['boundaries', index, ...rest];
    const known = () => [...services].join(', ') || 'none';
    const checkServices = (list: readonly string[], ...key: (string | number)[]) =>
      list.forEach((s, i) => {
        if (!services.has(s)) fail(at(...key, i), `names no service: "${s}" (known: ${known()})`);
      });
    const empty = { from: [] as string[], to: [] as string[], services: [] as string[], layers: [] as string[][] };
    let shape: typeof empty;
    let defaultName: string;
    if (b.type === 'forbidden') {
      checkServices(b.from, 'from');
      checkServices(b.to, 'to');
      shape = { ...empty, from: [...b.from], to: [...b.to] };
      defaultName = `forbidden: ${b.from.join(', ')} → ${b.to.join(', ')}`;
    } else if (b.type === 'independence') {
      checkServices(b.services, 'services');
      if (b.services.length < 2) fail(at('services'), 'needs at least two services to be independent of each other');
      shape = { ...empty, services: [...b.services] };
      defaultName = `independence: ${b.services.join(', ')}`;
    } else {
      const layers = b.layers.map((layer) => (typeof layer === 'string' ? [layer] : [...layer]));
      const seen = new Map<string, number>();
      layers.forEach((layer, l) => {
        checkServices(layer, 'layers', l);
        for (const s of layer) {
          if (seen.has(s)) fail(at('layers', l), `puts service "${s}" in a second layer (it is in layer ${seen.get(s)! + 1}): a service belongs to one layer`);
          seen.set(s, l);
        }
      });
      shape = { ...empty, layers };
      defaultName = `layers: ${layers.map((l) => l.join(' | ')).join(' > ')}`;
    }
    const name = b.name ?? defaultName;
    if (names.has(name)) fail(at(b.name === undefined ? 'type' : 'name'), `duplicates boundary name "${name}"${b.name === undefined ? ' (give each contract a `name`)' : ''}`);
    if (ruleIds.has(name)) fail(at('name'), `"${name}" is also a rule id: a boundary's name is the rule of its findings, so the two must differ`);
    names.add(name);
    return { name, type: b.type, ...shape, allow: [...b.allow], configLocation: where(at()) };
  });
}

function singleName(spec: ImportSpec | { error: string }): Omit<ConfigTarget, 'statement'> | { error: string } {
  if ('error' in spec) return spec;
  const first = spec.names[0];
  if (spec.kind !== 'from' || spec.names.length !== 1 || !first || first.name === '*') {
    return { error: 'must import exactly one name' };
  }
  return { module: spec.module, name: first.name, local: first.alias ?? first.name };
}

type Fail = (keyPath: (string | number)[], message: string) => never;

/**
 * Pairs every deprecated name of a rule with one of its canonical targets:
 * an explicit `map` entry first, then the target of the same name (for
 * `import M`: the target whose last segment is M's), then — when the
 * canonical statement imports one name and no deprecated name pairs with it
 * by name — that one name (many deprecated names → one shared object, as the
 * seed's Redis managers). A name without a partner is a config error naming it.
 * `map` keys that name a path under a banned module (`mock.mock`) map that
 * path itself.
 */
function pairRule(
  canonical: CanonicalEntry,
  specs: readonly { spec: ImportSpec; statement: string; at: (string | number)[] }[],
  map: Readonly<Record<string, string>>,
  fail: Fail,
  mapAt: (string | number)[],
): { ban: Omit<Ban, 'ruleId'>; at: (string | number)[] }[] {
  const byName = new Map(canonical.targets.map((t) => [t.local, t] as const));
  for (const t of canonical.targets) if (!byName.has(t.name)) byName.set(t.name, t);
  const lastSegment = (path: string) => path.slice(path.lastIndexOf('.') + 1);
  const entries = specs.flatMap(({ spec, statement, at }) => {
    if (spec.kind === 'import') return [{ kind: 'module' as const, path: spec.module, name: lastSegment(spec.module), statement, at }];
    return spec.names.map(({ name }) =>
      name === '*'
        ? { kind: 'module' as const, path: spec.module, name: lastSegment(spec.module), statement, at }
        : { kind: 'symbol' as const, path: `${spec.module}.${name}`, name, statement, at },
    );
  });
  const mapTarget = (value: string, key: string): ImportTarget => {
    const named = byName.get(value);
    if (named) return named;
    const dot = value.lastIndexOf('.');
    if (dot <= 0) fail([...mapAt, key], `maps to "${value}", which is neither a name of canonical "${canonical.id}" (${canonical.targets.map((t) => t.local).join(', ')}) nor a dotted path`);
    return { module: value.slice(0, dot), name: value.slice(dot + 1), local: value.slice(dot + 1) };
  };
  const anyByName = entries.some((e) => byName.has(e.name) || (e.kind === 'module' && canonical.targets.some((t) => t.name === e.name)));
  const single = canonical.targets.length === 1 && !anyByName ? canonical.targets[0] : undefined;
  const used = new Set<string>();
  const out = entries.map((e) => {
    const key = e.path in map ? e.path : e.name in map ? e.name : undefined;
    if (key !== undefined) used.add(key);
    const target = key !== undefined ? mapTarget(map[key]!, key) : (byName.get(e.name) ?? single);
    if (!target) {
      const names = canonical.targets.map((t) => t.local).join(', ');
      return fail(e.at, `names \`${e.path}\`, which has no partner in canonical "${canonical.id}" (${names}): add it to that statement, or pair it in \`map: { ${e.name}: … }\``);
    }
    return { ban: { kind: e.kind, path: e.path, source: e.statement, target }, at: e.at };
  });
  // the other map keys map paths under a banned module (`mock.mock: unittest.mock`)
  const pathMap: (readonly [string, string])[] = [];
  for (const [key, value] of Object.entries(map)) {
    if (used.has(key)) continue;
    const owner = out.find((o) => o.ban.kind === 'module' && isAtOrUnder(key, o.ban.path) && key !== o.ban.path);
    if (!owner) fail([...mapAt, key], `names "${key}", which is neither a deprecated name of this rule nor a path under one of its banned modules`);
    const target = mapTarget(value, key);
    pathMap.push([key, `${target.module}.${target.name}`]);
  }
  return out.map((o) => (o.ban.kind === 'module' && pathMap.some(([k]) => isAtOrUnder(k, o.ban.path)) ? { ...o, ban: { ...o.ban, pathMap } } : o));
}

/**
 * A finding belongs to one rule: a ban at or under another ban (of the same
 * rule or another) is a config error, never silently shadowed.
 */
function checkOverlaps(rules: readonly Rule[], fail: (ruleIndex: number, banIndex: number, message: string) => never): void {
  const all = rules.flatMap((rule, ruleIndex) => rule.bans.map((ban, banIndex) => ({ rule, ruleIndex, ban, banIndex })));
  for (let j = 1; j < all.length; j++) {
    const later = all[j]!;
    for (let i = 0; i < j; i++) {
      const earlier = all[i]!;
      const [narrow, wide] = isAtOrUnder(later.ban.path, earlier.ban.path) ? [later, earlier] : isAtOrUnder(earlier.ban.path, later.ban.path) ? [earlier, later] : [null, null];
      if (!narrow || !wide) continue;
      const owner = earlier.rule === later.rule ? 'this rule' : `rule "${earlier.rule.id}"`;
      const how = narrow.ban.path === wide.ban.path ? `\`${later.ban.path}\` is banned twice` : `\`${narrow.ban.path}\` lies under \`${wide.ban.path}\``;
      fail(later.ruleIndex, later.banIndex, `${how} (${owner}: \`${earlier.ban.source}\`): a finding belongs to one rule; drop one of the two, or narrow the wider one`);
    }
  }
}

/**
 * Why a config glob or path can reach outside the root, or null when it
 * cannot: absolute (`/x`, `C:\\x`, `\\\\server`), or with a `..` segment
 * (even one that would come back in: a glob is matched, not resolved).
 */
export function leavesRoot(value: string): string | null {
  const posix = value.replace(/\\/g, '/');
  if (posix.startsWith('/') || /^[A-Za-z]:\//.test(posix)) return 'is absolute';
  if (posix.split('/').includes('..')) return 'has a `..` segment';
  return null;
}

/** Posix, no leading `./`, no trailing `/`; `.` becomes ''. */
export function normalisePath(p: string): string {
  let out = p.split(path.sep).join('/');
  while (out.startsWith('./')) out = out.slice(2);
  while (out.endsWith('/') && out.length > 1) out = out.slice(0, -1);
  return out === '.' ? '' : out;
}

function normaliseGlob(glob: string): string {
  const out = normalisePath(glob);
  return out === '' ? '**' : out;
}

/**
 * The house rules of src/, as a checker of an import graph: layers point one
 * way, no cycles (type-only imports count), a language's folder is reached
 * only through languages/registry.ts, and only cli/ touches argv, stdout,
 * stderr, signals and exit codes. `readSourceGraph` parses every import of a
 * tree with the TypeScript parser; `checkArchitecture` is pure, so the tests
 * can feed it tiny synthetic graphs as well as the real one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** The layer order, bottom first. A folder imports only from folders of lower layers. */
export const LAYERS: readonly (readonly string[])[] = [
  ['model'],
  ['text', 'parsing', 'workspace'],
  ['languages'],
  ['config'],
  ['engine'],
  ['phases', 'monitor'],
  ['report'],
  ['cli'],
];

/** report/ renders results: it may import values only from these layers, and types from any layer below it. */
const REPORT_VALUE_LAYERS = 1;

export interface ModuleImport {
  /** Path relative to src/, posix, `.ts`. */
  readonly target: string;
  readonly typeOnly: boolean;
}

export interface SourceModule {
  /** Path relative to src/, posix, `.ts`. */
  readonly file: string;
  readonly imports: readonly ModuleImport[];
  /** `process.X` members used (stdout, stderr, exit, exitCode, argv, on, once). */
  readonly processUses: readonly string[];
  /** String literals in the code (not comments). */
  readonly strings: readonly string[];
}

const PROCESS_MEMBERS = new Set(['stdout', 'stderr', 'exit', 'exitCode', 'argv', 'on', 'once']);
/** Names of one language that must not appear outside languages/. */
const LANGUAGE_WORDS = ['python3', 'tree-sitter-python'];

function layerOf(file: string): number {
  const top = file.split('/')[0]!;
  const layer = LAYERS.findIndex((folders) => folders.includes(top));
  return layer;
}

function topOf(file: string): string {
  return file.split('/')[0]!;
}

/** Every violation, one line each; empty when the graph keeps the rules. */
export function checkArchitecture(modules: readonly SourceModule[]): string[] {
  const problems: string[] = [];
  for (const m of modules) {
    const from = layerOf(m.file);
    if (from < 0) problems.push(`${m.file}: its folder is in no layer (add it to LAYERS in test/architecture/check.ts and to the README)`);
    for (const imp of m.imports) {
      const to = layerOf(imp.target);
      const edge = `${m.file} → ${imp.target}${imp.typeOnly ? ' (type)' : ''}`;
      if (topOf(imp.target) !== topOf(m.file)) {
        const allowed =
          topOf(m.file) === 'report' ? to >= 0 && (imp.typeOnly ? to < from : to <= REPORT_VALUE_LAYERS) : to >= 0 && to < from;
        if (!allowed) problems.push(`upward or sideways import: ${edge} (layer ${from} may import only from lower layers)`);
      }
      const intoLanguage = imp.target.startsWith('languages/') && imp.target.split('/').length > 2;
      if (intoLanguage) {
        const lang = imp.target.split('/')[1];
        const fromSameLanguage = m.file.startsWith(`languages/${lang}/`);
        if (!fromSameLanguage && m.file !== 'languages/registry.ts') problems.push(`language folder reached around the registry: ${edge}`);
      }
    }
    if (topOf(m.file) !== 'cli') {
      for (const use of m.processUses) problems.push(`${m.file}: uses process.${use} (only cli/ touches argv, stdout, stderr, signals and exit codes)`);
    }
    if (topOf(m.file) !== 'languages') {
      for (const s of m.strings) {
        const word = LANGUAGE_WORDS.find((w) => s.includes(w));
        if (word) problems.push(`${m.file}: names ${word} (a language detail outside languages/)`);
      }
    }
  }
  for (const cycle of cyclesOf(modules)) problems.push(`import cycle: ${[...cycle, cycle[0]].join(' → ')}`);
  return problems;
}

/** Strongly connected components of more than one module (or a module importing itself), by Tarjan's algorithm. */
export function cyclesOf(modules: readonly SourceModule[]): string[][] {
  const edges = new Map(modules.map((m) => [m.file, m.imports.map((i) => i.target)]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (edges.get(v) ?? []).includes(v)) out.push(component.reverse());
    }
  };
  for (const m of modules) if (!index.has(m.file)) visit(m.file);
  return out;
}

/** Parses every .ts file under `srcDir` with the TypeScript parser. */
export function readSourceGraph(srcDir: string): SourceModule[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) files.push(full);
    }
  };
  walk(srcDir);
  return files.sort().map((full) => moduleOf(srcDir, full));
}

function moduleOf(srcDir: string, full: string): SourceModule {
  const text = readFileSync(full, 'utf8');
  const source = ts.createSourceFile(full, text, ts.ScriptTarget.Latest, true);
  const rel = (p: string) => path.relative(srcDir, p).split(path.sep).join('/');
  const imports: ModuleImport[] = [];
  const processUses = new Set<string>();
  const strings: string[] = [];
  const add = (specifier: string, typeOnly: boolean) => {
    if (!specifier.startsWith('.')) return; // packages and node: builtins
    const target = rel(path.resolve(path.dirname(full), specifier)).replace(/\.js$/, '.ts');
    imports.push({ target, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const allTypes =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier.text, allTypes);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, node.isTypeOnly);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node.argument.literal.text, true);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      add(node.arguments[0].text, false);
    } else if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'process' && PROCESS_MEMBERS.has(node.name.text)) {
      processUses.add(node.name.text);
    } else if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      strings.push(node.text);
    } else if (ts.isTemplateExpression(node)) {
      strings.push(node.head.text, ...node.templateSpans.map((s) => s.literal.text));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { file: rel(full), imports, processUses: [...processUses], strings };
}

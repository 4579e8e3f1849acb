import type { Ban, RawFinding } from '../../model/finding.js';
import { isAtOrUnder } from '../../model/finding.js';
import { getParser } from '../../parsing/treeSitter.js';
import type { FilePlanInput, FilePlanOutput, FileScanInput, FileScanOutput, LanguageAdapter } from '../adapter.js';
import type { SyntaxNode } from '../../parsing/treeSitter.js';
import { analyzePythonFile, type PythonFileAnalysis } from './analyze.js';
import { planPythonFixes } from './fix.js';
import { mayHaveFindings, planPrefilter, type PrefilterPlan } from './importPrefilter.js';
import { moduleContextOf, resolveRelativeModule } from './moduleNames.js';
import { analyzeScopes, relevanceOf } from './scopes.js';
import { LiteTree, type Point } from '../../parsing/liteTree.js';
import type { Parser, Tree } from 'web-tree-sitter';
import { applyEdits } from '../../model/edit.js';

/** Second-stage plans per ban set (callers reuse one array per set of active bans). */
const prefilterPlans = new WeakMap<readonly Ban[], PrefilterPlan>();

/** The module a ban lives in: `a.b.M` for symbol `a.b.M.N`, the path itself for a module ban. */
function banModule(ban: Ban): string {
  if (ban.kind === 'module') return ban.path;
  const dot = ban.path.lastIndexOf('.');
  return dot < 0 ? ban.path : ban.path.slice(0, dot);
}

export const pythonAdapter: LanguageAdapter = {
  id: 'python',
  defaultInclude: ['**/*.py', '**/*.pyi'],

  needles(bans) {
    // Any import that reaches module a.b.M names its last segment `M`
    // (`from .M import`, `from a.b import M`, `import a.b.M`), and so does
    // every string reference to a path under it.
    const needles = new Set<string>();
    for (const ban of bans) {
      const module = banModule(ban);
      needles.add(module.slice(module.lastIndexOf('.') + 1));
    }
    // a needle that contains another is implied by it: one search fewer per file
    const all = [...needles];
    return all.filter((n) => !all.some((other) => other !== n && n.includes(other)));
  },

  alwaysCandidate(rel, bans, sourceRoots) {
    const context = moduleContextOf(rel, sourceRoots);
    if (context.package === null || context.package === '') return false;
    // inside the banned package, `from . import N` names neither the package nor its path
    return bans.some((ban) => isAtOrUnder(context.package!, banModule(ban)) || isAtOrUnder(context.package!, ban.path));
  },

  mayHaveFindings({ rel, bytes, bans, sourceRoots }) {
    let plan = prefilterPlans.get(bans);
    if (!plan) {
      plan = planPrefilter(bans);
      prefilterPlans.set(bans, plan);
    }
    return mayHaveFindings(bytes, rel, sourceRoots, plan);
  },

  async scanFile(input: FileScanInput): Promise<FileScanOutput> {
    const parser = await getParser('python');
    // the next fix round plans the text the last validation parsed: its tree is reused
    const tree = takeValidatedTree(input.text) ?? parser.parse(input.text);
    if (!tree) throw new Error(`tree-sitter returned no tree for ${input.rel}`);
    const lite = new LiteTree(tree, input.text);
    try {
      const root = lite.root;
      // planning asks whether the canonical names are free: they must be resolved too
      const extraNames = input.plan ? [...input.plan.rules.values()].flatMap((r) => [r.canonical.local, ...(r.types ? [r.types.local] : [])]) : [];
      const analysis = analyzePythonFile(root, moduleContextOf(input.rel, input.sourceRoots), input.bans, extraNames);
      const output = scanOutput(root, analysis);
      if (!input.plan || !analysis.findings.length) return output;
      const packageInit = input.rel === '__init__.py' || input.rel.endsWith('/__init__.py');
      const plan = planPythonFixes(root, input.text, analysis, input.plan.rules, { unsafe: input.plan.unsafe, packageInit });
      const problem = input.plan.validate === false ? null : validatePlan(parser, tree, lite, input.text, plan.edits, input.rel, input.sourceRoots);
      return { ...output, fixes: { edits: plan.edits, perFinding: plan.perFinding, applied: plan.applied, problem } };
    } finally {
      lite.dispose();
      tree.delete();
    }
  },

  async planFile(input: FilePlanInput): Promise<FilePlanOutput> {
    const output = await this.scanFile({ ...input, plan: { rules: input.rules, unsafe: input.unsafe } });
    const fixes = output.fixes ?? { edits: [], perFinding: [], applied: [], problem: null };
    return { ...output, edits: fixes.edits, perFinding: fixes.perFinding, applied: fixes.applied, problem: fixes.problem };
  },
};

/**
 * Checks a rewrite of `before` parsed from scratch: it parses without new
 * errors and every placed identifier resolves to the path its edit says.
 * Returns the problem, or null. (Plans validate themselves on an incremental
 * reparse, see validatePlan; this is the same check for any pair of texts.)
 */
export async function validatePythonRewrite({
  rel,
  before,
  after,
  sourceRoots,
  placed,
}: {
  readonly rel: string;
  readonly before: string;
  readonly after: string;
  readonly sourceRoots: readonly string[];
  readonly placed: readonly { start: number; name: string; binds: string }[];
}): Promise<string | null> {
  const parser = await getParser('python');
  const tree = parser.parse(after);
  if (!tree) return 'the result could not be parsed';
  const hadErrors = () => {
    const old = parser.parse(before);
    const errors = old?.rootNode.hasError ?? false;
    old?.delete();
    return errors;
  };
  try {
    return checkRewrite(tree, after, rel, sourceRoots, placed, hadErrors);
  } finally {
    tree.delete();
  }
}

/**
 * The rewrite's own checks: it parses without new errors, and every placed
 * identifier resolves to the path its edit says. `tree` is the parse of `after`.
 */
function checkRewrite(
  tree: Tree,
  after: string,
  rel: string,
  sourceRoots: readonly string[],
  placed: readonly { start: number; name: string; binds: string }[],
  hadErrors: () => boolean,
): string | null {
  const lite = new LiteTree(tree, after);
  try {
    if (lite.root.hasError && !hadErrors()) return 'the result does not parse';
    if (!placed.length) return null;
    const context = moduleContextOf(rel, sourceRoots);
    // only the placed names are asked about: whatever binds or shadows them spells them
    const relevant = relevanceOf(lite.root, ['import', ...placed.map((p) => p.name)]);
    const scopes = analyzeScopes(lite.root, (level, module) => resolveRelativeModule(context, level, module), relevant);
    const byStart = new Map(scopes.references.map((r) => [r.node.startIndex, r]));
    for (const p of placed) {
      const ref = byStart.get(p.start);
      if (!ref || ref.name !== p.name) return `internal: no reference \`${p.name}\` where the rewrite placed it`;
      if (!ref.candidates.length) return `\`${p.name}\` would be unbound here`;
      if (!ref.candidates.every((c) => c.import?.qualifiedName === p.binds || c.kind === 'assignment')) {
        return `\`${p.name}\` would not refer to ${p.binds} here`;
      }
      if (!ref.candidates.some((c) => c.import?.qualifiedName === p.binds)) return `\`${p.name}\` would not refer to ${p.binds} here`;
    }
    return null;
  } finally {
    lite.dispose();
  }
}

/**
 * Validates a plan on the tree it was made from: the tree is edited in
 * place (tree-sitter's incremental parsing) and only the changed regions
 * are parsed again — the result is the tree a fresh parse of the new text
 * gives, for a fraction of the cost. `old` is not usable afterwards.
 */
function validatePlan(
  parser: Parser,
  old: Tree,
  lite: LiteTree,
  before: string,
  edits: readonly { start: number; end: number; text: string; binds?: string }[],
  rel: string,
  sourceRoots: readonly string[],
): string | null {
  if (!edits.length) return null;
  const applied = applyEdits(before, edits);
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const placed = sorted.flatMap((e, i) => (e.binds ? [{ start: applied.newStarts[i]!, name: e.text, binds: e.binds }] : []));
  const hadErrors = lite.root.hasError;
  // last edit first: the positions of the earlier ones stay those of `before`
  for (let i = sorted.length - 1; i >= 0; i--) {
    const e = sorted[i]!;
    const startPosition = lite.point(e.start);
    old.edit({
      startIndex: e.start,
      oldEndIndex: e.end,
      newEndIndex: e.start + e.text.length,
      startPosition,
      oldEndPosition: lite.point(e.end),
      newEndPosition: pointAfter(startPosition, e.text),
    });
  }
  const tree = parser.parse(applied.text, old);
  if (!tree) return 'the result could not be parsed';
  let accepted = false;
  try {
    const problem = checkRewrite(tree, applied.text, rel, sourceRoots, placed, () => hadErrors);
    accepted = problem === null;
    return problem;
  } finally {
    if (accepted) keepValidatedTree(applied.text, tree);
    else tree.delete();
  }
}

/**
 * The tree of the last accepted rewrite, kept for the fix round that plans
 * that very text next (one per thread; a tree depends on nothing but its
 * text). Taking it hands over ownership.
 */
let validated: { text: string; tree: Tree } | null = null;

function keepValidatedTree(text: string, tree: Tree): void {
  validated?.tree.delete();
  validated = { text, tree };
}

function takeValidatedTree(text: string): Tree | null {
  if (validated === null || validated.text !== text) return null;
  const { tree } = validated;
  validated = null;
  return tree;
}

/** Where inserted `text` ends when it starts at `start` (rows by \n, columns in UTF-16 units). */
function pointAfter(start: Point, text: string): Point {
  const lastNewline = text.lastIndexOf('\n');
  if (lastNewline < 0) return { row: start.row, column: start.column + text.length };
  let rows = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) rows++;
  return { row: start.row + rows, column: text.length - lastNewline - 1 };
}

function scanOutput(root: SyntaxNode, analysis: PythonFileAnalysis): FileScanOutput {
  const statementRanges = new Map<RawFinding, { start: number; end: number }>();
  for (const finding of analysis.findings) {
    if (finding.kind !== 'import') continue;
    let node: SyntaxNode | null = root.descendantForIndex(finding.range.start);
    while (node && node.type !== 'import_statement' && node.type !== 'import_from_statement') node = node.parent;
    if (node) statementRanges.set(finding, { start: node.startIndex, end: node.endIndex });
  }
  return { findings: analysis.findings, parseErrors: root.hasError, suppressions: analysis.suppressions, statementRanges };
}

/**
 * The Python adapter: tree-sitter-python, Python's scoping rules, the fix
 * planner, `compile()` with the project's interpreter and module-level export
 * resolution — everything Python-specific, behind the LanguageAdapter seam.
 */
import type { Ban, RawFinding } from '../../model/finding.js';
import { isAtOrUnder } from '../../model/finding.js';
import { AncestorMemo, LiteTree } from '../../parsing/liteTree.js';
import { getParser, type SyntaxNode } from '../../parsing/treeSitter.js';
import type { FileAnalysis, FileAnalysisInput, LanguageAdapter } from '../adapter.js';
import { analyzePythonFile, type PythonFileAnalysis } from './analyze.js';
import { blankCommentLines } from './commentLines.js';
import { checkPythonCompiles, DEFAULT_INTERPRETER, forgetBytecode, probePython } from './compile.js';
import { pythonSourceEncoding } from './encoding.js';
import { moduleFile, resolvePythonExport } from './exports.js';
import { removePythonReExports } from './prune.js';
import { buildPythonShim, checkPythonDelegation, legacyModuleOf } from './shim.js';
import { describePythonSymbols } from './symbols.js';
import { planPythonFixes } from './fix.js';
import { PYTHON_GRAMMAR } from './grammar.js';
import { mayHaveFindings, planPrefilter, type PrefilterPlan } from './importPrefilter.js';
import { parsePythonImportSpec } from './importSpec.js';
import { lexModuleImports, parseModuleImports } from './moduleImports.js';
import { pythonImportStatements } from './importStatements.js';
import { moduleContextOf } from './moduleNames.js';
import { failedPytestTest } from './pytest.js';
import { PYTHON_STARTER_CONFIG } from './starter.js';
import { takeValidatedTree, validatePlan } from './validate.js';

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
  grammar: PYTHON_GRAMMAR,
  defaultInclude: ['**/*.py', '**/*.pyi'],
  starterConfig: PYTHON_STARTER_CONFIG,
  defaultInterpreter: DEFAULT_INTERPRETER,
  parseImportSpec: parsePythonImportSpec,
  sourceEncoding: pythonSourceEncoding,

  needles(bans) {
    // Any import that reaches module a.b.M names its last segment `M`
    // (`from .M import`, `from a.b import M`, `import a.b.M`), and so does
    // every string reference to a path under it. A reference to another
    // module's deprecated binding N (`from M import N`, `M.N`,
    // `patch.object(M, "N")`) names N itself: fewer distinct needles.
    const needles = new Set<string>();
    for (const ban of bans) {
      if (ban.referenceOf) {
        needles.add(ban.referenceOf.name);
        continue;
      }
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

  async analyzeFile(input: FileAnalysisInput): Promise<FileAnalysis> {
    const parser = await getParser(PYTHON_GRAMMAR);
    // the next fix round plans the text the last validation parsed: its tree is reused
    const tree = takeValidatedTree(input.text) ?? parser.parse(blankCommentLines(input.text));
    if (!tree) throw new Error(`tree-sitter returned no tree for ${input.rel}`);
    const lite = new LiteTree(tree, input.text);
    try {
      const root = lite.root;
      // planning asks whether the canonical names are free: they must be resolved too
      const extraNames = input.plan ? [...input.plan.rules.values()].flatMap((r) => [...r.bans.flatMap((b) => (b.target ? [b.target.local, b.target.name] : [])), ...(r.types ? [r.types.local] : [])]) : [];
      const analysis = analyzePythonFile(root, moduleContextOf(input.rel, input.sourceRoots), input.bans, extraNames, { ignoreSuppressions: input.ignoreSuppressions ?? false });
      const output = analysisOutput(root, analysis);
      if (!input.plan || !analysis.findings.length) return output;
      const packageInit = input.rel === '__init__.py' || input.rel.endsWith('/__init__.py');
      const plan = planPythonFixes(root, input.text, analysis, input.plan.rules, { unsafe: input.plan.unsafe, packageInit, keep: input.plan.keep, comparedElsewhere: input.plan.comparedElsewhere, patchedElsewhere: input.plan.patchedElsewhere });
      const problem = input.plan.validate ? validatePlan(parser, tree, lite, input.text, plan.edits, input.rel, input.sourceRoots) : null;
      return { ...output, plan: { ...plan, problem } };
    } finally {
      lite.dispose();
      tree.delete();
    }
  },

  checkCompiles: checkPythonCompiles,
  probeInterpreter: probePython,
  forgetCompiled: forgetBytecode,
  imports: {
    defaultTestFiles: ['**/test_*.py', '**/*_test.py'],
    testSupportFiles: ['conftest.py'],
    async moduleImports({ rel, bytes, sourceRoots }) {
      const lexed = lexModuleImports(bytes, rel, sourceRoots);
      if (lexed) return { edges: lexed, parsed: false };
      return { edges: await parseModuleImports(bytes.toString('utf8'), rel, sourceRoots), parsed: true };
    },
    importStatements: ({ rel, text, sourceRoots }) => pythonImportStatements(text, rel, sourceRoots),
    failedTestOf: failedPytestTest,
    testFileOf: (id) => id.split('::', 1)[0]!,
  },
  resolveExport: (root, sourceRoots, module, name) => resolvePythonExport(root, sourceRoots, module, name),
  moduleFile,
  legacyModuleOf,
  buildShim: buildPythonShim,
  checkDelegation: checkPythonDelegation,
  removeReExports: removePythonReExports,
  describeSymbols: describePythonSymbols,
  moduleNameOf: (rel, sourceRoots) => moduleContextOf(rel, sourceRoots).module,
};

function analysisOutput(root: SyntaxNode, analysis: PythonFileAnalysis): FileAnalysis {
  const statementRanges = new Map<RawFinding, { start: number; end: number }>();
  const enclosingScopes = new Map<RawFinding, string>();
  let near = root;
  for (const finding of analysis.findings) {
    // (a finding starts where a named node does: its ancestors are found without copying tokens,
    // from the last finding's node: findings come in order, so the walks add up to the tree, not more)
    const index = finding.range.start;
    while (near.parent && !(near.startIndex <= index && index < near.endIndex)) near = near.parent;
    const at = near.namedDescendantForIndex(index);
    near = at;
    enclosingScopes.set(finding, enclosingScopeName.of(at));
    if (finding.kind !== 'import') continue;
    let node: SyntaxNode | null = at;
    while (node && node.type !== 'import_statement' && node.type !== 'import_from_statement') node = node.parent;
    if (node) statementRanges.set(finding, { start: node.startIndex, end: node.endIndex });
  }
  return { findings: analysis.findings, parseErrors: root.hasError, suppressions: analysis.suppressions, statementRanges, enclosingScopes };
}

const NAMED_SCOPES = new Set(['function_definition', 'class_definition']);

/**
 * `Class.method` for a node inside `method`'s body: the names of the
 * functions and classes whose *body* holds the node, outermost first ('' at
 * module level). A decorator, default value, annotation or base class belongs
 * to the enclosing scope, as Python evaluates it there; lambdas and
 * comprehensions are not named.
 */
const enclosingScopeName = new AncestorMemo<string>('', (above, child) => {
  const n = child.parent;
  if (!n || !NAMED_SCOPES.has(n.type)) return above;
  const body = n.childForFieldName('body');
  if (!body || body.startIndex > child.startIndex || body.endIndex < child.endIndex) return above;
  const name = n.childForFieldName('name')?.text ?? '?';
  return above ? `${above}.${name}` : name;
});

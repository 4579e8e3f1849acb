/**
 * Compatibility modules for Python (`ssot shim`): a deprecated module keeps
 * its import path, but each deprecated name in it is bound to the canonical
 * object, so code that still imports the old name shares the canonical
 * instance (one connection pool, one identity) instead of building its own.
 *
 * The rewrite is made on the tree-sitter parse: the module-level definitions
 * of the deprecated names (classes, functions, `name = …`) are dropped and
 * one binding block takes the place of the first of them; everything else in
 * the module (helpers, constants, `__all__`) stays, so non-deprecated names
 * keep working and see the canonical objects. With a legacy flag the original
 * module is kept verbatim in a private module next to it and the block binds
 * from there when the environment variable is set (the seed's emergency
 * switch). The delegation check imports the modules with the project's
 * interpreter and compares objects with `is`: the only proof that a name
 * *is* the canonical object.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { getParser, type WasmNode } from '../../parsing/treeSitter.js';
import type { DelegationCheck, DelegationResult, ShimModuleInput, ShimModuleOutput } from '../adapter.js';
import { DEFAULT_INTERPRETER } from './compile.js';
import { PYTHON_GRAMMAR } from './grammar.js';

/** The private module that keeps the old implementation: `pkg/_mod_legacy.py` for `pkg/mod.py`. */
export function legacyModuleOf(rel: string, module: string): { rel: string; module: string } {
  const dir = path.posix.dirname(rel);
  const base = path.posix.basename(rel).replace(/\.pyi?$/, '');
  const isInit = base === '__init__';
  const legacyBase = isInit ? '_legacy' : `_${base}_legacy`;
  const legacyModule = isInit ? `${module}._legacy` : `${module.slice(0, module.lastIndexOf('.') + 1)}${legacyBase}`;
  return { rel: dir === '.' ? `${legacyBase}.py` : `${dir}/${legacyBase}.py`, module: legacyModule };
}

/** The name a module-level statement defines, when it is a plain definition of one name. */
function definedName(statement: WasmNode): string | null {
  switch (statement.type) {
    case 'class_definition':
    case 'function_definition':
      return statement.childForFieldName('name')?.text ?? null;
    case 'decorated_definition': {
      const inner = statement.childForFieldName('definition');
      return inner ? definedName(inner) : null;
    }
    case 'expression_statement': {
      const only = statement.namedChildCount === 1 ? statement.namedChild(0) : null;
      if (only?.type !== 'assignment') return null;
      const left = only.childForFieldName('left');
      return left?.type === 'identifier' ? left.text : null;
    }
    default:
      return null;
  }
}

function pyString(text: string): string {
  return JSON.stringify(text); // a JSON string literal is a valid Python string literal for these texts
}

/** The binding lines for the canonical side (`indent` for inside an `else:`). */
function canonicalBindings(input: ShimModuleInput, indent: string): string[] {
  const lines: string[] = [];
  for (const entry of input.names) {
    const { module, name } = entry.target;
    if (entry.bind === 'object') {
      lines.push(`${indent}from ${module} import ${name === entry.name ? name : `${name} as ${entry.name}`}  # noqa: F401`);
    } else {
      const local = `_ssot_canonical_${name}`;
      lines.push(`${indent}from ${module} import ${name} as ${local}`);
      lines.push('');
      lines.push(`${indent}def ${entry.name}(*args, **kwargs):`);
      lines.push(`${indent}    """Deprecated: the shared \`${module}.${name}\` (arguments are ignored; there is one instance)."""`);
      lines.push(`${indent}    return ${local}`);
      lines.push('');
    }
  }
  return lines;
}

/** The shim text for one deprecated module, or why it cannot be written. */
export async function buildPythonShim(input: ShimModuleInput): Promise<ShimModuleOutput> {
  const parser = await getParser(PYTHON_GRAMMAR);
  const tree = parser.parse(input.text);
  if (!tree) return { error: 'could not be parsed' };
  try {
    const root = tree.rootNode;
    if (root.hasError) return { error: 'has syntax errors; a shim is written only over a module that parses' };
    const wanted = new Set(input.names.map((n) => n.name));
    const statements = root.namedChildren.filter((n): n is WasmNode => n !== null);
    // docstring, comments and `from __future__` stay first: Python requires the future imports there
    let preambleEnd = 0;
    for (const [index, statement] of statements.entries()) {
      const isDocstring = index === statements.findIndex((s) => s.type !== 'comment') && statement.type === 'expression_statement' && statement.namedChild(0)?.type === 'string';
      if (statement.type === 'comment' || statement.type === 'future_import_statement' || isDocstring) preambleEnd = statement.endIndex;
      else break;
    }
    const dropped = statements.filter((s) => {
      const name = definedName(s);
      return name !== null && wanted.has(name);
    });
    let lastImportEnd = preambleEnd;
    for (const s of statements) if (s.type === 'import_statement' || s.type === 'import_from_statement') lastImportEnd = Math.max(lastImportEnd, s.endIndex);
    const blockAt = dropped[0]?.startIndex ?? lastImportEnd;

    const legacy = input.legacy;
    const header = [
      `# Compatibility shim written by \`ssot shim\` (rule ${input.ruleId}): the deprecated names here`,
      `# are the canonical objects. New code: ${input.replacement}`,
    ];
    const block: string[] = [...header];
    if (legacy) {
      block.push(`if _ssot_os.environ.get(${pyString(legacy.flag)}):`);
      block.push(`    # emergency switch: the old implementation, kept verbatim in ${path.posix.basename(legacy.rel)}`);
      block.push(`    from ${legacy.module} import ${input.names.map((n) => n.name).join(', ')}  # noqa: F401`);
      block.push('else:');
      block.push(...canonicalBindings(input, '    '));
    } else {
      block.push(...canonicalBindings(input, ''));
    }
    while (block[block.length - 1] === '') block.pop();

    const prelude: string[] = [];
    if (legacy) prelude.push('import os as _ssot_os');
    if (input.warning) {
      prelude.push('import warnings as _ssot_warnings');
      prelude.push('');
      prelude.push('_ssot_warnings.warn(');
      prelude.push(`    ${pyString(`${input.module} is deprecated; use ${input.replacement}`)},`);
      prelude.push('    DeprecationWarning,');
      prelude.push('    stacklevel=2,');
      prelude.push(')');
    }

    // edits from the end so earlier offsets stay valid
    type Cut = { start: number; end: number; text: string };
    const cuts: Cut[] = [];
    for (const statement of dropped) {
      // the statement and the line break after it; the block takes the first one's place
      let end = statement.endIndex;
      while (end < input.text.length && (input.text[end] === '\n' || input.text[end] === '\r')) end++;
      cuts.push({ start: statement.startIndex, end, text: statement.startIndex === blockAt ? `${block.join('\n')}\n\n\n` : '' });
    }
    if (!dropped.length) cuts.push({ start: blockAt, end: blockAt, text: `\n\n${block.join('\n')}\n` });
    if (prelude.length) cuts.push({ start: preambleEnd, end: preambleEnd, text: `${preambleEnd ? '\n\n' : ''}${prelude.join('\n')}\n${preambleEnd ? '' : '\n'}` });
    cuts.sort((a, b) => b.start - a.start || b.end - a.end);
    let text = input.text;
    for (const cut of cuts) text = text.slice(0, cut.start) + cut.text + text.slice(cut.end);
    text = `${text.replace(/\n{4,}/g, '\n\n\n').replace(/\s+$/, '')}\n`;
    const check = parser.parse(text);
    const broken = !check || check.rootNode.hasError;
    check?.delete();
    if (broken) return { error: 'the shim did not parse (a bug: please report it)' };
    return { text, dropped: dropped.map((s) => definedName(s)!) };
  } finally {
    tree.delete();
  }
}

const DELEGATION_CHECKER = `
import importlib, json, sys, warnings
warnings.simplefilter("ignore")
out = []
for c in json.load(sys.stdin):
    try:
        m = importlib.import_module(c["module"])
        t = importlib.import_module(c["targetModule"])
        want = getattr(t, c["targetName"])
        if not hasattr(m, c["name"]):
            out.append([False, "%s has no attribute %s" % (c["module"], c["name"])])
            continue
        got = getattr(m, c["name"])
        if c["bind"] == "object":
            ok = got is want
            out.append([ok, "is %s.%s" % (c["targetModule"], c["targetName"]) if ok else "%s.%s is %r, not %s.%s" % (c["module"], c["name"], got, c["targetModule"], c["targetName"])])
        else:
            made = got() if callable(got) else None
            ok = made is want
            out.append([ok, "returns %s.%s" % (c["targetModule"], c["targetName"]) if ok else "%s.%s() builds %r, not %s.%s" % (c["module"], c["name"], made, c["targetModule"], c["targetName"])])
    except BaseException as e:
        out.append([False, "importing failed: %s: %s" % (type(e).__name__, str(e).splitlines()[0] if str(e) else "")])
json.dump(out, sys.stdout)
`;

/**
 * Imports each deprecated module with the project's interpreter (the source
 * roots on PYTHONPATH, `unset` variables removed from the environment) and
 * answers, per check, whether the name is the canonical object. Null when
 * the interpreter cannot be started.
 */
export function checkPythonDelegation(
  root: string,
  sourceRoots: readonly string[],
  checks: readonly DelegationCheck[],
  options: { readonly interpreter?: string; readonly unset?: readonly string[]; readonly set?: Readonly<Record<string, string>> },
): Promise<DelegationResult[] | null> {
  if (!checks.length) return Promise.resolve([]);
  const python = options.interpreter ?? DEFAULT_INTERPRETER;
  const env: NodeJS.ProcessEnv = { ...process.env, ...(options.set ?? {}) };
  for (const name of options.unset ?? []) delete env[name];
  const roots = sourceRoots.map((s) => path.join(root, s));
  env.PYTHONPATH = [...roots, ...(process.env.PYTHONPATH ? [process.env.PYTHONPATH] : [])].join(path.delimiter);
  env.PYTHONDONTWRITEBYTECODE = '1'; // checking must not leave __pycache__ in the user's tree
  return new Promise((resolve, reject) => {
    const child = spawn(python, ['-c', DELEGATION_CHECKER], { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.stdin.on('error', () => {});
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') resolve(null);
      else reject(new Error(`delegation check with ${python} failed: ${error.message}`));
    });
    child.on('close', (status) => {
      if (status !== 0) {
        reject(new Error(`delegation check with ${python} failed: ${Buffer.concat(stderr).toString('utf8')}`));
        return;
      }
      const rows = JSON.parse(Buffer.concat(stdout).toString('utf8')) as [boolean, string][];
      resolve(rows.map(([ok, detail]) => ({ ok, detail })));
    });
    child.stdin.end(JSON.stringify(checks));
  });
}

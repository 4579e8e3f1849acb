#!/usr/bin/env node
/**
 * Bundles the compiled CLI (dist/src, from tsc) into dist/cli/ — what the
 * `ssot` bin runs:
 *
 *   ssot.cjs            the launcher (from scripts/launcher.cjs): runs the bundle with V8's code cache
 *   ssot.bundle.cjs     the CLI and the scan worker in one CommonJS file (esbuild)
 *   ssot.<hash>.cache   V8's compiled code for it, from training runs on the bundled example
 *   tree-sitter.wasm    web-tree-sitter's runtime, which it loads from beside its code
 *
 * One file instead of ~360 modules, compiled once instead of at every start,
 * is most of the CLI's start-up (README, "Speed"). Run by `npm run build`
 * after tsc. esbuild's binary comes in its platform package
 * (@esbuild/<os>-<arch>, an optional dependency), so this works with npm's
 * install scripts off.
 *
 *   node scripts/bundle.mjs [--no-train] [--meta FILE]
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(repo, 'dist/cli');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const metaFile = args.includes('--meta') ? args[args.indexOf('--meta') + 1] : undefined;
const { hashOfCompiledCode } = await import(path.join(repo, 'dist/src/engine/cache.js'));
const version = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')).version;
const LAUNCHER = 'ssot.cjs';
const BUNDLE = 'ssot.bundle.cjs';

/**
 * web-tree-sitter loads two node builtins with `await import()`, which a
 * script run through vm.Script cannot do; in a CommonJS bundle `require` is
 * the same thing (under another name: that code declares its own `require`).
 * Fails the build when its source no longer has them.
 */
const builtinImportsToRequire = {
  name: 'builtin-imports-to-require',
  setup(b) {
    b.onLoad({ filter: /web-tree-sitter[\\/]tree-sitter\.js$/ }, (file) => {
      const source = readFileSync(file.path, 'utf8');
      const rewritten = source.replace(/await import\("(fs\/promises|module)"\)/g, (_, name) => `__ssotRequire("${name}")`);
      if (rewritten === source) throw new Error(`${file.path}: no \`await import("fs/promises" | "module")\` left to rewrite; check web-tree-sitter's loader`);
      return { contents: rewritten, loader: 'js' };
    });
  },
};

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: repo,
  // one bundle for both threads: the scan workers run the launcher too, and share its code cache
  stdin: {
    contents: [
      "import { isMainThread } from 'node:worker_threads';",
      "if (isMainThread) import('./dist/src/cli/main.js');",
      "else import('./dist/src/engine/worker.js');",
    ].join('\n'),
    resolveDir: repo,
    sourcefile: 'ssot-entry.js',
  },
  outfile: path.join(outdir, BUNDLE),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // the monitor's clients load from node_modules when `ssot monitor` runs; no other command pays for them
  external: ['redis', '@redis/*', 'ws'],
  plugins: [builtinImportsToRequire],
  banner: { js: "var __ssotRequire = require, __ssotImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: {
    'import.meta.url': '__ssotImportMetaUrl',
    __SSOT_VERSION__: JSON.stringify(version),
    __SSOT_WORKER_FILE__: JSON.stringify(`./${LAUNCHER}`),
    // the same cache fingerprint as the tsc build it bundles: the same code
    __SSOT_BUILD_ID__: JSON.stringify(hashOfCompiledCode(path.join(repo, 'dist/src'))),
  },
  minifyWhitespace: true,
  minifySyntax: true,
  // non-ASCII characters are written as escapes (esbuild's default, stated): the launcher reads the
  // bundle as latin1, a copy, where UTF-8 decoding took 20 ms of every start
  charset: 'ascii',
  legalComments: 'none',
  logLevel: 'warning',
  metafile: metaFile !== undefined,
});
if (metaFile) writeFileSync(metaFile, JSON.stringify(result.metafile));
const bundleBytes = readFileSync(path.join(outdir, BUNDLE));
if (bundleBytes.some((byte) => byte > 0x7f)) throw new Error(`${BUNDLE} is not ASCII: the launcher reads it as latin1`);
copyFileSync(require.resolve('web-tree-sitter/tree-sitter.wasm'), path.join(outdir, 'tree-sitter.wasm'));

const bundleHash = createHash('sha256').update(bundleBytes).digest('hex').slice(0, 16);
const launcher = readFileSync(path.join(repo, 'scripts/launcher.cjs'), 'utf8')
  .replace("'@@BUNDLE@@'", JSON.stringify(BUNDLE))
  .replace("'@@CACHE@@'", JSON.stringify(`ssot.${bundleHash}.cache`))
  .replace("'@@VERSION@@'", JSON.stringify(version));
writeFileSync(path.join(outdir, LAUNCHER), launcher);
chmodSync(path.join(outdir, LAUNCHER), 0o755);

if (!args.includes('--no-train')) {
  // training runs: each loads the cache the previous one wrote and adds what it compiled
  const example = path.join(repo, 'examples/redis-monorepo');
  const scratch = mkdtempSync(path.join(tmpdir(), 'ssot-bundle-'));
  const runs = [
    ['scan', example, '--format', 'json', '--no-cache'],
    ['scan', example, '--no-cache'],
    ['fix', example, '--all', '--diff'],
  ];
  try {
    for (const run of runs) {
      const done = spawnSync(process.execPath, [path.join(outdir, LAUNCHER), ...run], {
        cwd: scratch,
        env: { ...process.env, SSOT_CODE_CACHE: 'write', SSOT_WORKERS: '0', NO_COLOR: '1' },
        encoding: 'utf8',
      });
      if (done.status !== 0) throw new Error(`training run \`ssot ${run.join(' ')}\` failed (exit ${done.status}):\n${done.stderr}`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

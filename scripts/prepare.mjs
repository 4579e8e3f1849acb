// `npm prepare`: builds dist/ when it is missing, so an install from git (as
// pre-commit's `language: node` hooks do: `npm install -g git+file://…`)
// gets a runnable package. npm runs this before the package's own
// dependencies are installed in that case, so the compiler is fetched first,
// with scripts off (no recursion). `npm ci` in a checkout skips it: the
// development scripts build anyway.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (existsSync('dist/cli/ssot.cjs') || process.env.npm_command === 'ci') process.exit(0);
const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
const run = (args) => execFileSync(args[0], args.slice(1), { stdio: ['ignore', 'inherit', 'inherit'] });
if (!existsSync('node_modules/typescript/bin/tsc') || !existsSync('node_modules/esbuild/package.json')) {
  run([...npm, 'install', '--no-save', '--include=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--global=false', '--location=project']);
}
run([process.execPath, 'node_modules/typescript/bin/tsc', '-p', 'tsconfig.json']);
run([process.execPath, 'scripts/bundle.mjs']);

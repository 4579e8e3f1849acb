import { readFileSync } from 'node:fs';

/** Set by the bundler (scripts/bundle.mjs) to package.json's version; absent in the plain tsc build. */
declare const __SSOT_VERSION__: string | undefined;

/** The package version: inlined in the bundle, else read once from package.json (dist/src/model → ../../../package.json). */
export const TOOL_VERSION: string =
  typeof __SSOT_VERSION__ === 'string'
    ? __SSOT_VERSION__
    : (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

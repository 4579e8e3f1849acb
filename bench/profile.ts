/**
 * Where the time goes: reads V8 .cpuprofile files (`node --cpu-prof`, one per
 * thread) and adds up self time by stage of the scan, so RESULTS.md can show
 * the split without anyone opening a profiler.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export const STAGES = [
  'tree-sitter parse (wasm)',
  'tree access (wasm cursor calls, web-tree-sitter JS, lazy mirror)',
  'analysis (scopes/analyze JS)',
  'fix planning (fix.ts, rounds)',
  'prefilter (needles, UTF-8, import lexer)',
  'file reads',
  'discovery (fast-glob, .gitignore)',
  'module loading and startup',
  'report rendering (JSON)',
  'garbage collection',
  'idle (waiting)',
  'other',
] as const;
export type Stage = (typeof STAGES)[number];

function stageOf(node: ProfileNode): Stage {
  const { url, functionName } = node.callFrame;
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(idle)') return 'idle (waiting)';
  if (functionName === '(program)') return 'module loading and startup';
  if (url.includes('.wasm') || url.startsWith('wasm') || functionName.startsWith('wasm-function')) {
    return /^ts_(tree_cursor|node)_/.test(functionName) ? 'tree access (wasm cursor calls, web-tree-sitter JS, lazy mirror)' : 'tree-sitter parse (wasm)';
  }
  if (url.includes('web-tree-sitter') || url.includes('/parsing/liteTree')) return 'tree access (wasm cursor calls, web-tree-sitter JS, lazy mirror)';
  if (url.includes('/languages/python/fix') || url.includes('/engine/fix') || url.includes('/engine/rounds')) return 'fix planning (fix.ts, rounds)';
  if (url.includes('/languages/python/scopes') || url.includes('/languages/python/analyze') || url.includes('/model/range')) return 'analysis (scopes/analyze JS)';
  if (url.includes('importPrefilter') || url.includes('/engine/file') || functionName === 'indexOfBuffer' || functionName === 'isUtf8') {
    return 'prefilter (needles, UTF-8, import lexer)';
  }
  if (functionName === 'readFileUtf8' || functionName === 'readFileSync' || functionName === 'open' || functionName === 'read' || functionName === 'close' || functionName === 'fstat') {
    return 'file reads';
  }
  if (url.includes('fast-glob') || url.includes('/ignore/') || url.includes('picomatch') || url.includes('micromatch') || url.includes('@nodelib') || url.includes('/workspace/discover')) {
    return 'discovery (fast-glob, .gitignore)';
  }
  if (url.includes('/report/') || functionName === 'stringify' || functionName === 'JSONStringify') return 'report rendering (JSON)';
  if (url.startsWith('node:internal/modules') || url.includes('cjs/loader') || url.includes('esm/') || functionName === 'compileFunction' || functionName === 'compileSourceTextModule') {
    return 'module loading and startup';
  }
  return 'other';
}

/** Milliseconds of self time per stage, summed over every profile in `dir`. */
export function stagesOfProfiles(dir: string): { perStage: Map<Stage, number>; totalMs: number; threads: number } {
  const perStage = new Map<Stage, number>(STAGES.map((s) => [s, 0]));
  let totalMs = 0;
  let threads = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
    threads++;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    for (let i = 0; i < profile.samples.length; i++) {
      const node = byId.get(profile.samples[i]!);
      const ms = (profile.timeDeltas[i] ?? 0) / 1000;
      if (!node) continue;
      const stage = stageOf(node);
      perStage.set(stage, perStage.get(stage)! + ms);
      totalMs += ms;
    }
  }
  return { perStage, totalMs, threads };
}

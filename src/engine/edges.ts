/**
 * The compact text form of one file's import-graph edges, as workers hand
 * them back and the imports cache stores them. One line per module, sorted,
 * front-coded (a dotted name shares most of its text with the one before:
 * `a.b`, `a.b.c`, `a.b.d`): `<shared>:<marks><rest>`, where `<shared>` is how
 * many characters of the previous name it starts with and `<marks>` is `?`
 * when only type checkers import it and `~` when every import of it is
 * nested in a function or class body. Module names never hold `:`.
 */
import type { ModuleEdge } from '../model/importGraph.js';

export function encodeEdges(edges: readonly ModuleEdge[]): string {
  const sorted = [...edges].sort((a, b) => (a.module < b.module ? -1 : a.module > b.module ? 1 : 0));
  let out = '';
  let previous = '';
  for (const e of sorted) {
    const name = e.module;
    let shared = 0;
    const max = Math.min(previous.length, name.length);
    while (shared < max && previous.charCodeAt(shared) === name.charCodeAt(shared)) shared++;
    if (out) out += '\n';
    out += `${shared}:${e.typeChecking ? '?' : ''}${e.nested ? '~' : ''}${name.slice(shared)}`;
    previous = name;
  }
  return out;
}

export function decodeEdges(text: string): ModuleEdge[] {
  if (!text) return [];
  const edges: ModuleEdge[] = [];
  let previous = '';
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    let k = colon + 1;
    const typeChecking = line.charCodeAt(k) === 63; // ?
    if (typeChecking) k++;
    const nested = line.charCodeAt(k) === 126; // ~
    if (nested) k++;
    const module = previous.slice(0, Number(line.slice(0, colon))) + line.slice(k);
    edges.push({ module, nested, typeChecking });
    previous = module;
  }
  return edges;
}

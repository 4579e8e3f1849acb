/** The Python files (.py, .pyi) under a folder, symlinks not followed: the corpus of the parsing tests. */
import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';

export function pythonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    const stat = lstatSync(full);
    if (stat.isDirectory()) return pythonFiles(full);
    return stat.isFile() && (name.endsWith('.py') || name.endsWith('.pyi')) ? [full] : [];
  });
}

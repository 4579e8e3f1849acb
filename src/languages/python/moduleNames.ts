/**
 * Module names of files under `sourceRoots`, and resolution of relative
 * imports from a file's package (PEP 328).
 */

export interface ModuleContext {
  /** Dotted module name of the file, null when it lies under no source root. */
  readonly module: string | null;
  /** Dotted package relative imports start from ('' for a top-level module). Null when unknown. */
  readonly package: string | null;
}

/** `rel` is the posix path of the file relative to the scan root; roots are normalised ('' = root). */
export function moduleContextOf(rel: string, sourceRoots: readonly string[]): ModuleContext {
  let best: string | undefined;
  for (const root of sourceRoots) {
    if (root === '' || rel.startsWith(`${root}/`)) {
      if (best === undefined || root.length > best.length) best = root;
    }
  }
  if (best === undefined) return { module: null, package: null };
  const inner = best === '' ? rel : rel.slice(best.length + 1);
  const withoutExt = inner.replace(/\.pyi?$/, '');
  const parts = withoutExt.split('/');
  const isInit = parts[parts.length - 1] === '__init__';
  if (isInit) parts.pop();
  const module = parts.join('.');
  const pkg = isInit ? module : parts.slice(0, -1).join('.');
  return { module: module || null, package: pkg };
}

/** Absolute module for `from <level dots><module> import …`, or null when it climbs above the top. */
export function resolveRelativeModule(context: ModuleContext, level: number, module: string | null): string | null {
  if (level === 0) return module;
  // a top-level module has no parent package: Python refuses its relative imports
  if (context.package === null || context.package === '') return null;
  const base = context.package === '' ? [] : context.package.split('.');
  if (level - 1 > base.length) return null;
  const anchor = base.slice(0, base.length - (level - 1));
  if (module) anchor.push(module);
  if (anchor.length === 0) return null;
  return anchor.join('.');
}

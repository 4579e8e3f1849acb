import type { LanguageId } from '../parsing/treeSitter.js';
import type { LanguageAdapter } from './adapter.js';
import { pythonAdapter } from './python/adapter.js';

const ADAPTERS: Record<LanguageId, LanguageAdapter> = { python: pythonAdapter };

export function adapterFor(language: LanguageId): LanguageAdapter {
  return ADAPTERS[language];
}

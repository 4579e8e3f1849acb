/**
 * The languages ssot knows, by the id the config's `language` key names. The
 * only module outside `languages/<id>/` that imports an adapter: a new
 * language is one line here (and its folder).
 */
import type { LanguageAdapter } from './adapter.js';
import { pythonAdapter } from './python/adapter.js';

const ADAPTERS = { python: pythonAdapter } satisfies Record<string, LanguageAdapter>;

export type LanguageId = keyof typeof ADAPTERS;

/** Every language id, for the config schema's `language` enum. */
export const LANGUAGE_IDS = Object.keys(ADAPTERS) as [LanguageId, ...LanguageId[]];

/** The language of a config that names none (and the one scan workers warm up for before the config is read). */
export const DEFAULT_LANGUAGE: LanguageId = 'python';

export function adapterFor(language: LanguageId): LanguageAdapter {
  return ADAPTERS[language];
}

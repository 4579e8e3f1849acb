/**
 * Service boundaries, as import-linter's contracts: which imports between
 * the config's services are allowed. Pure data and the verdict on one
 * import; finding the imports is the engine's job (engine/boundaries.ts).
 *
 * - `forbidden`: no service of `from` imports a service of `to`;
 * - `independence`: no service of `services` imports another of them;
 * - `layers`: a service imports only services of its own layer or of the
 *   layers below it (`layers[0]` is the top, as import-linter lists them).
 *
 * `allow` lists imported modules (dotted; a module allows everything under
 * it) the contract lets through, such as a migration's canonical module.
 */
import { isAtOrUnder } from './finding.js';

export type ContractType = 'forbidden' | 'independence' | 'layers';

export interface Contract {
  readonly name: string;
  readonly type: ContractType;
  /** forbidden: the importing services. */
  readonly from: readonly string[];
  /** forbidden: the imported services. */
  readonly to: readonly string[];
  /** independence: the services that import none of each other. */
  readonly services: readonly string[];
  /** layers: top first; each layer a set of services. */
  readonly layers: readonly (readonly string[])[];
  /** Imported modules (dotted, with everything under them) the contract allows. */
  readonly allow: readonly string[];
  /** `file:line` of the contract in the config. */
  readonly configLocation: string;
}

/**
 * One import statement whose importing file and imported module lie in two
 * different services. Lines are 1-based, columns 1-based code points (the
 * imported module's name in the statement).
 */
export interface ServiceImport {
  /** Root-relative posix path of the importing file. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  /** The imported module, absolute and dotted (the most specific module of the tree the statement names). */
  readonly module: string;
  /** The file of the tree that defines `module`. */
  readonly moduleFile: string;
  readonly fromService: string;
  readonly toService: string;
}

/** True when `contract` forbids an import of `module` from service `from` into service `to` (a service may always import itself). */
export function contractForbids(contract: Contract, from: string, to: string, module: string): boolean {
  if (from === to) return false;
  if (contract.allow.some((allowed) => isAtOrUnder(module, allowed))) return false;
  switch (contract.type) {
    case 'forbidden':
      return contract.from.includes(from) && contract.to.includes(to);
    case 'independence':
      return contract.services.includes(from) && contract.services.includes(to);
    case 'layers': {
      const layerOf = (service: string) => contract.layers.findIndex((layer) => layer.includes(service));
      const [a, b] = [layerOf(from), layerOf(to)];
      // a lower layer (larger index) must not import a higher one
      return a >= 0 && b >= 0 && a > b;
    }
  }
}

/** The contracts that forbid `imp`, in config order. */
export function contractsForbidding(contracts: readonly Contract[], imp: Pick<ServiceImport, 'fromService' | 'toService' | 'module'>): Contract[] {
  return contracts.filter((c) => contractForbids(c, imp.fromService, imp.toService, imp.module));
}

/** The services a contract names (for checks against the config's `services`). */
export function servicesOf(contract: Contract): string[] {
  return [...contract.from, ...contract.to, ...contract.services, ...contract.layers.flat()];
}

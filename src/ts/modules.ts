/**
 * Links the modules of a project after every file is modelled: `require('./drop')` and `import … from './drop.js'`
 * reach the module `drop.ts`/`drop.js`/`drop/index.js`, and a module that another scanned module imports is not
 * an entry. Entry modules are the ones no scanned module imports (the program's main, bin scripts, servers).
 * Calls of functions of other modules (`<import:…>` targets) are settled here: the function the module exports
 * under that name, or none.
 */
import type { CallEvent, FileModel } from '../model.js';
import { stripExtension } from './bindings.js';
import { defaultExportName, moduleFunctionName } from './functions.js';
import { IMPORT_TARGET } from './resolution.js';

const MODULE_REFERENCE = /^<(module|default):(.*)>$/;

export function linkNodeModules(files: FileModel[]): void {
  const nodeFiles = files.filter((f) => f.language === 'node');
  const byModule = new Map(nodeFiles.map((f) => [stripExtension(f.path), f]));
  const resolveKey = (key: string): string | undefined => (byModule.has(key) ? key : byModule.has(`${key}/index`) ? `${key}/index` : undefined);
  const imported = new Set<string>();
  for (const file of nodeFiles) {
    for (const fn of file.functions) for (const node of fn.cfg.nodes) for (const ev of node.events) {
      if (ev.kind !== 'call') continue;
      const m = MODULE_REFERENCE.exec(ev.callee);
      const key = m ? resolveKey(m[2]!) : undefined;
      if (m && key) {
        rename(ev, m[1] === 'module' ? moduleFunctionName(key) : defaultExportName(key));
        if (m[1] === 'module') imported.add(moduleFunctionName(key));
      }
      if (typeof ev.target === 'string' && ev.target.startsWith('<')) ev.target = settle(ev.target, byModule, resolveKey);
    }
  }
  for (const file of nodeFiles) for (const fn of file.functions) if (imported.has(fn.name)) fn.isEntry = false;
}

/** The key of the function a pending target names: a module's top level, or what a module exports. */
function settle(target: string, byModule: Map<string, FileModel>, resolveKey: (key: string) => string | undefined): string | null {
  const moduleRef = /^<module:(.*)>$/.exec(target);
  const importRef = IMPORT_TARGET.exec(target);
  const key = resolveKey((moduleRef ?? importRef)?.[1] ?? '');
  const file = key ? byModule.get(key) : undefined;
  if (!key || !file) return null;
  const wanted = moduleRef ? moduleFunctionName(key) : (importRef![2] ?? defaultExportName(key));
  return file.functions.find((f) => f.name === wanted && !f.isLocal)?.key ?? null;
}

function rename(ev: CallEvent, callee: string): void {
  if (ev.api === ev.callee) ev.api = callee;
  ev.callee = callee;
}

/**
 * Links the modules of a project after every file is modelled: `require('./drop')` and `import … from './drop.js'`
 * reach the module `drop.ts`/`drop.js`/`drop/index.js`, and a module that another scanned module imports is not
 * an entry. Entry modules are the ones no scanned module imports (the program's main, bin scripts, servers).
 */
import type { CallEvent, FileModel } from '../model.js';
import { stripExtension } from './bindings.js';
import { defaultExportName, moduleFunctionName } from './functions.js';

const MODULE_REFERENCE = /^<(module|default):(.*)>$/;

export function linkNodeModules(files: FileModel[]): void {
  const nodeFiles = files.filter((f) => f.language === 'node');
  const known = new Set(nodeFiles.map((f) => stripExtension(f.path)));
  const resolveKey = (key: string): string | undefined => (known.has(key) ? key : known.has(`${key}/index`) ? `${key}/index` : undefined);
  const imported = new Set<string>();
  for (const file of nodeFiles) {
    for (const fn of file.functions) for (const node of fn.cfg.nodes) for (const ev of node.events) {
      if (ev.kind !== 'call') continue;
      const m = MODULE_REFERENCE.exec(ev.callee);
      const key = m ? resolveKey(m[2]!) : undefined;
      if (!m || !key) continue;
      rename(ev, m[1] === 'module' ? moduleFunctionName(key) : defaultExportName(key));
      if (m[1] === 'module') imported.add(moduleFunctionName(key));
    }
  }
  for (const file of nodeFiles) for (const fn of file.functions) if (imported.has(fn.name)) fn.isEntry = false;
}

function rename(ev: CallEvent, callee: string): void {
  if (ev.api === ev.callee) ev.api = callee;
  ev.callee = callee;
}

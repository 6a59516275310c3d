/**
 * What the names of a module refer to: Node built-ins and npm modules (`process`, `fs`, `posix`, `chroot`,
 * commander…) however they are imported or destructured, and the functions imported from project modules.
 * Names are resolved flow-insensitively, per file: privilege code rarely rebinds them.
 */
import type { Node } from 'web-tree-sitter';
import { descendantsOfType, namedChildren, patternNames, stringValue, unwrap } from './syntax.js';

/** A name imported from a project module (`./drop`): the module and the exported name, if one. */
export interface LocalImport {
  /** Module path joined to the importing file's folder, without extension. */
  module: string;
  member?: string;
}

export class ModuleBindings {
  /** Local name → qualified built-in name (`process`, `process.setuid`, `fs.promises`, `commander.program`). */
  private readonly builtins = new Map<string, string>();
  /** Local name → project module import. */
  readonly imports = new Map<string, LocalImport>();

  constructor(root: Node, private readonly fromFile: string) {
    for (const imp of descendantsOfType(root, ['import_statement'])) this.addImport(imp);
    // Twice: an alias of an alias (`const p = process; const { setuid } = p;`).
    const declarators = descendantsOfType(root, ['variable_declarator']);
    for (let round = 0; round < 2; round++) for (const d of declarators) this.addDeclarator(d);
  }

  /** Where a module specifier points: a built-in or npm name (`fs`, `posix`), or a project path (`dir/drop`). */
  moduleOf(specifier: string): { builtin: string } | { local: string } {
    if (specifier.startsWith('.') || specifier.startsWith('/')) return { local: joinPath(this.fromFile, specifier) };
    const bare = specifier.replace(/^node:/, '');
    // The package: `fs/promises` → fs.promises, `lodash/fp` → lodash, `@scope/name/sub` → @scope/name.
    return { builtin: bare === 'fs/promises' ? 'fs.promises' : bare.split('/').slice(0, bare.startsWith('@') ? 2 : 1).join('/') };
  }

  private addImport(imp: Node): void {
    const requireClause = namedChildren(imp).find((c) => c.type === 'import_require_clause');
    if (requireClause) {
      // `import posix = require('posix')`
      const source = stringValue(requireClause.childForFieldName('source') ?? undefined);
      const name = namedChildren(requireClause).find((c) => c.type === 'identifier')?.text;
      if (source !== undefined && name) this.bind(name, this.moduleOf(source));
      return;
    }
    const source = stringValue(imp.childForFieldName('source') ?? undefined);
    const clause = namedChildren(imp).find((c) => c.type === 'import_clause');
    if (source === undefined || !clause) return;
    const target = this.moduleOf(source);
    for (const part of namedChildren(clause)) {
      if (part.type === 'identifier') this.bind(part.text, target, 'default');
      else if (part.type === 'namespace_import') this.bind(namedChildren(part)[0]?.text ?? '', target);
      else if (part.type === 'named_imports') {
        for (const spec of namedChildren(part)) {
          const name = spec.childForFieldName('name')?.text;
          if (name) this.bind(spec.childForFieldName('alias')?.text ?? name, target, name);
        }
      }
    }
  }

  private bind(local: string, target: { builtin: string } | { local: string }, member?: string): void {
    if (!local) return;
    if ('local' in target) this.imports.set(local, { module: target.local, member: member === 'default' ? undefined : member });
    // The default export of a built-in is the module itself; of an npm module, the module (`import chroot from 'chroot'`).
    else this.builtins.set(local, member && member !== 'default' ? `${target.builtin}.${member}` : target.builtin);
  }

  private addDeclarator(d: Node): void {
    const value = d.childForFieldName('value');
    const name = d.childForFieldName('name');
    if (!value || !name) return;
    let v = unwrap(value.type === 'await_expression' ? (value.namedChild(0) ?? value) : value);
    // `promisify(execFile)` runs the same function: the alias names it.
    if (v.type === 'call_expression' && /^(?:util\.)?promisify$/.test(this.qualify(v.childForFieldName('function')!) ?? v.childForFieldName('function')?.text ?? '')) {
      const wrapped = v.childForFieldName('arguments')?.namedChild(0);
      if (wrapped) v = unwrap(wrapped);
    }
    const required = requiredModule(v);
    const target = required !== undefined ? this.moduleOf(required) : undefined;
    const qualified = target ? undefined : this.qualify(v);
    if (!target && !qualified) return;
    // What a call returns is not the module (`const dir = fs.opendirSync(p)`), except along an option parser's chain.
    if (!target && v.type === 'call_expression' && !/^(?:commander|yargs)\b/.test(qualified!)) return;
    if (name.type === 'identifier') {
      if (target) this.bind(name.text, target);
      else this.builtins.set(name.text, qualified!);
      return;
    }
    if (name.type !== 'object_pattern') return;
    for (const prop of namedChildren(name)) {
      const key = prop.type === 'pair_pattern' ? prop.childForFieldName('key')?.text : patternNames(prop)[0];
      const local = prop.type === 'pair_pattern' ? patternNames(prop.childForFieldName('value'))[0] : key;
      if (!key || !local) continue;
      if (target && 'local' in target) this.imports.set(local, { module: target.local, member: key });
      else this.builtins.set(local, `${target ? (target as { builtin: string }).builtin : qualified}.${key}`);
    }
  }

  /**
   * The qualified built-in name an expression denotes, if any: `process.setuid`, `p['setuid']` with `p = process`,
   * `require('fs').promises.opendir`, `program.option(...).parse` with `program` from commander.
   */
  qualify(expr: Node): string | undefined {
    const e = unwrap(expr);
    switch (e.type) {
      case 'identifier':
        return this.builtins.get(e.text) ?? (GLOBALS.has(e.text) && !this.imports.has(e.text) ? e.text : undefined);
      case 'member_expression': {
        const object = e.childForFieldName('object');
        const property = e.childForFieldName('property')?.text;
        if (!object || !property) return undefined;
        if (object.type === 'identifier' && object.text === 'globalThis') return this.qualify(e.childForFieldName('property')!);
        const base = this.qualify(object);
        return base ? `${base}.${property}` : undefined;
      }
      case 'subscript_expression': {
        const object = e.childForFieldName('object');
        const key = stringValue(e.childForFieldName('index') ?? undefined);
        const base = object ? this.qualify(object) : undefined;
        return base && key !== undefined ? `${base}.${key}` : undefined;
      }
      case 'call_expression': {
        const required = requiredModule(e);
        if (required !== undefined) {
          const target = this.moduleOf(required);
          return 'builtin' in target ? target.builtin : undefined;
        }
        const fn = e.childForFieldName('function');
        return fn ? this.qualify(fn) : undefined;
      }
      case 'new_expression': {
        const ctor = e.childForFieldName('constructor');
        return ctor ? this.qualify(ctor) : undefined;
      }
      default:
        return undefined;
    }
  }

  /** The project module an expression denotes: `require('./drop')`, or a name bound to one. */
  localModule(expr: Node): LocalImport | undefined {
    const e = unwrap(expr);
    if (e.type === 'identifier') return this.imports.get(e.text);
    const required = requiredModule(e);
    if (required === undefined) return undefined;
    const target = this.moduleOf(required);
    return 'local' in target ? { module: target.local } : undefined;
  }
}

/** Names that mean a built-in without an import. */
const GLOBALS = new Set(['process', 'require', 'console', 'JSON', 'Math', 'Object', 'Array', 'Promise', 'Buffer', 'setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'module', 'exports']);

/** `require('x')` → 'x'. */
export function requiredModule(expr: Node): string | undefined {
  const e = unwrap(expr);
  if (e.type !== 'call_expression') return undefined;
  const fn = e.childForFieldName('function');
  if (!fn || unwrap(fn).text !== 'require') return undefined;
  const arg = e.childForFieldName('arguments')?.namedChild(0);
  return arg ? stringValue(arg) : undefined;
}

/** `dir/a.ts` + `../b/c.js` → `b/c` (POSIX paths as shown in reports; the extension is dropped). */
export function joinPath(fromFile: string, specifier: string): string {
  const parts = specifier.startsWith('/') ? [] : fromFile.split('/').slice(0, -1);
  for (const seg of specifier.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && parts.length && parts.at(-1) !== '..') parts.pop();
    else parts.push(seg);
  }
  const joined = (specifier.startsWith('/') ? '/' : '') + parts.join('/');
  return stripExtension(joined);
}

export function stripExtension(file: string): string {
  return file.replace(/\.(?:[cm]?[jt]s|[jt]sx)$/, '');
}

/**
 * Which function a call in a Node module reaches, along the module graph rather than by name across the project:
 * - `f()` is the function named `f` in lexical scope at the call (a parameter named `f` hides it), or the one the
 *   module imports as `f` (`import { f }`, `const { f } = require(…)`, a default import);
 * - `x.m()` is this module's function `m` when `x` is an object of this module (`exports`, `module.exports`, an alias
 *   such as `const Server = exports`, `this`, an object literal, class or constructor the module defines), or the
 *   function `m` another module exports when `x` is that module (`require('./x')`, `const x = require('./x')`,
 *   `import * as x`) or an instance of a class imported from it;
 * - anything else (`sock.send()` on an object of unknown origin) reaches no project function.
 * Functions of other modules are written `<import:module#name>` (`<import:module>`: the default export) until the
 * linker, which knows every module, settles them.
 */
import type { Node } from 'web-tree-sitter';
import type { ModuleBindings } from './bindings.js';
import type { FunctionSite } from './functions.js';
import { descendantsOfType, isFunction, parameterNames, unwrap } from './syntax.js';

/** The identity of a function of a module: calls that reach it carry it as their target. */
export function siteKey(file: string, site: FunctionSite): string {
  return `${file}#${site.name}@${site.node.startPosition.row + 1}:${site.node.startPosition.column + 1}`;
}

/** A function another module exports, by name (the default export when no name is given). */
export function importTarget(module: string, member?: string): string {
  return member === undefined ? `<import:${module}>` : `<import:${module}#${member}>`;
}

export const IMPORT_TARGET = /^<import:([^#>]*)(?:#(.*))?>$/;

/** Values that make a name denote an object of this module. */
const OWN_VALUES = new Set(['object', 'class', 'function_expression', 'function', 'arrow_function', 'this']);

function isModuleObject(n: Node): boolean {
  return n.text === 'exports' || n.text === 'module.exports';
}

/** A function bound to a name in scope (a declaration, `const f = …`, `f = …`), not to a property or method. */
function isLexical(fn: Node): boolean {
  if (fn.type === 'function_declaration' || fn.type === 'generator_function_declaration') return true;
  let child = fn;
  let p = fn.parent;
  while (p && (p.type === 'parenthesized_expression' || p.type === 'as_expression')) {
    child = p;
    p = p.parent;
  }
  if (p?.type === 'variable_declarator') return p.childForFieldName('value')?.id === child.id;
  return p?.type === 'assignment_expression' && p.childForFieldName('left')?.type === 'identifier';
}

/** The function (or program) whose scope a function declaration or binding belongs to. */
function scopeOf(node: Node): Node {
  let p = node.parent;
  while (p && !isFunction(p) && p.type !== 'program') p = p.parent;
  return p ?? node;
}

/** How many ancestors `inner` has up to `outer`, or -1 when `outer` does not enclose it. */
function depthWithin(outer: Node, inner: Node): number {
  let depth = 0;
  for (let p: Node | null = inner; p; p = p.parent, depth++) if (p.id === outer.id) return depth;
  return -1;
}

function add(map: Map<string, FunctionSite[]>, name: string, site: FunctionSite): void {
  const list = map.get(name) ?? [];
  list.push(site);
  map.set(name, list);
}

export class CallTargets {
  private readonly lexical = new Map<string, FunctionSite[]>();
  private readonly members = new Map<string, FunctionSite[]>();
  /** Names that denote an object of this module. */
  private readonly ownObjects = new Set<string>(['exports']);
  /** Names holding an instance of a class imported from another module: name → that module. */
  private readonly importedInstances = new Map<string, string>();

  constructor(root: Node, private readonly file: string, sites: ReadonlyMap<number, FunctionSite>, private readonly bindings: ModuleBindings) {
    for (const site of sites.values()) if (site.node.type !== 'program') add(isLexical(site.node) ? this.lexical : this.members, site.name, site);
    for (const d of descendantsOfType(root, ['variable_declarator'])) {
      const name = d.childForFieldName('name');
      const value = d.childForFieldName('value');
      if (name?.type === 'identifier' && value) this.classify(name.text, unwrap(value));
    }
    for (const c of descendantsOfType(root, ['class_declaration', 'function_declaration'])) {
      const name = c.childForFieldName('name')?.text;
      if (name) this.ownObjects.add(name);
    }
  }

  private classify(name: string, value: Node): void {
    if (value.type === 'assignment_expression') value = value.childForFieldName('left')!; // `const S = module.exports = {}`
    if (OWN_VALUES.has(value.type) || isModuleObject(value)) this.ownObjects.add(name);
    if (value.type !== 'new_expression') return;
    const ctor = unwrap(value.childForFieldName('constructor')!);
    if (ctor.type !== 'identifier') return;
    const imported = this.bindings.imports.get(ctor.text);
    if (imported) this.importedInstances.set(name, imported.module);
    else if (this.members.has(ctor.text) || this.lexical.has(ctor.text) || this.ownObjects.has(ctor.text)) this.ownObjects.add(name);
  }

  /** The target of a call whose function expression is `callee`. */
  ofCall(callee: Node): string | null {
    const f = unwrap(callee);
    if (f.type === 'identifier') return this.ofName(f.text, f);
    if (f.type !== 'member_expression') return null;
    const object = unwrap(f.childForFieldName('object')!);
    const property = f.childForFieldName('property')?.text;
    if (!property) return null;
    const module = this.bindings.localModule(object);
    if (module) return importTarget(module.module, property);
    if (object.type === 'this' || isModuleObject(object)) return this.member(property);
    if (object.type !== 'identifier') return null;
    const instanceOf = this.importedInstances.get(object.text);
    if (instanceOf) return importTarget(instanceOf, property);
    return this.ownObjects.has(object.text) ? this.member(property) : null;
  }

  /** The function a bare name denotes at `at`: the innermost one in scope, else an import. */
  ofName(name: string, at: Node): string | null {
    for (let p = at.parent; p; p = p.parent) if (isFunction(p) && parameterNames(p).includes(name)) return null;
    let best: FunctionSite | undefined;
    let bestDepth = Infinity;
    for (const site of this.lexical.get(name) ?? []) {
      const depth = depthWithin(scopeOf(site.node), at);
      if (depth >= 0 && depth < bestDepth) [best, bestDepth] = [site, depth];
    }
    if (best) return siteKey(this.file, best);
    const imported = this.bindings.imports.get(name);
    return imported ? importTarget(imported.module, imported.member) : null;
  }

  /** `new C()`: the constructor of a class (or a constructor function) of this module. */
  ofConstructor(name: string, at: Node): string | null {
    const site = this.members.get(name)?.[0];
    return site ? siteKey(this.file, site) : this.ofName(name, at);
  }

  /** A function of this module reached as a property: a method or property-assigned one, else a named one. */
  private member(name: string): string | null {
    const site = this.members.get(name)?.[0] ?? this.lexical.get(name)?.find((s) => scopeOf(s.node).type === 'program');
    return site ? siteKey(this.file, site) : null;
  }
}

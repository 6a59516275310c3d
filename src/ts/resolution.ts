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
import { descendantsOfType, FUNCTION_TYPES, isFunction, parameterNames, unwrap } from './syntax.js';

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

/** For every function of the tree, the function (or the program) it sits in, by node id: one pass with a cursor. */
function enclosingFunctions(root: Node): Map<number, number> {
  const enclosing = new Map<number, number>();
  const stack = [root.id];
  const cursor = root.walk();
  try {
    for (let depthOfTop = [0], depth = 0; ; ) {
      const isScope = cursor.nodeIsNamed && FUNCTION_TYPES.has(cursor.nodeType) && depth > 0;
      if (isScope) {
        enclosing.set(cursor.nodeId, stack.at(-1)!);
        stack.push(cursor.nodeId);
        depthOfTop.push(depth);
      }
      if (cursor.gotoFirstChild()) {
        depth++;
        continue;
      }
      for (;;) {
        if (depthOfTop.at(-1) === depth && stack.length > 1) {
          stack.pop();
          depthOfTop.pop();
        }
        if (cursor.gotoNextSibling()) break;
        if (!cursor.gotoParent()) return enclosing;
        depth--;
      }
    }
  } finally {
    cursor.delete();
  }
}

interface Scope {
  id: number;
  parameters: Set<string>;
  outer: Scope | undefined;
}

function add(map: Map<string, FunctionSite[]>, name: string, site: FunctionSite): void {
  const list = map.get(name) ?? [];
  list.push(site);
  map.set(name, list);
}

export class CallTargets {
  /** Functions bound to names: name → the scope (function or program node id) they belong to → the function. */
  private readonly lexical = new Map<string, Map<number, FunctionSite>>();
  private readonly members = new Map<string, FunctionSite[]>();
  /** Names that denote an object of this module. */
  private readonly ownObjects = new Set<string>(['exports']);
  /** Names holding an instance of a class imported from another module: name → that module. */
  private readonly importedInstances = new Map<string, string>();
  private readonly programId: number;
  /** Function node id → the id of the function (or program) it sits in. */
  private readonly enclosing: Map<number, number>;

  constructor(root: Node, private readonly file: string, private readonly sites: ReadonlyMap<number, FunctionSite>, private readonly bindings: ModuleBindings) {
    this.enclosing = enclosingFunctions(root);
    for (const site of sites.values()) {
      if (site.node.type === 'program') continue;
      if (!isLexical(site.node)) add(this.members, site.name, site);
      else {
        const scopes = this.lexical.get(site.name) ?? new Map<number, FunctionSite>();
        const scope = this.enclosing.get(site.node.id) ?? root.id;
        if (!scopes.has(scope)) scopes.set(scope, site);
        this.lexical.set(site.name, scopes);
      }
    }
    this.programId = root.id;
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

  /** The target of a call whose function expression is `callee`, made in the function (or program) `scope`. */
  ofCall(callee: Node, scope: number): string | null {
    const f = unwrap(callee);
    if (f.type === 'identifier') return this.ofName(f.text, scope);
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

  /** The function a bare name denotes in the function (or program) `at`: the innermost one in scope, else an import. */
  ofName(name: string, at: number): string | null {
    const byScope = this.lexical.get(name);
    const imported = this.bindings.imports.get(name);
    if (!byScope && !imported) return null;
    for (let scope: Scope | undefined = this.scope(at); scope; scope = scope.outer) {
      const site = byScope?.get(scope.id);
      if (site) return siteKey(this.file, site);
      if (scope.parameters.has(name)) return null;
    }
    return imported ? importTarget(imported.module, imported.member) : null;
  }

  private readonly scopes = new Map<number, Scope>();

  /** A function (or the program) as a scope: its parameters, and the scope it sits in. */
  private scope(id: number): Scope {
    const missing: number[] = [];
    for (let at: number | undefined = id; at !== undefined && !this.scopes.has(at); at = this.enclosing.get(at)) missing.push(at);
    for (const at of missing.reverse()) {
      const node = this.sites.get(at)?.node;
      const outer = this.enclosing.get(at);
      this.scopes.set(at, { id: at, parameters: new Set(node && isFunction(node) ? parameterNames(node) : []), outer: outer === undefined ? undefined : this.scopes.get(outer) });
    }
    return this.scopes.get(id)!;
  }

  /** `new C()`: the constructor of a class (or a constructor function) of this module. */
  ofConstructor(name: string, at: number): string | null {
    const site = this.members.get(name)?.[0];
    return site ? siteKey(this.file, site) : this.ofName(name, at);
  }

  /** A function of this module reached as a property: a method or property-assigned one, else a named one. */
  private member(name: string): string | null {
    const site = this.members.get(name)?.[0] ?? this.lexical.get(name)?.get(this.programId);
    return site ? siteKey(this.file, site) : null;
  }
}

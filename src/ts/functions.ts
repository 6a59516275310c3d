/**
 * The functions of a module and what they are called: declarations keep their names, function values take the
 * name they are bound to (`const drop = () => …`, `exports.drop = function …`, `{ drop() {…} }`), callbacks are
 * named after where they are registered. The module's top level is a function too.
 */
import type { Node } from 'web-tree-sitter';
import type { ModuleBindings } from './bindings.js';
import { callArguments, descendantsOfType, isFunction, namedChildren, stringValue, unwrap } from './syntax.js';

/**
 * How a registered callback runs: `now` (an IIFE, `new Promise(executor)`, array methods); `later` (timers, promise
 * reactions, the completion callback of `listen` or of an asynchronous call: it runs once what runs now is done);
 * `event` (a listener of an event that may never come, a `.catch` handler); or `network` (a handler of network
 * data: an entry point of its own, reading input).
 */
export type CallbackRole = 'now' | 'later' | 'event' | 'network';

export interface FunctionSite {
  node: Node;
  name: string;
  isLocal: boolean;
  /** A handler of network data: runs when data arrives, as an entry point of its own. */
  handlesNetwork: boolean;
  /** A function written as the argument of a call that runs it later (`later`, `event`, `network`): it starts from the event loop. */
  runsLater?: boolean;
}

const SYNC_METHODS = new Set(['forEach', 'map', 'filter', 'reduce', 'reduceRight', 'some', 'every', 'find', 'findIndex', 'flatMap', 'sort', 'call', 'apply']);
const DATA_EVENTS = new Set(['data', 'message', 'request', 'line', 'readable', 'upgrade']);
const SERVER_FACTORIES = /^(?:https?|http2|dgram)\.(?:create(?:Secure)?Server|createSocket)$/;

/** How the function passed as an argument of `call` runs. */
export function callbackRole(call: Node, bindings: ModuleBindings): CallbackRole {
  if (call.type === 'new_expression') return unwrap(call.childForFieldName('constructor')!).text === 'Promise' ? 'now' : 'event';
  const fn = unwrap(call.childForFieldName('function')!);
  if (isFunction(fn)) return 'now';
  const q = bindings.qualify(fn);
  if (q && SERVER_FACTORIES.test(q)) return 'network';
  if (fn.type !== 'member_expression') return 'later';
  const method = fn.childForFieldName('property')?.text ?? '';
  if (SYNC_METHODS.has(method)) return 'now';
  if (/^(?:on|once|addListener|prependListener|prependOnceListener)$/.test(method)) return DATA_EVENTS.has(stringValue(callArguments(call)[0]) ?? '') ? 'network' : 'event';
  if (method === 'catch') return 'event';
  return 'later';
}

/** The call an argument belongs to, if the node is one (through parentheses). */
export function registeringCall(node: Node): Node | undefined {
  let child = node;
  let p = node.parent;
  while (p?.type === 'parenthesized_expression') {
    child = p;
    p = p.parent;
  }
  if (p?.type === 'arguments' && (p.parent?.type === 'call_expression' || p.parent?.type === 'new_expression')) return p.parent;
  if (p?.type === 'call_expression' && p.childForFieldName('function')?.id === child.id) return p; // an IIFE
  return undefined;
}

function at(node: Node): string {
  return `${node.startPosition.row + 1}:${node.startPosition.column + 1}`;
}

/** Names a module exports: `export function f`, `export { f }`, `exports.f =`, `module.exports = { f }`. */
function exportedNames(root: Node): Set<string> {
  const names = new Set<string>();
  for (const ex of descendantsOfType(root, ['export_statement'])) {
    const decl = ex.childForFieldName('declaration');
    const declName = decl?.childForFieldName('name')?.text;
    if (declName) names.add(declName);
    for (const d of decl ? descendantsOfType(decl, ['variable_declarator']) : []) names.add(d.childForFieldName('name')?.text ?? '');
    for (const spec of descendantsOfType(ex, ['export_specifier'])) names.add(spec.childForFieldName('name')?.text ?? '');
    const value = ex.childForFieldName('value');
    if (value?.type === 'identifier') names.add(value.text);
  }
  for (const a of descendantsOfType(root, ['assignment_expression'])) {
    const left = a.childForFieldName('left')?.text ?? '';
    const right = a.childForFieldName('right');
    const m = /^(?:module\.)?exports\.(\w+)$/.exec(left);
    if (m) names.add(m[1]!);
    if (left !== 'module.exports' || !right) continue;
    if (right.type === 'identifier') names.add(right.text);
    for (const prop of right.type === 'object' ? namedChildren(right) : []) {
      if (prop.type === 'shorthand_property_identifier') names.add(prop.text);
      if (prop.type === 'pair') names.add(unwrap(prop.childForFieldName('value')!).text);
    }
  }
  return names;
}

/** The name a function value is bound to, if any, and whether other modules can reach it by that name. */
function boundName(fn: Node, exported: Set<string>, moduleName: string): { name: string; isLocal: boolean } | undefined {
  const own = fn.childForFieldName('name')?.text;
  if (fn.type === 'function_declaration' || fn.type === 'generator_function_declaration') return own ? { name: own, isLocal: !exported.has(own) } : undefined;
  if (fn.type === 'method_definition') {
    if (own !== 'constructor') return own ? { name: own, isLocal: false } : undefined;
    const cls = fn.parent?.parent?.childForFieldName('name')?.text;
    return cls ? { name: cls, isLocal: false } : undefined;
  }
  let child = fn;
  let p = fn.parent;
  while (p && (p.type === 'parenthesized_expression' || p.type === 'as_expression')) {
    child = p;
    p = p.parent;
  }
  if (!p) return undefined;
  if (p.type === 'variable_declarator' && p.childForFieldName('value')?.id === child.id) {
    const name = p.childForFieldName('name');
    if (name?.type === 'identifier') return { name: name.text, isLocal: !exported.has(name.text) };
  }
  if (p.type === 'assignment_expression' && p.childForFieldName('right')?.id === child.id) {
    const left = p.childForFieldName('left')!;
    if (left.text === 'module.exports') return { name: defaultExportName(moduleName), isLocal: false };
    if (left.type === 'identifier') return { name: left.text, isLocal: !exported.has(left.text) };
    if (left.type === 'member_expression') return { name: left.childForFieldName('property')!.text, isLocal: false };
  }
  if ((p.type === 'pair' || p.type === 'public_field_definition') && (p.childForFieldName('value')?.id === child.id)) {
    const key = p.childForFieldName('key') ?? p.childForFieldName('name');
    if (key) return { name: stringValue(key) ?? key.text, isLocal: false };
  }
  if (p.type === 'export_statement') return { name: defaultExportName(moduleName), isLocal: false };
  return own ? { name: own, isLocal: true } : undefined;
}

export function moduleFunctionName(moduleName: string): string {
  return `<module:${moduleName}>`;
}

export function defaultExportName(moduleName: string): string {
  return `<default:${moduleName}>`;
}

/** Every function of the module, by node id, with the top level (`program`) first. */
export function discoverFunctions(root: Node, moduleName: string, bindings: ModuleBindings): Map<number, FunctionSite> {
  const exported = exportedNames(root);
  const sites = new Map<number, FunctionSite>();
  sites.set(root.id, { node: root, name: moduleFunctionName(moduleName), isLocal: false, handlesNetwork: false });
  const byName = new Map<string, FunctionSite>();
  const functions = descendantsOfType(root, ['function_declaration', 'generator_function_declaration', 'function_expression', 'function', 'generator_function', 'arrow_function', 'method_definition']);
  for (const fn of functions) {
    const registration = registeringCall(fn);
    const bound = boundName(fn, exported, moduleName);
    const role = registration ? callbackRole(registration, bindings) : undefined;
    let name = bound?.name;
    if (!name && registration) {
      const registrar = unwrap(registration.childForFieldName('function') ?? registration.childForFieldName('constructor')!);
      name = isFunction(registrar) ? `<iife at ${at(fn)}>` : `<callback of ${registrar.text.replace(/\s+/g, '').slice(0, 40)} at ${at(fn)}>`;
    }
    const site: FunctionSite = { node: fn, name: name ?? `<function at ${at(fn)}>`, isLocal: bound?.isLocal ?? true, handlesNetwork: role === 'network', ...(role && role !== 'now' ? { runsLater: true } : {}) };
    sites.set(fn.id, site);
    if (bound) byName.set(bound.name, site);
  }
  // Named functions handed over as network handlers: `server.on('request', onRequest)`.
  for (const call of descendantsOfType(root, ['call_expression'])) {
    for (const arg of callArguments(call)) {
      const site = arg.type === 'identifier' ? byName.get(arg.text) : undefined;
      if (site && callbackRole(call, bindings) === 'network') site.handlesNetwork = true;
    }
  }
  return sites;
}


/** What each Node call means in the privilege-event model. */
import type { Node } from 'web-tree-sitter';
import { standardCallEvent, vocabularyEvents, type ArgumentReader, type CallVocabulary, type EventShape, type IdScope, type SetIdShape } from '../call-meaning.js';
import type { IdClass, IdKind } from '../model.js';
import { targetFacts, type ModuleConstants } from './accounts.js';
import type { ModuleBindings } from './bindings.js';
import type { CallTargets } from './resolution.js';
import { spawnEvent } from './spawn.js';
import { defaultExportName } from './functions.js';
import { callArguments, namedChildren, numericValue, stringValue, unwrap } from './syntax.js';

export interface NodeCallContext {
  bindings: ModuleBindings;
  /** Variables holding an id read from the process: `const uid = process.getuid()`. */
  idVariables: ReadonlyMap<string, IdClass>;
  /** Variables whose value came from input (arguments, environment, parsed options). */
  tainted: ReadonlySet<string>;
  /** Names bound once in the file, to a literal or an account lookup. */
  constants: ModuleConstants;
  /** Which function each call reaches. */
  targets: CallTargets;
  /** The node id of the function (or program) the calls are made in. */
  scope: number;
  /** Where the call's value is kept (a directory handle). */
  storedInto: string | undefined;
  /** The project's checking wrappers and drop helpers (privlint.json). */
  vocabulary?: CallVocabulary;
}

/** Node's id getters, and the same calls of the `posix` module. */
const ID_GETTERS: Record<string, IdClass> = { getuid: 'invoker', getgid: 'invoker', geteuid: 'saved-effective', getegid: 'saved-effective' };

/** The class of an id read by a call: `process.getuid()` → invoker. */
export function idGetterClass(call: Node, bindings: ModuleBindings): IdClass | undefined {
  const e = unwrap(call);
  if (e.type !== 'call_expression') return undefined;
  const q = bindings.qualify(e.childForFieldName('function')!);
  const m = q ? /^(?:process|posix)\.(get[e]?[ug]id)$/.exec(q) : null;
  return m ? ID_GETTERS[m[1]!] : undefined;
}

/** 0 and 'root' → root; the process's own real ids → invoker; -1 → unchanged; anything else (a service user) → other. */
export function classifyNodeId(node: Node | undefined, ctx: Pick<NodeCallContext, 'bindings' | 'idVariables'>): IdClass {
  if (!node) return 'other';
  const value = numericValue(node);
  if (value === 0) return 'root';
  if (value === -1) return 'unchanged';
  const text = stringValue(node);
  if (text === 'root' || text === '0') return 'root';
  const n = unwrap(node);
  if (n.type === 'ternary_expression') {
    const a = classifyNodeId(n.childForFieldName('consequence') ?? undefined, ctx);
    const b = classifyNodeId(n.childForFieldName('alternative') ?? undefined, ctx);
    return a === b ? a : a === 'invoker' || b === 'invoker' ? 'invoker' : 'other';
  }
  const getter = idGetterClass(n, ctx.bindings);
  if (getter) return getter;
  if (n.type === 'identifier') return ctx.idVariables.get(n.text) ?? 'other';
  return 'other';
}

function setId(idKind: IdKind, api: string, scope: IdScope, target: Node | undefined, ctx: NodeCallContext): SetIdShape {
  const cls = classifyNodeId(target, ctx);
  const direction = cls === 'root' || cls === 'saved-effective' ? 'raise' : 'drop';
  return { kind: 'set-id', api, idKind, scope, direction, target: cls, targetText: target ? unwrap(target).text : '', ...targetFacts(target, idKind, ctx.bindings, ctx.constants) };
}

function pathText(node: Node | undefined): string {
  return node ? (stringValue(node) ?? unwrap(node).text) : '';
}

/** How Node arguments read: ids through the module's bindings and constants, paths as literals or as written. */
function argumentReader(ctx: NodeCallContext): ArgumentReader<Node> {
  return {
    idClass: (arg) => classifyNodeId(arg, ctx),
    setId: (idKind, api, scope, target) => setId(idKind, api, scope, target, ctx),
    literal: (arg) => stringValue(arg),
    path: pathText,
    text: (arg) => arg.text,
  };
}

const DIRECTORY_PATHS = new Set(['.', '/', '..']);

function isDirectoryPath(path: Node | undefined, flags: Node | undefined): boolean {
  if (flags && /O_DIRECTORY/.test(flags.text)) return true;
  const p = path ? stringValue(path) : undefined;
  return p !== undefined && (DIRECTORY_PATHS.has(p) || (p.length > 1 && p.endsWith('/')));
}

const FILE_READS = /^fs(?:\.promises)?\.(?:readFileSync|readFile|createReadStream|openSync|open)$/;

/** The expression reads input: it mentions a tainted variable, process.argv beyond [1], or process.env. */
export function mentionsInput(expr: Node, ctx: Pick<NodeCallContext, 'tainted' | 'bindings'>): boolean {
  const stack = [expr];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'identifier' && ctx.tainted.has(n.text)) return true;
    if (n.type === 'member_expression' && inputSourceOf(n, ctx.bindings)) return true;
    stack.push(...namedChildren(n));
  }
  return false;
}

/** `process.argv` (beyond the program name) and `process.env` reads: the member expression naming them. */
export function inputSourceOf(member: Node, bindings: ModuleBindings): 'argv' | 'environment' | undefined {
  const q = bindings.qualify(member);
  if (q !== 'process.argv' && q !== 'process.env') return undefined;
  const parent = member.parent;
  if (q === 'process.env') {
    // An assignment to the environment (`process.env.PWD = '/'`) writes, it does not read.
    const outer = parent?.type === 'member_expression' || parent?.type === 'subscript_expression' ? parent : member;
    if (outer.parent?.type === 'assignment_expression' && outer.parent.childForFieldName('left')?.id === outer.id) return undefined;
    return 'environment';
  }
  if (parent?.type === 'subscript_expression' && parent.childForFieldName('object')?.id === member.id) {
    const index = numericValue(parent.childForFieldName('index') ?? undefined);
    if (index === 0 || index === 1) return undefined; // the node binary and the script
  }
  if (parent?.type === 'member_expression' && parent.childForFieldName('property')?.text === 'length') return undefined;
  return 'argv';
}

/** npm configuration modules that read configuration files (and arguments, environment) when required or called. */
const CONFIG_LOADERS = /^(?:config|wild-config|@zone-eu\/wild-config|nconf|rc|convict|dotenv\.config)$/;

const OPTION_PARSERS = /^(?:minimist|yargs-parser|mri|arg|util\.parseArgs|getopts|nopt)$/;

/** Option parsing: minimist(...), util.parseArgs(...), commander's `.parse()`, yargs' `.parse()`. */
function isOptionParsing(q: string): boolean {
  if (OPTION_PARSERS.test(q)) return true;
  return /^(?:commander|yargs)\b/.test(q) && /\.(?:parse|parseAsync|parseSync|parseOptions)$/.test(q);
}

/** The npm package `require('name')` loads. */
function requiredPackage(specifier: Node | undefined, bindings: ModuleBindings): string {
  const name = specifier ? stringValue(specifier) : undefined;
  const target = name !== undefined ? bindings.moduleOf(name) : undefined;
  return target && 'builtin' in target ? target.builtin : '';
}

/** Translate one call; an empty list for calls of no interest (built-ins that do nothing privileged). */
export function classifyNodeCall(call: Node, ctx: NodeCallContext): EventShape[] {
  const fn = call.childForFieldName('function');
  if (!fn) return [];
  const args = callArguments(call);
  const q = ctx.bindings.qualify(fn);
  const written = unwrap(fn).text;
  const configured = vocabularyEvents(q === undefined ? [written] : [written, q], written, args, argumentReader(ctx), ctx.vocabulary);
  if (configured) return configured;
  // `exports.f()`, or `Server.f()` with `const Server = exports`: a function of this module.
  if (q === undefined || /^(?:module\.)?exports\./.test(q)) return projectCall(fn, args, ctx);
  const api = q;
  // A read of the process's ids: tested after a drop, it verifies the drop (unverified-drop).
  if (/^process\.gete?[ug]id$/.test(q)) return [{ kind: 'call', api, callee: api, args: [] }];
  const processCall = q.replace(/^posix\./, 'process.');
  // posix.chroot is no plain chroot (below); the other calls of the process mean what the C calls do.
  const standard = processCall !== 'process.chroot' && processCall.startsWith('process.') ? standardCallEvent(processCall.slice('process.'.length), api, args, argumentReader(ctx)) : undefined;
  if (standard) return [standard];
  switch (processCall) {
    case 'process.chroot':
      // posix.chroot(path) changes into the directory first, then chroots there.
      return [{ kind: 'chdir', api, path: pathText(args[0]) }, { kind: 'chroot', api, path: pathText(args[0]) }];
    case 'process.exit':
    case 'process.reallyExit':
      return [{ kind: 'call', api, callee: 'exit', args: args.map((a) => ({ text: a.text, id: 'other' as const })) }];
    case 'process.abort':
      return [{ kind: 'call', api, callee: 'abort', args: [] }];
    case 'cluster.fork':
      // A worker process running this program again, `cluster.isWorker` there.
      return [{ kind: 'fork', api }];
    case 'chroot':
      return chrootModule(api, args, ctx);
  }
  if (/^fs(?:\.promises)?\.opendir(?:Sync)?$/.test(q)) return [{ kind: 'dir-open', api, handle: ctx.storedInto ?? '' }];
  if (/^fs(?:\.promises)?\.open(?:Sync)?$/.test(q) && isDirectoryPath(args[0], args[1])) return [{ kind: 'dir-open', api, handle: ctx.storedInto ?? '' }];
  if (/^fs\.close(?:Sync)?$/.test(q) && args[0]) return [{ kind: 'dir-close', api, handle: unwrap(args[0]).text }];
  if (FILE_READS.test(q) && args[0] && mentionsInput(args[0], ctx)) return [{ kind: 'input', api, source: 'config' }];
  if (q === 'require' && args[0] && mentionsInput(args[0], ctx)) return [{ kind: 'input', api, source: 'config' }];
  if (isOptionParsing(q)) return [{ kind: 'input', api, source: 'options' }];
  if (CONFIG_LOADERS.test(q === 'require' ? requiredPackage(args[0], ctx.bindings) : q)) return [{ kind: 'input', api, source: 'config' }];
  return spawnEvent(api, args, ctx.constants);
}

/**
 * `chroot(newroot, user, group)` of the `chroot` npm module: sets the groups, chdirs into and chroots to the new
 * root, then drops the gid and the uid, all while root and in that order.
 */
function chrootModule(api: string, args: Node[], ctx: NodeCallContext): EventShape[] {
  const [root, user, group] = args;
  return [
    { kind: 'set-groups', api, args: [user?.text ?? '', group?.text ?? ''] },
    { kind: 'chdir', api, path: pathText(root) },
    { kind: 'chroot', api, path: pathText(root) },
    setId('gid', api, 'permanent', group ?? user, ctx),
    setId('uid', api, 'permanent', user, ctx),
  ];
}

/** Built-in objects whose methods are never project functions. */
const NOT_PROJECT = /^(?:console|JSON|Math|Object|Array|Promise|Buffer|Reflect|Number|String|Date|Symbol|Error)$/;

/** A call that may reach a project function: `drop()`, `helpers.drop()`, `this.drop()`, `imported()`. */
function projectCall(fn: Node, args: Node[], ctx: NodeCallContext): EventShape[] {
  const f = unwrap(fn);
  let callee: string | undefined;
  if (f.type === 'identifier') {
    const imported = ctx.bindings.imports.get(f.text);
    callee = imported ? (imported.member ?? defaultExportName(imported.module)) : f.text;
  }
  else if (f.type === 'member_expression') {
    const object = f.childForFieldName('object');
    const property = f.childForFieldName('property');
    const closes = property && /^close(?:Sync)?$/.test(property.text) && object && unwrap(object).type === 'identifier';
    if (closes) return [{ kind: 'dir-close', api: f.text, handle: unwrap(object).text }];
    if (object && !NOT_PROJECT.test(unwrap(object).text) && property?.type === 'property_identifier') callee = property.text;
  }
  if (!callee) return [];
  return [{ kind: 'call', api: callee, callee, target: ctx.targets.ofCall(f, ctx.scope), args: args.map((a) => ({ text: stringValue(a) ?? unwrap(a).text, id: classifyNodeId(a, ctx) })) }];
}

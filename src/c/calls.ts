/** What each C library call means in the privilege-event model. */
import { loginClassSets } from '../login-class.js';
import type { Node } from 'web-tree-sitter';
import { standardCallEvent, vocabularyEvents, type ArgumentReader, type CallVocabulary, type EventShape, type IdScope, type SetIdShape } from '../call-meaning.js';
import type { IdClass, IdKind, InputSource } from '../model.js';
import { callArguments, calleeName, numericValue, stringValue, unwrap } from './syntax.js';
import { constantNumber, constantTruth } from './conditions.js';

export interface CallContext {
  /** Variables known to hold an id of a class: `saved = geteuid()`, `ruid = getuid()`. */
  idVariables: ReadonlyMap<string, IdClass>;
  /** Id variables known to hold root where the call is (tested equal to 0 on the branch it is in). */
  rootIds?: ReadonlySet<string>;
  /** Where the call's value is stored, if it is: the handle of an opened directory. */
  storedInto: string | undefined;
  /** Variables holding a passwd entry looked up by name: `pw = getpwnam("nobody")` → pw → nobody. */
  passwdUsers?: ReadonlyMap<string, string>;
  /** Object-like macros defined as a number: `#define NOBODY_UID 65534`. */
  numericMacros?: ReadonlyMap<string, number>;
  /** With them, the file-scope variables nothing sets, as the value they keep (`uid_t rootuid = 0;`): conditionConstants. */
  fileConstants?: ReadonlyMap<string, number>;
  /** Variables holding a capability set read from text: `caps = cap_from_text("cap_setgid=ep")`. */
  capabilityTexts?: ReadonlyMap<string, string>;
  /** Variables the function sets to flags that may include CLONE_NEWUSER: `flags |= CLONE_NEWUSER;` → flags. */
  newUserFlags?: ReadonlySet<string>;
  /** The parameters and locals of the function: any other name is a global, maybe set in another file. */
  locals?: ReadonlySet<string>;
  /** The project's checking wrappers and drop helpers (privlint.json). */
  vocabulary?: CallVocabulary;
  /** Value macros the file can use (value-macros.ts): an invocation reads its arguments and writes none. */
  valueMacros?: ReadonlyMap<string, unknown>;
  /** Struct members the unit stores its functions in (c/members.ts): a call through one is a call event. */
  memberCalls?: ReadonlySet<string>;
}

/** Calls that can change the process's capabilities (capability events): privilege code too. */
export const CAPABILITY_CALLS: ReadonlySet<string> = new Set(['prctl', 'capset', 'cap_set_proc', 'capng_clear', 'capng_fill', 'capng_update', 'capng_updatev', 'unshare']);

/** Calls whose failure matters (set-id, groups, chroot, chdir): also what makes a function privilege code. */
export const STATUS_CALLS: ReadonlySet<string> = new Set([
  'setuid', 'setgid', 'seteuid', 'setegid', 'setreuid', 'setregid', 'setresuid', 'setresgid',
  'setgroups', 'initgroups', 'setusercontext', 'sia_ses_launch', 'capng_change_id', 'chroot', 'chdir', 'fchdir',
]);

/** Calls whose failure matters: their result use is recorded. */
export function isStatusCall(name: string): boolean {
  return STATUS_CALLS.has(name);
}

export function classifyId(node: Node | undefined, ctx: CallContext): IdClass {
  if (!node) return 'other';
  const value = numericValue(node);
  if (value === 0) return 'root';
  if (value === -1 || value === 0xffffffff) return 'unchanged';
  // `(uid_t)-1` parses as a subtraction from a parenthesised name.
  if (/^\(\s*\w+\s*\)\s*-\s*1$/.test(node.text)) return 'unchanged';
  const n = unwrap(node);
  if (n.type === 'conditional_expression') {
    const a = classifyId(n.childForFieldName('consequence') ?? undefined, ctx);
    const b = classifyId(n.childForFieldName('alternative') ?? undefined, ctx);
    if (a === b) return a;
    return a === 'invoker' || b === 'invoker' ? 'invoker' : 'other';
  }
  if (n.type === 'call_expression') {
    const getter = idGetterClass(calleeName(n) ?? '');
    if (getter) return getter;
  }
  // `setuid(PR_ROOT_UID)` with `#define PR_ROOT_UID 0`, an enumeration member worth 0, or -1 (`NO_CHANGE`).
  // A file-scope variable nothing sets (`uid_t rootuid = 0;`) keeps its value, where no local of that name hides it.
  const named = n.type === 'identifier' ? ctx.numericMacros?.get(n.text) ?? (ctx.locals?.has(n.text) ? undefined : ctx.fileConstants?.get(n.text)) : undefined;
  if (named === 0) return 'root';
  if (named === -1 || named === 0xffffffff) return 'unchanged';
  if (n.type === 'identifier' && ctx.rootIds?.has(n.text)) return 'root';
  if (n.type === 'identifier' || n.type === 'field_expression') {
    const known = ctx.idVariables.get(n.text);
    if (known) return known;
    // pw->pw_uid of `pw = getpwuid(getuid())`
    const base = n.type === 'field_expression' ? n.childForFieldName('argument') : null;
    if (base && /^pw_[ug]id$/.test(n.childForFieldName('field')?.text ?? '') && ctx.idVariables.get(unwrap(base).text) === 'invoker') return 'invoker';
    return 'other';
  }
  return 'other';
}

function setId(id: IdKind, api: string, scope: IdScope, targetNode: Node | undefined, ctx: CallContext): SetIdShape {
  const target = classifyId(targetNode, ctx);
  const direction = target === 'root' || target === 'saved-effective' ? 'raise' : 'drop';
  const event: SetIdShape = { kind: 'set-id', api, idKind: id, scope, direction, target, targetText: targetNode ? unwrap(targetNode).text : '' };
  const targetUser = targetNode && accountOf(unwrap(targetNode), ctx);
  const targetValue = targetNode && (numericValue(targetNode) ?? ctx.numericMacros?.get(unwrap(targetNode).text));
  const n = targetNode && unwrap(targetNode);
  // A variable of the file, not the function's: the project may know more of it (`classifyGlobalTargets`).
  const global = (target === 'other' || target === 'invoker') && n?.type === 'identifier' && ctx.locals !== undefined && !ctx.locals.has(n.text) && ctx.numericMacros?.get(n.text) === undefined;
  const cond = n?.type === 'conditional_expression' ? n.childForFieldName('condition') : null;
  const chooser = cond ? unwrap(cond) : undefined;
  const choice =
    chooser?.type === 'identifier' && n
      ? { variable: chooser.text, whenTrue: classifyId(n.childForFieldName('consequence') ?? undefined, ctx), whenFalse: classifyId(n.childForFieldName('alternative') ?? undefined, ctx) }
      : undefined;
  return {
    ...event,
    ...(targetUser ? { targetUser } : {}),
    ...(targetValue !== undefined ? { targetValue } : {}),
    ...(global ? { targetGlobal: true as const } : {}),
    ...(choice && choice.whenTrue !== choice.whenFalse ? { targetChoice: choice } : {}),
  };
}

/** `pw->pw_uid` of `pw = getpwnam("nobody")`: the account named in the code. */
function accountOf(target: Node, ctx: CallContext): string | undefined {
  // A drop helper given the account's name: `drop_privileges("svc")`.
  if (target.type === 'string_literal') return stringValue(target);
  if (target.type === 'identifier') return ctx.passwdUsers?.get(target.text);
  if (target.type !== 'field_expression' || !/^pw_[ug]id$/.test(target.childForFieldName('field')?.text ?? '')) return undefined;
  const base = target.childForFieldName('argument');
  return base ? ctx.passwdUsers?.get(unwrap(base).text) : undefined;
}

export const INPUT_CALLS: Readonly<Record<string, InputSource>> = {
  getopt: 'options', getopt_long: 'options', getopt_long_only: 'options', argp_parse: 'options', getsubopt: 'options',
  getenv: 'environment', secure_getenv: 'environment',
  recv: 'network', recvfrom: 'network', recvmsg: 'network',
  fgets: 'config', getline: 'config', getdelim: 'config', fscanf: 'config',
};

const DIRECTORY_FLAGS = /\bO_(DIRECTORY|PATH|SEARCH)\b/;
const DIRECTORY_PATHS = new Set(['.', '/', '..']);

function opensDirectory(args: Node[], pathIndex: number): boolean {
  if (args.slice(pathIndex + 1).some((a) => DIRECTORY_FLAGS.test(a.text))) return true;
  const path = args[pathIndex] ? stringValue(args[pathIndex]) : undefined;
  return path !== undefined && (DIRECTORY_PATHS.has(path) || (path.length > 1 && path.endsWith('/')));
}

/**
 * What an id getter returns: getuid()/getgid() the invoker's ids, geteuid()/getegid() the effective ones saved
 * before a drop. Project wrappers named after them (`vsf_sysutil_geteuid()`, `x_getuid()`) count too.
 */
export function idGetterClass(callee: string): IdClass | undefined {
  const m = /(?:^|_)get(e?)[ug]id$/.exec(callee);
  if (!m) return undefined;
  return m[1] ? 'saved-effective' : 'invoker';
}

/** Translate one call expression; undefined for calls of no interest that cannot be project functions. */
export function classifyCall(call: Node, ctx: CallContext): EventShape | EventShape[] | undefined {
  const api = calleeName(call);
  if (!api) return memberCall(call, ctx);
  const args = callArguments(call);
  const reader = argumentReader(ctx);
  const named = vocabularyEvents([api], api, args, reader, ctx.vocabulary) ?? standardCallEvent(api, api, args, reader);
  if (named) return named;
  switch (api) {
    case 'capng_change_id': {
      // libcap-ng: keeps the capabilities chosen with capng_update across the change, optionally sets the
      // supplementary groups, then setresgid(gid), then setresuid(uid); one status for all.
      const groups: EventShape[] = /CAPNG_(DROP|INIT)_SUPP_GRP/.test(args[2]?.text ?? '') ? [{ kind: 'set-groups', api, args: args.map((a) => a.text) }] : [];
      return [{ kind: 'capability', api, action: 'keep', caps: null }, ...groups, setId('gid', api, 'permanent', args[1], ctx), setId('uid', api, 'permanent', args[0], ctx)];
    }
    case 'fork':
    case 'vfork':
    case 'pdfork':
    case 'rfork':
      return { kind: 'fork', api };
    case 'prctl':
    case 'capset':
    case 'cap_set_proc':
    case 'capng_clear':
    case 'capng_fill':
    case 'capng_update':
    case 'capng_updatev':
    case 'unshare':
      return capabilityCall(api, args, ctx);
    case 'sia_ses_launch':
      // Tru64 SIA: launching the session sets the user's groups (and ids) as login(1) does.
      return { kind: 'set-groups', api, args: args.map((a) => a.text) };
    case 'setusercontext':
      // BSD login classes: sets the groups only with LOGIN_SETGROUP (part of LOGIN_SETALL).
      return loginClassSets(args[3]?.text ?? '', 'GROUP') ? { kind: 'set-groups', api, args: args.map((a) => a.text) } : callEvent(api, args, ctx);
    case 'open':
    case 'open64':
      return opensDirectory(args, 0) ? { kind: 'dir-open', api, handle: ctx.storedInto ?? '' } : undefined;
    case 'openat':
    case 'openat64':
      return opensDirectory(args, 1) ? { kind: 'dir-open', api, handle: ctx.storedInto ?? '' } : undefined;
    case 'opendir':
      return { kind: 'dir-open', api, handle: ctx.storedInto ?? '' };
    case 'fdopendir':
      return { kind: 'dir-open', api, handle: ctx.storedInto ?? '', adopts: args[0] ? unwrap(args[0]).text : undefined };
    case 'close':
    case 'closedir':
      return args[0] ? { kind: 'dir-close', api, handle: unwrap(args[0]).text } : undefined;
    case 'closefrom':
    case 'close_range':
      return { kind: 'dir-close', api, handle: '*' };
  }
  const source = INPUT_CALLS[api];
  if (source === 'network' && args[0]) return { kind: 'input', api, source, descriptor: unwrap(args[0]).text };
  if (source) return { kind: 'input', api, source };
  return callEvent(api, args, ctx);
}

/** Linux capability calls (prctl's PR_SET_KEEPCAPS, capset, libcap's cap_set_proc, libcap-ng's updates). */
function capabilityCall(api: string, args: Node[], ctx: CallContext): EventShape | undefined {
  const event = (action: CapabilityAction, caps: string[] | null): EventShape => ({ kind: 'capability', api, action, caps });
  switch (api) {
    case 'prctl': {
      // The securebits SECBIT_KEEP_CAPS and SECBIT_NO_SETUID_FIXUP keep the capabilities across the uid change as
      // PR_SET_KEEPCAPS does; bits not written out (or masked out with `~`) say nothing.
      if (args[0]?.text === 'PR_SET_SECUREBITS') {
        const bits = args[1]?.text ?? '';
        return /\bSECBIT_(?:KEEP_CAPS|NO_SETUID_FIXUP)\b/.test(bits) && !bits.includes('~') ? event('keep', null) : undefined;
      }
      if (args[0]?.text !== 'PR_SET_KEEPCAPS') return undefined;
      const value = args[1] ? numericValue(args[1]) : undefined;
      return value === undefined ? undefined : event(value ? 'keep' : 'no-keep', null);
    }
    case 'capset':
      // `capset(0, 0)` only asks whether the kernel has capabilities.
      return args[1] && numericValue(args[1]) !== 0 && unwrap(args[1]).text !== 'NULL' ? event('set', null) : undefined;
    case 'cap_set_proc': {
      const arg = args[0] && unwrap(args[0]);
      const fromText = arg?.type === 'call_expression' && calleeName(arg) === 'cap_from_text' ? callArguments(arg)[0] : undefined;
      const text = fromText ? stringValue(fromText) : arg ? ctx.capabilityTexts?.get(arg.text) : undefined;
      return event('set', text === undefined ? null : capabilitiesInText(text));
    }
    case 'unshare':
      // A new user namespace gives the process a full capability set inside it, whatever its uid: it can set its
      // ids, its groups and chroot there again (as after prctl(PR_SET_KEEPCAPS, 1) with every capability kept).
      if (/\bCLONE_NEWUSER\b/.test(args[0]?.text ?? '')) return event('set', ['*']);
      // Flags collected in a variable (`flags |= CLONE_NEWUSER;` for some options): whether this path asked for a
      // user namespace is not known, so neither is the capability set after the call.
      return args[0] && ctx.newUserFlags?.has(unwrap(args[0]).text) ? event('set', null) : undefined;
    case 'capng_clear':
      return event('clear', []);
    case 'capng_fill':
      return event('set', ['*']);
    default: {
      // capng_update(action, type, capability) / capng_updatev(action, type, capability, ..., -1): only the
      // effective and permitted sets decide what the process can do.
      if (!/CAPNG_(?:EFFECTIVE|PERMITTED)/.test(args[1]?.text ?? '')) return undefined;
      const action = /CAPNG_ADD/.test(args[0]?.text ?? '') ? 'add' : /CAPNG_DROP/.test(args[0]?.text ?? '') ? 'remove' : undefined;
      const caps = args.slice(2).map((a) => unwrap(a).text).filter((t) => /^CAP_\w+$/.test(t));
      return action && caps.length ? event(action, caps) : undefined;
    }
  }
}

type CapabilityAction = Extract<EventShape, { kind: 'capability' }>['action'];

/**
 * The capabilities a libcap text (`cap_from_text`) leaves in the effective or permitted set:
 * `"cap_setgid,cap_net_bind_service=ep"`, `"= cap_sys_chroot+ep"`, `"all=ep cap_setuid-ep"`.
 */
export function capabilitiesInText(text: string): string[] {
  let held = new Set<string>();
  for (const clause of text.trim().split(/\s+/)) {
    const m = /^([\w,]*)([=+-])([eip]*)$/i.exec(clause);
    if (!m) continue;
    const names = m[1] ? m[1].split(',').map((n) => (n.toLowerCase() === 'all' ? '*' : n.toUpperCase())) : ['*'];
    const gives = /[ep]/i.test(m[3]!);
    if (m[2] === '=') {
      if (names.includes('*')) held = new Set(gives ? ['*'] : []);
      else for (const n of names) gives ? held.add(n) : held.delete(n);
    } else if (m[2] === '+' && gives) for (const n of names) held.add(n);
    else if (m[2] === '-' && gives) for (const n of names) held.delete(n);
  }
  return [...held];
}

/** How C arguments read: ids through the function's variables and macros, paths as literals or as written. */
function argumentReader(ctx: CallContext): ArgumentReader<Node> {
  return {
    idClass: (arg) => classifyId(arg, ctx),
    setId: (idKind, api, scope, target) => setId(idKind, api, scope, target, ctx),
    literal: (arg) => (arg ? stringValue(arg) : undefined),
    path: (arg) => (arg ? (stringValue(arg) ?? arg.text) : ''),
    text: (arg) => arg.text,
  };
}

const EXEC_FAMILY = /^f?exec(?:[lv]p?e?|vpe)$/;

const STRING_TYPES = ['string_literal', 'concatenated_string'];

/** A string literal, or one passed through a translation call (`_("…")`, `gettext("…")`): text written for a reader. */
function isMessageText(arg: Node): boolean {
  const a = unwrap(arg);
  if (STRING_TYPES.includes(a.type)) return true;
  const inner = a.type === 'call_expression' ? a.childForFieldName('arguments')?.namedChildren : undefined;
  return inner?.length === 1 && STRING_TYPES.includes(unwrap(inner[0]!).type);
}

/**
 * `ops->change(op)`, `(*privs)->change(op)`, `s.check(…)`: a call through a struct member the unit stores its
 * functions in. Its callee is the call's text (`(*privs)->change`), which names no function: the project resolves
 * it by the member.
 */
function memberCall(call: Node, ctx: CallContext): EventShape | undefined {
  if (!ctx.memberCalls?.size) return undefined;
  const fn = call.childForFieldName('function');
  const f = fn && unwrap(fn);
  const member = f?.type === 'field_expression' ? f.childForFieldName('field')?.text : undefined;
  if (!f || !member || !ctx.memberCalls.has(member)) return undefined;
  const text = f.text.replace(/\s+/g, '');
  return { ...callEvent(text, callArguments(call), ctx), member } as EventShape;
}

/**
 * Status constants of the C library's headers (<stdlib.h>, <sysexits.h>): the values an exit status names. A
 * project's own definition of the name comes first.
 */
const STATUS_CONSTANTS: ReadonlyMap<string, number> = new Map([
  ['EXIT_SUCCESS', 0], ['EXIT_FAILURE', 1],
  ['EX_OK', 0], ['EX_USAGE', 64], ['EX_DATAERR', 65], ['EX_NOINPUT', 66], ['EX_NOUSER', 67], ['EX_NOHOST', 68],
  ['EX_UNAVAILABLE', 69], ['EX_SOFTWARE', 70], ['EX_OSERR', 71], ['EX_OSFILE', 72], ['EX_CANTCREAT', 73],
  ['EX_IOERR', 74], ['EX_TEMPFAIL', 75], ['EX_PROTOCOL', 76], ['EX_NOPERM', 77], ['EX_CONFIG', 78],
]);

/** The numeric value of a call's argument: a literal, or a constant the file or the C library names. */
function argumentValue(node: Node, ctx: CallContext): number | undefined {
  const literal = numericValue(node);
  if (literal !== undefined) return literal;
  const n = unwrap(node);
  if (n.type !== 'identifier' || ctx.locals?.has(n.text)) return undefined;
  return ctx.numericMacros?.get(n.text) ?? STATUS_CONSTANTS.get(n.text);
}

function callEvent(api: string, args: Node[], ctx: CallContext): EventShape {
  const texts = args.map((a) => stringValue(a) ?? unwrap(a).text);
  return {
    kind: 'call', api, callee: api,
    args: args.map((a, i) => {
      const value = argumentValue(a, ctx);
      const neverNull = value === undefined && constantNumber(a) === null && constantTruth(a) === true;
      return { text: texts[i]!, id: classifyId(a, ctx), ...(isMessageText(a) ? { literal: true as const } : {}), ...(neverNull ? { neverNull: true as const } : {}), ...(value !== undefined ? { value } : {}) };
    }),
    ...(EXEC_FAMILY.test(api) ? { execs: true as const } : {}),
    ...(movesMountOntoRoot(api, texts) ? { movesOntoRoot: true as const } : {}),
    ...(ASSERT_NAMES.has(api) || READ_ONLY_LIBRARY.has(api) || ctx.valueMacros?.has(api) ? { writesNoArgument: true as const } : {}),
  };
}

/**
 * C library functions whose pointer parameters are all `const` (C11, POSIX, <err.h>): they read what they are given
 * and write none of it. A function that fills a buffer or a struct it is given (`stat`, `strtol`'s end pointer,
 * `memset`, `free`) is not one.
 */
export const READ_ONLY_LIBRARY: ReadonlySet<string> = new Set([
  'printf', 'fprintf', 'dprintf', 'vprintf', 'vfprintf', 'vdprintf', 'syslog', 'vsyslog', 'puts', 'fputs', 'perror',
  'warn', 'warnx', 'vwarn', 'vwarnx',
  'strlen', 'strnlen', 'strcmp', 'strncmp', 'strcasecmp', 'strncasecmp', 'strcoll', 'memcmp', 'strchr', 'strrchr',
  'strstr', 'strspn', 'strcspn', 'strpbrk', 'memchr', 'strdup', 'strndup', 'atoi', 'atol', 'atoll', 'atof',
]);

/** `mount(src, "/", type, flags with MS_MOVE, data)`: a mount moved onto "/" (a root file-system switch). */
function movesMountOntoRoot(api: string, args: readonly string[]): boolean {
  return api === 'mount' && args.length === 5 && args[1] === '/' && /\bMS_MOVE\b/.test(args[3]!);
}

/** Calls that only test their argument when assertions are enabled. */
export const ASSERT_NAMES = new Set(['assert', 'g_assert', 'ASSERT', 'DASSERT', 'Assert']);

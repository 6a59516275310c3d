/**
 * What a privilege call means, for both front-ends (src/c, src/ts): the standard calls (setuid … chdir: which ids
 * change, which argument is the target) and the project vocabulary of privlint.json — checking wrappers, calls of
 * the kind they wrap whose failure is handled inside them, and drop helpers, each call a whole permanent drop.
 * Each front-end reads arguments its own way (an ArgumentReader); the events are the same in every language.
 */
import type { IdClass, IdKind, PrivilegeEvent, ResultUse } from './model.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An event without the fields the CFG builder fills in (id, loc, text). A `result` given here is kept. */
export type EventShape = DistributiveOmit<PrivilegeEvent, 'id' | 'loc' | 'text'>;

export type SetIdShape = Extract<EventShape, { kind: 'set-id' }>;

export type IdScope = 'permanent' | 'effective';

/** How a front-end reads the arguments of a call (syntax nodes of type N). */
export interface ArgumentReader<N> {
  /** What an id argument is: root, the invoker, unchanged (-1)… */
  idClass(arg: N | undefined): IdClass;
  /** The set-id event for a target argument, with what the front-end knows of its account and value. */
  setId(idKind: IdKind, api: string, scope: IdScope, target: N | undefined): SetIdShape;
  /** A string literal's value, else undefined. */
  literal(arg: N | undefined): string | undefined;
  /** A path argument as the events keep it: a literal's value, else the expression's text. */
  path(arg: N | undefined): string;
  /** The argument's source text. */
  text(arg: N): string;
}

/**
 * The project vocabulary the front-ends apply (privlint.json `checkingWrappers`, `dropHelpers`): plain data, as a
 * parse task carries it to a worker and into the model cache's key.
 */
export interface CallVocabulary {
  /** Wrapper name → the call it makes (`setuid`, `process.setuid`: one of WRAPPABLE_CALLS). */
  checkingWrappers: Readonly<Record<string, string>>;
  dropHelpers: readonly string[];
}

/** The vocabulary of a configuration. */
export function callVocabulary(config: CallVocabulary): CallVocabulary {
  return { checkingWrappers: config.checkingWrappers, dropHelpers: config.dropHelpers };
}

/** Names whose calls are privilege code under the vocabulary (for the lexical selection); chdir wrappers are not. */
export function vocabularyPrivilegeNames(vocabulary: CallVocabulary | undefined): string[] {
  if (!vocabulary) return [];
  const wrappers = Object.entries(vocabulary.checkingWrappers).filter(([, call]) => bareName(call) !== 'chdir').map(([name]) => name);
  return [...wrappers, ...vocabulary.dropHelpers];
}

/** The checking wrappers of some calls (bare names: `chroot`, `chdir`). */
export function wrappersOf(vocabulary: CallVocabulary | undefined, ...calls: string[]): string[] {
  if (!vocabulary) return [];
  return Object.entries(vocabulary.checkingWrappers).filter(([, call]) => calls.includes(bareName(call))).map(([name]) => name);
}

/** `process.setuid` → `setuid`: Node's calls of the process mean what the C calls of the same name mean. */
function bareName(call: string): string {
  return call.replace(/^(?:process|posix)\./, '');
}

/**
 * The event of a standard privilege call, by its bare name (C's `setuid`; Node's `process.setuid` and
 * `posix.setuid` without the prefix), made under the name `api`; undefined for any other name.
 */
export function standardCallEvent<N>(name: string, api: string, args: N[], r: ArgumentReader<N>): EventShape | undefined {
  switch (name) {
    case 'setuid':
      return r.setId('uid', api, 'permanent', args[0]);
    case 'setgid':
      return r.setId('gid', api, 'permanent', args[0]);
    case 'seteuid':
      return r.setId('uid', api, 'effective', args[0]);
    case 'setegid':
      return r.setId('gid', api, 'effective', args[0]);
    case 'setreuid':
    case 'setregid': {
      // setreuid(-1, u) changes only the effective id. setreuid(0, u) keeps root as the real id, from which the
      // process takes root back whatever the system does with the saved id: a switch as temporary as seteuid(u).
      const real = r.idClass(args[0]);
      const effective = args[1] === undefined ? 'unchanged' : r.idClass(args[1]);
      const keepsRoot = real === 'unchanged' || (real === 'root' && effective !== 'root' && effective !== 'unchanged');
      return r.setId(name === 'setreuid' ? 'uid' : 'gid', api, keepsRoot ? 'effective' : 'permanent', args[1] ?? args[0]);
    }
    case 'setresuid':
    case 'setresgid': {
      // The saved id left as it is (-1), or set to the privileged one (0, or the effective id kept from geteuid()),
      // can take root back; the target is the effective id, else the real one.
      const saved = r.idClass(args[2]);
      const target = r.idClass(args[1]) === 'unchanged' ? args[0] : args[1];
      const privileged = (c: string): boolean => c === 'root' || c === 'saved-effective';
      // `setresuid(-1, -1, 0)` changes neither the real nor the effective id: it only keeps root within reach as the
      // saved id (a restore made possible, not made), whose failure leaves the process with less: no privilege event.
      if (r.idClass(args[0]) === 'unchanged' && r.idClass(args[1]) === 'unchanged' && privileged(saved)) return undefined;
      const savedPrivileged = saved === 'unchanged' || (privileged(saved) && !privileged(r.idClass(target)));
      return r.setId(name === 'setresuid' ? 'uid' : 'gid', api, savedPrivileged ? 'effective' : 'permanent', target);
    }
    case 'setgroups':
    case 'initgroups':
      return { kind: 'set-groups', api, args: args.map((a) => r.text(a)) };
    case 'chroot':
      // `chroot("/")` makes the root it has the root: no jail (a probe of whether the process may chroot).
      return r.literal(args[0]) === '/' ? undefined : { kind: 'chroot', api, path: r.path(args[0]) };
    case 'chdir':
    case 'fchdir': {
      // A string literal that does not start with '/' is relative to the current working directory.
      const literal = r.literal(args[0]);
      return { kind: 'chdir', api, path: r.path(args[0]), ...(literal !== undefined && !literal.startsWith('/') ? { relative: true as const } : {}) };
    }
    default:
      return undefined;
  }
}

/** The called function handles the failure itself: it ends the process. */
const HANDLED_INSIDE: ResultUse = { kind: 'handled' };

/**
 * The events of a call the vocabulary names (any of `names`: the callee as written, or qualified), made under the
 * name `api`; undefined when the vocabulary does not name it. A checking wrapper gives the event of the call it
 * wraps, its arguments read as that call's; a drop helper gives the whole permanent drop (groups, gid, uid). Their
 * failure is handled inside them. The configured meaning holds whether or not the function is defined in the code.
 */
export function vocabularyEvents<N>(names: readonly string[], api: string, args: N[], r: ArgumentReader<N>, vocabulary: CallVocabulary | undefined): EventShape[] | undefined {
  if (!vocabulary) return undefined;
  for (const name of names) {
    if (Object.hasOwn(vocabulary.checkingWrappers, name)) {
      const event = standardCallEvent(bareName(vocabulary.checkingWrappers[name]!), api, args, r);
      return event ? [{ ...event, result: HANDLED_INSIDE }] : undefined;
    }
    if (vocabulary.dropHelpers.includes(name)) return dropHelperEvents(api, args, r);
  }
  return undefined;
}

/**
 * A drop helper's drop: `drop_privileges(user)`, `drop_privileges(uid, gid)`. The first argument names the account
 * (the uid's target), the second, when there is one, the gid's. The helper drops whatever its arguments look like
 * (a flag, a configuration): a target that reads as root or as unchanged is an account the code does not show.
 */
function dropHelperEvents<N>(api: string, args: N[], r: ArgumentReader<N>): EventShape[] {
  const drop = (idKind: IdKind, target: N | undefined): SetIdShape => {
    const event = r.setId(idKind, api, 'permanent', target);
    return event.target === 'other' || event.target === 'invoker' ? event : { kind: 'set-id', api, idKind, scope: 'permanent', direction: 'drop', target: 'other', targetText: event.targetText };
  };
  const events: EventShape[] = [{ kind: 'set-groups', api, args: args.map((a) => r.text(a)) }, drop('gid', args.length > 1 ? args[1] : args[0]), drop('uid', args[0])];
  return events.map((e) => ({ ...e, result: HANDLED_INSIDE }));
}

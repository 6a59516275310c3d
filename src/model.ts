/**
 * The language-neutral model every rule reasons over. Front-ends (src/c, src/ts) translate syntax into
 * functions with control-flow graphs whose nodes carry privilege events; nothing below mentions C or JS syntax.
 */

export interface SourceLoc {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  endLine: number;
  endColumn: number;
}

export type Language = 'c' | 'node';

/** What an id argument is, as far as the code shows. */
export type IdClass =
  | 'root' // literal 0
  | 'invoker' // getuid()/getgid(): the real id, the invoking user of a set-user-ID program
  | 'saved-effective' // geteuid()/getegid() captured earlier: restoring it raises privilege again
  | 'unchanged' // -1: leave this id as it is
  | 'other';

export type IdKind = 'uid' | 'gid';

/** How the code reacts to a privilege call failing. */
export type ResultUse =
  | { kind: 'discarded' } // expression statement: the result is dropped
  | { kind: 'void-cast' }
  | { kind: 'assert' } // only tested inside assert(), which vanishes under NDEBUG
  | { kind: 'tested'; node: number; variable?: string } // condition node where the result is tested (and the variable it is also stored in)
  | { kind: 'stored'; variable: string; node: number; failsAs?: 0 | -1 | null } // stored, to be tested later (the value stored when it fails: -1, or 0 for `ok = call() == 0`)
  | { kind: 'returned' } // returned to the caller: the duty moves to every caller
  | { kind: 'passed'; callee: string } // handed to another function or macro as an argument
  | { kind: 'handled' } // (exceptions) failure ends the process or propagates
  | { kind: 'swallowed'; why: string }; // (exceptions) failure is caught and execution continues

/** The systems privlint knows the privilege calls of. */
export type Platform = 'linux' | 'freebsd' | 'openbsd' | 'macos';

interface EventBase {
  /** Unique within the project. */
  id: number;
  /** The call is compiled only for this system (C: inside `#ifdef __APPLE__`). */
  platform?: Platform;
  /** (C) The call is compiled only where the system has no setresuid()/setresgid(): `#ifndef HAVE_SETRESUID`. */
  withoutSetres?: true;
  /** API name as written in the code (`setresuid`, `process.setuid`, a project function). */
  api: string;
  /** Source text of the whole call, for messages. */
  text: string;
  loc: SourceLoc;
  /** For calls whose failure matters: how the result is used. */
  result?: ResultUse;
}

export interface SetIdEvent extends EventBase {
  kind: 'set-id';
  idKind: IdKind;
  /** permanent: real, effective and saved ids change; effective: only the effective id (saved id keeps root). */
  scope: 'permanent' | 'effective';
  /**
   * raise: regains privilege (target root or the saved effective id). probe: a call made to verify a drop,
   * expected to fail (its success ends the process).
   */
  direction: 'drop' | 'raise' | 'probe';
  target: IdClass;
  /** Source text of the target id, e.g. `pw->pw_uid`. */
  targetText: string;
  /**
   * The account the target id belongs to, when the code names it (`getpwnam("nobody")`, `process.setuid('nobody')`);
   * `ACCOUNT_PARAMETER + name` when it is the function's parameter `name`, named by each caller.
   */
  targetUser?: string;
  /** The target id's numeric value, when the code gives it (a literal, or a macro/constant defined as one). */
  targetValue?: number;
  /** The target is a variable of the file, not of the function (`setuid(uid)`): another file may say what it holds. */
  targetGlobal?: true;
  /**
   * The target is a choice made by a variable (`seteuid(on ? saved_euid : getuid())`): what each side is, so that
   * a caller that passes a constant for the variable (a parameter) picks one.
   */
  targetChoice?: { variable: string; whenTrue: IdClass; whenFalse: IdClass };
}

export interface SetGroupsEvent extends EventBase {
  kind: 'set-groups';
  /** `initgroups(user, gid)` / `setgroups(1, &gid)` argument texts, for suggestions. */
  args: string[];
}

export interface ChrootEvent extends EventBase {
  kind: 'chroot';
  path: string;
}

export interface ChdirEvent extends EventBase {
  kind: 'chdir';
  path: string;
  /** The path is written as a relative one (`chdir("data")`): it resolves against the current working directory. */
  relative?: true;
}

export interface DirOpenEvent extends EventBase {
  kind: 'dir-open';
  /** Where the handle is kept (variable or field text); empty when it is not kept. */
  handle: string;
  /**
   * (analysis) Where the caller of the function that opens it keeps it, when the function keeps it through a
   * parameter (`dir->handle` of a helper passed `&dir`: `dir.handle`); set where the function is inlined.
   */
  callersHandle?: string;
  /** fdopendir(fd): the descriptor this handle takes over (closing the handle closes it). */
  adopts?: string;
  /**
   * (C) Kept in a local declared with a cleanup attribute (`__attribute__((cleanup(close_fd))) int fd`): closed by
   * the compiler's call when the local's scope ends, at the latest when the function that opened it returns.
   */
  closedOnReturn?: true;
}

export interface DirCloseEvent extends EventBase {
  kind: 'dir-close';
  /** The handle closed, or '*' for closefrom/close_range. */
  handle: string;
}

export type InputSource = 'argv' | 'options' | 'environment' | 'config' | 'network';

export interface InputEvent extends EventBase {
  kind: 'input';
  source: InputSource;
  /** For a call of a function that reads input: the read inside it. */
  via?: InputEvent;
  /** (C) The descriptor a socket read reads (`recv(fd, …)`): a local socket (netlink, Unix) carries no network data. */
  descriptor?: string;
  /** (C) A read of a connection accept() returned: a client's request. */
  connection?: true;
}

/**
 * A child process started with ids of its own (Node child_process `{ uid, gid }` options): the child's ids change,
 * the caller's do not.
 */
export interface SpawnEvent extends EventBase {
  kind: 'spawn';
  /** Source text of the uid the child gets, when one is given. */
  uid?: string;
  /** Source text of the gid the child gets, when one is given. */
  gid?: string;
  /** (while the graph is built) The options are this variable's object, filled field by field. */
  optionsVariable?: string;
}

/**
 * The process splits in two (`fork()`, Node's `cluster.fork()`): the child's path (the call returned 0) and the
 * parent's go on as separate processes, each with the privileges it had at the split.
 */
export interface ForkEvent extends EventBase {
  kind: 'fork';
}

/**
 * A change to the process's Linux capabilities (SPEC `wrong-drop-order`, `chroot-without-drop`): `keep` lets the
 * permitted set survive the change of uid (`prctl(PR_SET_KEEPCAPS, 1)`, SECBIT_KEEP_CAPS, libcap-ng's
 * `capng_change_id`), `no-keep` does not (the default); `add`/`remove` raise or drop `caps` (`capng_update`); `set`
 * makes them exactly `caps` (`capset`, `cap_set_proc`; `unshare(CLONE_NEWUSER)`); `clear` leaves none. A raise
 * brings back only what is still permitted (src/analysis/capabilities.ts).
 */
export interface CapabilityEvent extends EventBase {
  kind: 'capability';
  action: 'keep' | 'no-keep' | 'add' | 'remove' | 'set' | 'clear';
  /** Capability names (`CAP_SETGID`), `*` for all; null when the code does not show which. */
  caps: string[] | null;
}

/** A call of a function that may be defined in the project: the engine resolves and summarises it. */
export interface CallEvent extends EventBase {
  kind: 'call';
  callee: string;
  /**
   * (Node) The function the call reaches, resolved along the module graph (the key of a FunctionModel), or null
   * when it reaches no project function. Absent (C): the call resolves by name.
   */
  target?: string | null;
  /** The call replaces the process image with another program (C's exec family), keeping ids and jail. */
  execs?: true;
  /**
   * (C) The call moves a mount onto "/" (`mount(src, "/", type, MS_MOVE, data)`, a root file-system switch; its
   * first argument is the mount's source). A `chroot(".")` made in it then enters no jail (rules/root-switch.ts).
   */
  movesOntoRoot?: true;
  /**
   * (C) The call writes through none of its arguments: an assertion, or a C library function whose pointer
   * parameters are all `const` (`strlen`, `printf`). A struct passed to it by address keeps its fields. Holds only
   * while no project function of that name is called instead.
   */
  writesNoArgument?: true;
  /** (C) A call through this struct member (`ops->change(op)`): it reaches the functions stored in the member. */
  member?: string;
  /** The call ends the process because something went wrong (Node: a `throw` no `catch` handles). */
  failsProcess?: true;
  /**
   * (Node) How the caller uses the value the call returns (`result` is then what becomes of the exception the call
   * may throw): a project function that catches a failure and returns it (`catch { return false; }`) hands the duty
   * to this use. Absent where the front-end cannot tell (a callback the event loop runs, a value used in an
   * expression it does not follow).
   */
  value?: ResultUse;
  /** Argument texts (string literals unquoted) and what each is as an id, for binding the callee's parameters. */
  args: {
    text: string;
    id: IdClass;
    /** (C) A string literal, or one wrapped for translation (`_("…")`): a message. */
    literal?: true;
    /** (C) A pointer never NULL: a string, an address (`&x`), an account entry's name (`pw->pw_name`). */
    neverNull?: true;
    /** (C) The argument's numeric value, when the code gives one: a literal, or a constant it names (`EXIT_FAILURE`, `#define ERR_EXIT 1`). */
    value?: number;
  }[];
}

export type PrivilegeEvent =
  | SetIdEvent
  | SetGroupsEvent
  | ChrootEvent
  | ChdirEvent
  | DirOpenEvent
  | DirCloseEvent
  | InputEvent
  | SpawnEvent
  | CapabilityEvent
  | ForkEvent
  | CallEvent;

/** Prefix of a `targetUser` that is a parameter of the function: the caller's argument names the account. */
export const ACCOUNT_PARAMETER = '$param:';

/** Pseudo-variable for conditions that test whether the process is root: truthy when it is not. */
export const NOT_ROOT = '$not-root';

/**
 * Pseudo-variable for conditions that compare the real and the effective uid (`getuid() != geteuid()`): truthy when
 * they are the same, as after a permanent uid change.
 */
export const SAME_IDS = '$same-ids';

/**
 * Prefix of a pseudo-variable for conditions that compare a value with the process's effective id
 * (`pw->pw_uid != geteuid()`): `${EFFECTIVE_ID}uid:pw->pw_uid`, truthy when the value is the effective uid.
 */
export const EFFECTIVE_ID = '$effective-id:';

/** Pseudo-variable for conditions that tell the two processes of a fork apart: truthy in the parent. */
export const FORK_PARENT = '$fork-parent';

/** A subject tested by a condition node and the branch taken when it reports failure. */
export interface Test {
  subject: { event: number } | { variable: string };
  /** true: the condition is true when the call failed; false: it is false; null: cannot tell. */
  whenFails: boolean | null;
  /** For variables: the branch taken when the variable is NULL (a failed opendir()/fopen()), or 0 (a forked child). */
  whenNull?: boolean | null;
  /**
   * The `whenNull` branch is also taken when the value is absent (JavaScript truthiness: undefined, null, '' as well
   * as 0): that branch does not show the value is the number 0.
   */
  alsoWhenAbsent?: true;
  /**
   * The branch taken when the subject is a positive number (the child's pid, in the parent of a fork); given only
   * when the test decides by the sign alone, `whenFails` being then the branch for every negative value.
   */
  whenPositive?: boolean | null;
  /**
   * For a test that tells -1 from the other negative values (`x == -1`): the branch taken (true: the condition holds)
   * when the value is -1, another negative value, or positive; `whenNull` gives the branch for 0.
   */
  classes?: { minusOne: boolean; negative: boolean; positive: boolean };
  /**
   * A comparison of the variable with a constant other than 0 and -1 (`level == LOG_FATAL`, `mode != 2`): the
   * constant, and whether the condition holds when the variable equals it. A number the caller passes decides it
   * exactly, where the value classes (which try a few numbers per class) cannot.
   */
  equals?: { value: number; holds: boolean };
  /** The condition is the variable itself or its negation (`if (privileged)`, `if (!privileged)`). */
  boolean?: true;
  /** A NOT_ROOT test of the effective uid (`geteuid() == 0`, a variable saved from it), not of the real uid. */
  effective?: true;
  /**
   * A comparison with one of the process's own ids (`uid != getuid()`): which one. What it tells no longer holds
   * once that id changes.
   */
  ownId?: { idKind: IdKind; effective: boolean };
}

/** Whether `t` tests the result of the call event `eventId` (`if (setuid(u) != 0)`), not a variable. */
export function testsEvent(t: Test, eventId: number): boolean {
  return 'event' in t.subject && t.subject.event === eventId;
}

/** The test of event `eventId`'s result at a condition node, if it has one (a node tests each call's result once). */
export function testOfEvent(node: { readonly tests?: readonly Test[] }, eventId: number): Test | undefined {
  return node.tests?.find((t) => testsEvent(t, eventId));
}

/** The classes of integer values a `ValueTable` tells apart, with the values each is tried at. */
export const VALUE_CLASSES = [
  { name: 'minus-one', values: [-1] },
  { name: 'negative', values: [-2, -1000] },
  { name: 'zero', values: [0] },
  { name: 'one', values: [1] },
  { name: 'many', values: [2, 3, 1000] },
] as const;
export type ValueClass = (typeof VALUE_CLASSES)[number]['name'];

/** See `CfgNode.valueTable`. */
export interface ValueTable {
  variables: string[];
  truth: (boolean | null)[];
}

export type NodeKind = 'entry' | 'exit' | 'stmt' | 'cond' | 'return' | 'branch';

export interface CfgNode {
  id: number;
  kind: NodeKind;
  events: PrivilegeEvent[];
  /** Successors. For `cond` nodes: [whenTrue, whenFalse]. */
  succ: number[];
  tests?: Test[];
  /** return node: it returns a value (non-void). */
  returnsValue?: boolean;
  /** return node: the value is a constant failure status (`return -1;`), or a truth value's failure (`return false;`). */
  returnsFailure?: true;
  /** return node: the value is this constant (`return 0;`, `return -1;`). */
  returnsConstant?: number;
  /** Variables read by the returned expression. */
  returnedVariables?: string[];
  /** return node: the returned expression is this variable alone (`return pw;`). */
  returnsVariable?: string;
  /** Variables this node assigns. */
  assigns?: string[];
  /**
   * Variables this node changes otherwise (`i++`, `n += 2`, an assignment inside a condition): what was known of
   * their values no longer holds.
   */
  updates?: string[];
  /** Of `updates`, those counted up by a positive constant (`n++`, `n += 2`): a value that was 0 or more is positive after. */
  increments?: string[];
  /** Of `updates`, those counted up or down by exactly one (`n++`, `--n`, `n += 1`, `n -= 1`): the step, 1 or -1. */
  steps?: Record<string, 1 | -1>;
  /**
   * A condition over one or two integer variables and numbers, with no call (`up + down > 1`, `depth == 2`): its
   * truth for each combination of the variables' value classes (`VALUE_CLASSES`, the first variable's class varying
   * slowest), null where the class does not decide it. Given where it tells more than the sign of one variable.
   */
  valueTable?: ValueTable;
  /**
   * Variables given whether the process is root (`i_am_root = (0 == getuid());`): `notRoot` when the variable is
   * truthy for a process that is not root. They hold what was true when they were assigned.
   */
  rootCopies?: { variable: string; notRoot: boolean }[];
  /**
   * Variables this node sets to another variable's or field's value (`uid = pw->pw_uid;`): by variable, the one
   * copied. What was known of that value (`if (pw->pw_uid == 0) exit(1);` before) holds for the copy.
   */
  copies?: Record<string, string>;
  /**
   * (cond) A comparison of a variable with one of the process's own ids (`if (gid != getgid())`, `geteuid() ==
   * euid`): which id (`effective`: geteuid()/getegid()), and the branch taken when they are equal (0: the first, 1:
   * the second). There the process has that id already.
   */
  sameIdAs?: { variable: string; branch: 0 | 1; idKind: IdKind; effective: boolean };
  /** Assigned variables whose failure value stays (`ok = ok && setuid(u) == 0;`): a status stored there is kept. */
  accumulates?: string[];
  /** A `switch`: the value of each case (null when not a literal) and the node it starts at. */
  cases?: { value: number | null | 'default'; target: number }[];
  /** Variables this node sets to a constant truth value (`privileged = 1;`). */
  constants?: Record<string, boolean>;
  /**
   * Variables this node sets to a member of a struct the function declares (`o.user = m->login;` for `struct msg
   * *m`), with the struct's type (tag or typedef name) and the member: where the unit defines that member as an
   * array, the value is an address, never NULL (`Project.isArrayMember`).
   */
  memberValues?: { variable: string; type: string; member: string }[];
  /**
   * Structs this node declares with a brace initialiser (`struct opts o = { .wait = 5 };`, `= { 0 }`): C fills every
   * field the initialiser does not name with 0. `named`: the fields' paths it names (`wait`, `peer.port`); `isStatic`:
   * a `static` local, initialised once when the program starts, not each time the declaration is reached.
   */
  zeroFills?: { variable: string; named: string[]; isStatic?: true }[];
  /** Variables this node sets to a numeric constant (`uid_t owner = -1;`, `gid = (gid_t)-1;`). */
  values?: Record<string, number>;
  /** An explicit `break` or `continue`: a deliberate jump out of the code that follows. */
  jump?: 'break' | 'continue';
  /**
   * The head of a loop with a condition and a step (`for (i = 0; i < n; i++)`, `for (p = list; p; p = p->next)`):
   * a walk that ends, whose back edge does not keep a function running (a server's `for (;;)` has no condition).
   */
  loop?: 'counted';
  loc?: SourceLoc;
}

export interface Cfg {
  nodes: CfgNode[];
  entry: number;
  exit: number;
}

/** How a function takes an error message: one string, or a printf-like format and its arguments. */
export type MessageShape = 'message' | 'format';

export interface FunctionModel {
  name: string;
  /** (Node) Unique identity within the project that calls resolve to (`CallEvent.target`); C functions go by name. */
  key?: string;
  /** (Node) A module's top level: Node caches modules, so it runs once, at the first require. */
  runsOnce?: boolean;
  /**
   * (Node) An entry whose program goes on after its top level has run: it starts a server (`listen`) or a timer, and
   * the event loop keeps serving. Reaching the end of the top level is then not the end of the program.
   */
  keepsRunning?: true;
  file: string;
  language: Language;
  loc: SourceLoc;
  /** Visible only in its own file (C `static`). */
  isLocal: boolean;
  params: string[];
  /** (C) The parameters take an error message: `(const char *msg)` ('message') or `(const char *fmt, ...)` ('format'). */
  takesMessage?: MessageShape;
  returnsVoid: boolean;
  /** The program's entry: C `main`, a Node module's top level. */
  isEntry: boolean;
  /** Declared as never returning (noreturn attribute). */
  declaredNoreturn: boolean;
  /** (C) Parameters and locals that hold a connection accepted from a socket (`fd = accept(…)`): reading them is network input. */
  sockets?: string[];
  /** (C) Locals that hold a socket of the machine itself (`socket(AF_NETLINK, …)`, `socket(AF_UNIX, …)`). */
  localSockets?: string[];
  /** (C) Locals (not accepted connections) that the function reads with read()/readv(): a global of the same name is not the one read. */
  localDescriptors?: string[];
  /** (C) Names the function assigns that are none of its parameters or locals: the globals (and file statics) it sets. */
  assignsGlobals?: string[];
  cfg: Cfg;
}

export interface Diagnostic {
  file: string;
  message: string;
  line?: number;
  column?: number;
  level: 'error' | 'warning';
}

export interface MacroModel {
  name: string;
  params: string[];
  body: string;
}

export interface FileModel {
  path: string;
  language: Language;
  functions: FunctionModel[];
  /** Names declared never to return (prototypes with noreturn, macros that end the process). */
  noreturnNames: string[];
  /** Function-like macros (C): the project decides which end the process or test their argument. */
  macros: MacroModel[];
  /** Variables assigned from getuid()/getgid() ('invoker') or geteuid()/getegid() ('saved-effective') in the file. */
  idVariables: Record<string, IdClass>;
  /** (C) Globals assigned a connection accepted from a socket (`clientfd = accept(…)`) in the file. */
  socketGlobals?: string[];
  /** (C) Globals and fields assigned a socket of the machine itself (`daemon->netlinkfd = socket(AF_NETLINK, …)`). */
  localSocketGlobals?: string[];
  diagnostics: Diagnostic[];
}

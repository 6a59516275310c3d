/** Builds the control-flow graph of one C function, with its privilege events. */
import type { Node } from 'web-tree-sitter';
import { EFFECTIVE_ID, NOT_ROOT, SAME_IDS, type Platform, type Cfg, type CfgNode, type IdClass, type IdKind, type NodeKind, type PrivilegeEvent, type ResultUse, type Test } from '../model.js';
import { GraphBuilder, type Branches, type Pending } from '../cfg-builder.js';
import type { CallVocabulary } from '../call-meaning.js';
import { ASSERT_NAMES, classifyCall, isStatusCall } from './calls.js';
import { branchWhenFails, constantNumber, constantTruth, valueTableOf, valueWhen, withNamedConstants } from './conditions.js';
import type { ControlMacro } from './control-macros.js';
import { expandValueMacros, passedThrough, type ValueMacro } from './value-macros.js';
import { signBranches } from '../values.js';
import { numberOf } from './constants.js';
import { unsignedVariables } from './unsigned.js';
import { declaredTypes, type DeclaredTypes } from './declared-types.js';
import { assignsName, callArguments, calleeName, changedName, CHANGING_NODES, declaratorName, locOf, numericValue, unwrap } from './syntax.js';
import { branchCode, chainHead, decidePreprocessorChain, preprocessorChain } from './unix-build.js';

export interface FileContext {
  file: string;
  nextEventId: () => number;
  idVariables: ReadonlyMap<string, IdClass>;
  /** The id variables (`idVariables`) that keep a user id (from getuid() or geteuid()), not a group id. */
  uidVariables?: ReadonlySet<string>;
  passwdUsers?: ReadonlyMap<string, string>;
  numericMacros?: ReadonlyMap<string, number>;
  /** What conditions read names as: the numeric macros, and the file-scope variables nothing sets (c/globals.ts). */
  conditionConstants?: ReadonlyMap<string, number>;
  /** Macros that jump (`ABORT_FINALIZE(e)`, `CHKiRet(f)`, `RETiRet`), defined in the file or its project's headers. */
  controlMacros?: ReadonlyMap<string, ControlMacro>;
  /** Value macros the file can use (value-macros.ts): its own and its project's headers'. */
  valueMacros?: ReadonlyMap<string, ValueMacro>;
  /** The truth of a control macro's condition when its parameter `param` holds `value`; null when unknown. */
  macroCondition?: (macro: ControlMacro, param: string, value: number | boolean) => boolean | null;
  capabilityTexts?: ReadonlyMap<string, string>;
  newUserFlags?: ReadonlySet<string>;
  /** The variables the file declares at file scope with an unsigned type (unsigned.ts). */
  unsignedGlobals?: ReadonlySet<string>;
  /** The parameters and locals of the function built. */
  locals?: ReadonlySet<string>;
  /**
   * The function's locals declared with a cleanup attribute (`__attribute__((cleanup(f)))`, or a macro spelling it):
   * the compiler closes what they hold when their scope ends.
   */
  cleanedUp?: ReadonlySet<string>;
  /** The project's checking wrappers and drop helpers (privlint.json). */
  vocabulary?: CallVocabulary;
  /** Struct members the unit stores its functions in (c/members.ts): a call through one is a call event. */
  memberCalls?: ReadonlySet<string>;
}


type RootKind = 'statement' | 'condition' | 'return';

/** A declaration's variables are assigned where it stands (`int done_setup = 0;` starts a flag as an assignment does). */
function declare(n: CfgNode, declaration: Node): void {
  const inits = statementChildren(declaration).filter((c) => c.type === 'init_declarator');
  n.assigns = inits.map((c) => declaratorName(c.childForFieldName('declarator'))).filter((x): x is string => !!x);
  for (const init of inits) {
    const name = declaratorName(init.childForFieldName('declarator'));
    const value = init.childForFieldName('value');
    const truth = value ? constantTruth(value) : null;
    if (name && truth !== null) (n.constants ??= {})[name] = truth;
    const number = value ? numericConstant(value) : undefined;
    if (name && number !== undefined) (n.values ??= {})[name] = number;
    const declarator = init.childForFieldName('declarator');
    const named = name && declarator?.type === 'identifier' && value?.type === 'initializer_list' ? namedFields(value) : undefined;
    if (named) (n.zeroFills ??= []).push({ variable: name!, named, ...(isStaticDeclaration(declaration) ? { isStatic: true as const } : {}) });
    if (name) recordCopy(n, name, value);
  }
}

/** `uid = pw->pw_uid;`, `uid_t uid = pw->pw_uid;`: the value of another variable or field, copied as it is. */
function recordCopy(n: CfgNode, to: string, value: Node | null): void {
  const from = value && unwrap(value);
  if (from && (from.type === 'identifier' || from.type === 'field_expression') && COPIED_VALUE.test(from.text) && from.text !== to) (n.copies ??= {})[to] = from.text;
}

/**
 * `memset(&ctx, 0, sizeof(ctx))`, `bzero(&ctx, sizeof ctx)`, `explicit_bzero(…)`: the struct is set to zeros, as a
 * brace initialiser naming no field sets it (`CfgNode.zeroFills`), and it is assigned (what was known of it goes).
 */
function zeroFillOf(call: Node, n: CfgNode): void {
  const name = calleeName(call);
  if (name !== 'memset' && name !== 'bzero' && name !== 'explicit_bzero') return;
  const args = callArguments(call);
  if (name === 'memset' && (args.length !== 3 || constantNumber(args[1]!) !== 0)) return;
  const target = args[0] ? unwrap(args[0]) : undefined;
  const operand = target?.type === 'pointer_expression' && target.child(0)?.text === '&' ? target.childForFieldName('argument') : null;
  const variable = operand ? unwrap(operand).text : undefined;
  if (!variable || !/^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$/.test(variable)) return;
  (n.zeroFills ??= []).push({ variable, named: [] });
  n.assigns = [...new Set([...(n.assigns ?? []), variable])];
}

/**
 * The fields a brace initialiser names (`.a = 1`, `.b.c = 2`: `a`, `b.c`), where each of its other elements is a
 * 0 (`{ 0 }`): every field it does not name is then 0. Undefined where a position gives a field another value
 * (`{ 1, 2 }`: which fields is not known here) or an element names an array index.
 */
function namedFields(list: Node): string[] | undefined {
  const named: string[] = [];
  for (const element of statementChildren(list)) {
    if (element.type === 'initializer_pair') {
      const path: string[] = [];
      for (const d of element.childrenForFieldName('designator')) {
        if (d?.type !== 'field_designator') return undefined;
        const field = d.namedChildren.find((c) => c?.type === 'field_identifier')?.text;
        if (!field) return undefined;
        path.push(field);
      }
      if (!path.length) return undefined;
      named.push(path.join('.'));
    } else if (constantNumber(element) !== 0) return undefined;
  }
  return named;
}

function isStaticDeclaration(declaration: Node): boolean {
  return declaration.namedChildren.some((c) => c?.type === 'storage_class_specifier' && c.text === 'static');
}

/** A numeric constant, cast or not: `-1`, `(gid_t)-1` (which parses as a subtraction from a parenthesised name), `0`. */
function numericConstant(value: Node): number | undefined {
  if (/^\(\s*\w+\s*\)\s*-\s*1$/.test(unwrap(value).text)) return -1;
  const v = constantNumber(value);
  return v === null || !Number.isFinite(v) ? undefined : v;
}

/** `false`, `FALSE`: a truth value's failure, not the 0 of a status that means success (`return false;` of a bool function). */
function isFalse(expr: Node): boolean {
  const e = unwrap(expr);
  return e.type === 'false' || e.text === 'false' || e.text === 'FALSE';
}

function isShortCircuit(expr: Node): boolean {
  const e = unwrap(expr);
  if (e.type === 'conditional_expression') return true;
  if (e.type !== 'binary_expression') return false;
  const op = e.childForFieldName('operator')?.text;
  return op === '&&' || op === '||';
}

/** Statements and conditions nested deeper than this are beyond analysis (a generated or hostile file). */
const MAX_NESTING = 400;

function statementChildren(node: Node, skipFields: string[] = []): Node[] {
  const skip = new Set(skipFields.map((f) => node.childForFieldName(f)?.id));
  return node.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment' && !skip.has(c.id));
}

/** `if (flag)`, `if (!flag)`: the condition is the variable itself, used as a boolean. */
function isBareTest(cond: Node, v: Node): boolean {
  let c = unwrap(cond);
  if (c.type === 'unary_expression' && c.child(0)?.text === '!') c = unwrap(c.childForFieldName('argument')!);
  // `x != 0`, `x == NULL`: a comparison with zero tests the truth of x too.
  if (c.type === 'binary_expression' && ['==', '!='].includes(c.child(1)?.text ?? '')) {
    const left = unwrap(c.childForFieldName('left')!);
    const right = unwrap(c.childForFieldName('right')!);
    const isZero = (n: Node): boolean => /^(?:0|NULL|nullptr|\(void \*\)0)$/.test(n.text.trim());
    if (isZero(right)) c = left;
    else if (isZero(left)) c = right;
  }
  return c.id === v.id;
}

/**
 * The flag an option bit is followed as: `opts & OPT_X`, and `ctx->options & OPT_X` as `options & OPT_X` — the
 * field and the mask, so that `ctx.options` in main and `ctx->options` in a helper are one flag.
 */
function maskFlag(value: Node, mask: Node): string {
  const v = unwrap(value);
  const field = v.type === 'field_expression' ? v.childForFieldName('field')?.text : undefined;
  return `${field ?? v.text} & ${mask.text}`.replace(/\s+/g, ' ');
}

/** A condition and whether it is negated: `!(x)` → x, true. */
function withoutNegation(cond: Node): { expr: Node; negated: boolean } {
  const c = unwrap(cond);
  if (c.type === 'unary_expression' && c.child(0)?.text === '!') return { expr: unwrap(c.childForFieldName('argument')!), negated: true };
  return { expr: c, negated: false };
}

/**
 * `gid != getgid()`, `getegid() == pw->pw_gid` (or its negation): the variable compared with the process's own
 * group id, and the branch taken when they are equal.
 */
function sameIdTest(cond: Node): CfgNode['sameIdAs'] {
  const { expr: c, negated } = withoutNegation(cond);
  const op = c.type === 'binary_expression' ? c.child(1)?.text : undefined;
  if (op !== '==' && op !== '!=') return undefined;
  const sides = [c.childForFieldName('left'), c.childForFieldName('right')].map((side) => (side ? unwrap(side) : undefined));
  const at = ownIdRead(sides[0]) ? 0 : ownIdRead(sides[1]) ? 1 : -1;
  const other = at < 0 ? undefined : sides[1 - at];
  if (!other || (other.type !== 'identifier' && other.type !== 'field_expression')) return undefined;
  return { variable: other.text, branch: (op === '==') !== negated ? 0 : 1, ...ownIdRead(sides[at])! };
}

/**
 * `level == FATAL`, `!(mode != 2)`: the condition compares `v` itself with a constant number (a named one counts,
 * as `constantNumber` reads it while the function is built) other than 0 and -1, whose tests the sign and truth
 * fields already tell: the constant, and whether the condition holds when `v` equals it (`Test.equals`).
 */
function equalityWith(cond: Node, v: Node): Test['equals'] {
  const { expr: c, negated } = withoutNegation(cond);
  const op = c.type === 'binary_expression' ? c.child(1)?.text : undefined;
  if (op !== '==' && op !== '!=') return undefined;
  const left = unwrap(c.childForFieldName('left')!);
  const right = unwrap(c.childForFieldName('right')!);
  const other = left.id === v.id ? right : right.id === v.id ? left : undefined;
  const value = other && !hasEffects(other) ? constantNumber(other) : null;
  if (value === null || value === 0 || value === -1) return undefined;
  return { value, holds: (op === '==') !== negated };
}

/** The expression calls, assigns or increments: it is no pure test of values. */
function hasEffects(expr: Node): boolean {
  return expr.descendantsOfType(['call_expression', 'assignment_expression', 'update_expression']).length > 0;
}

/**
 * `if (options & OPT_CHROOT)` (or its negation): the masked expression as a flag of its own, so that two tests of
 * the same option bit take the same branch. An assignment to a variable in it forgets it.
 */
function bitmaskTest(cond: Node): Test | undefined {
  const { expr: c, negated } = withoutNegation(cond);
  if (c.type !== 'binary_expression' || c.child(1)?.text !== '&' || hasEffects(c)) return undefined;
  return { subject: { variable: maskFlag(c.childForFieldName('left')!, c.childForFieldName('right')!) }, whenFails: !negated, whenNull: negated, boolean: true };
}

/**
 * `ok = ok && setuid(u) == 0;`, `failed = failed || setgid(g) != 0;`: the variable is assigned, but a failure it
 * already holds stays in it.
 */
function keepsFailure(assignment: Node): boolean {
  const left = assignment.childForFieldName('left')?.text;
  const right = unwrap(assignment.childForFieldName('right')!);
  if (right.type !== 'binary_expression' || !['&&', '||'].includes(right.child(1)?.text ?? '')) return false;
  return [right.childForFieldName('left'), right.childForFieldName('right')].some((operand) => operand && unwrap(operand).text === left);
}

const COMPLEMENT: Record<string, string> = { '>=': '<', '>': '<=', '!=': '==' };

/** A variable, or a field path of one (`pw->pw_uid`, `o.ids.uid`): a value a plain assignment copies. */
const COPIED_VALUE = /^[A-Za-z_]\w*(?:\s*(?:\.|->)\s*[A-Za-z_]\w*)*$/;

/** One of the process's own ids: which, and whether the effective one. */
interface OwnId {
  idKind: IdKind;
  effective: boolean;
}

/**
 * `getuid()`, `getegid()` (in parentheses or not): a read of one of the process's own ids, with no argument: which
 * id, and whether it is the effective one. The one recogniser of those reads for every test below.
 */
function ownIdRead(n: Node | null | undefined): OwnId | undefined {
  const s = n ? unwrap(n) : undefined;
  if (s?.type !== 'call_expression' || callArguments(s).length !== 0) return undefined;
  const m = /^get(e?)([ug])id$/.exec(calleeName(s) ?? '');
  return m ? { idKind: m[2] === 'u' ? 'uid' : 'gid', effective: m[1] === 'e' } : undefined;
}

/** The canonical text of an own id's read (`getuid()`): one name for the flag, however the call is spaced. */
function ownIdText(read: OwnId): string {
  return `get${read.effective ? 'e' : ''}${read.idKind[0]}id()`;
}

/** `(v = <value>)`, in parentheses or not: the variable `v`, which holds the value after it; else the side itself. */
function assignedVariable(side: Node): Node {
  const s = unwrap(side);
  const target = s.type === 'assignment_expression' && s.child(1)?.text === '=' ? s.childForFieldName('left') : null;
  return target?.type === 'identifier' ? target : side;
}

/**
 * `if (prio < OPRIO_ROOT)` (or `prio >= OPRIO_ROOT`, its negation): a comparison of values, not with 0, as a flag
 * of its own, so that the same comparison tested twice (a drop and its restore under one guard) takes the same
 * branch. Named by its text, in one form for a comparison and its complement; an assignment to a variable in it
 * forgets it.
 */
function comparisonTest(cond: Node): Test | undefined {
  const { expr: c, negated: notted } = withoutNegation(cond);
  let negated = notted;
  const op = c.type === 'binary_expression' ? c.child(1)?.text ?? '' : '';
  if (!['<', '<=', '>', '>=', '==', '!='].includes(op)) return undefined;
  // `(saved = geteuid()) != owner`: the variable is compared once it holds the value, as `saved != owner` is.
  const left = assignedVariable(c.childForFieldName('left')!);
  const right = assignedVariable(c.childForFieldName('right')!);
  // A read of the process's own id (`uid != getuid()`) is a value too: the flag is forgotten where that id changes
  // (`Test.ownId`). Two of them compared are SAME_IDS's.
  const ownId = (side: Node): string | undefined => {
    const read = ownIdRead(side);
    return read && ownIdText(read);
  };
  if ((hasEffects(left) && !ownId(left)) || (hasEffects(right) && !ownId(right)) || (ownId(left) && ownId(right))) return undefined;
  const read = ownIdRead(left) ?? ownIdRead(right);
  // A comparison with 0, NULL or -1 is a test of the variable's value (its sign, its truth): followed as that.
  if ([left, right].some((side) => /^(?:0|NULL|-1|\(\w+\)\s*-1)$/.test(side.text.trim()))) return undefined;
  const complement = COMPLEMENT[op];
  if (complement) negated = !negated;
  const name = `${ownId(left) ?? left.text} ${complement ?? op} ${ownId(right) ?? right.text}`.replace(/\s+/g, ' ');
  const own = read ? { ownId: read } : {};
  return { subject: { variable: name }, whenFails: !negated, whenNull: negated, boolean: true, ...own };
}

/**
 * `pw->pw_uid != geteuid()`, `g == getegid()`: whether a value is the process's effective id, as the pseudo-flag
 * `${EFFECTIVE_ID}<uid|gid>:<value text>` (truthy when it is), so that the failure path of a change to that value can
 * tell where the change had nothing to do.
 */
function effectiveIdTest(cond: Node): Test | undefined {
  if (!/\bgete[ug]id\b/.test(cond.text)) return undefined;
  const { expr: c, negated } = withoutNegation(cond);
  const op = c.type === 'binary_expression' ? c.child(1)?.text : undefined;
  if (op !== '==' && op !== '!=') return undefined;
  const sides = [c.childForFieldName('left'), c.childForFieldName('right')].map((s) => (s ? unwrap(s) : undefined));
  const getter = (s: Node | undefined): IdKind | undefined => {
    const read = ownIdRead(s);
    return read?.effective ? read.idKind : undefined;
  };
  const at = sides.findIndex((s) => getter(s) !== undefined);
  const value = sides[1 - at];
  if (at < 0 || !value || hasEffects(value)) return undefined;
  const trueWhenSame = (op === '==') !== negated;
  return { subject: { variable: `${EFFECTIVE_ID}${getter(sides[at])}:${value.text}` }, whenFails: trueWhenSame, whenNull: !trueWhenSame, boolean: true };
}

/** The option bits a name or an or of names sets: `OPT_A | OPT_B`. */
function maskNames(mask: Node): Node[] {
  const m = unwrap(mask);
  if (m.type === 'binary_expression' && m.child(1)?.text === '|') return [...maskNames(m.childForFieldName('left')!), ...maskNames(m.childForFieldName('right')!)];
  return m.type === 'identifier' ? [m] : [];
}

/** `opts |= OPT_X` sets the option bit's flag, `opts &= ~OPT_X` clears it; other bits stay as they were. */
function maskAssignments(a: Node): [string, boolean][] {
  const op = a.child(1)?.text;
  const left = a.childForFieldName('left');
  let right = a.childForFieldName('right');
  if (!left || !right || (op !== '|=' && op !== '&=')) return [];
  right = unwrap(right);
  if (op === '&=') {
    if (right.type !== 'unary_expression' || right.child(0)?.text !== '~') return [];
    right = right.childForFieldName('argument')!;
  }
  return maskNames(right).map((m) => [maskFlag(left, m), op === '|=']);
}

/** The value an assignment stores when the call fails: -1 (`r = setuid(u)`), 0 (`ok = setuid(u) == 0`), or null. */
function storedFailure(value: Node | null, call: Node): 0 | -1 | null {
  if (!value) return null;
  const v = branchWhenFails(value, call);
  if (unwrap(value).id === call.id) return -1;
  return v === null ? null : v ? -1 : 0;
}

/** The branches of a test of `subject` by its sign (see `signBranches`). */
function signTest(cond: Node, subject: Node, unsigned = false): Pick<Test, 'whenNull' | 'whenPositive'> {
  return signBranches((value) => branchWhenFails(cond, subject, value, unsigned));
}

/** What a call returns when it fails: NULL for the calls that return a pointer, else -1. */
function failureValue(ev: PrivilegeEvent): number {
  return ev.api === 'opendir' || ev.api === 'fdopendir' ? 0 : -1;
}

/** `fd = open(...)`, `int fd = open(...)`, `if ((fd = open(...)) < 0)`: where the call's value is kept. */
function assignedTarget(call: Node): string | undefined {
  let child = call;
  for (let p = call.parent; p; child = p, p = p.parent) {
    if (p.type === 'parenthesized_expression' || p.type === 'cast_expression') continue;
    if (p.type === 'assignment_expression' && p.childForFieldName('right')?.id === child.id) return p.childForFieldName('left')?.text;
    if (p.type === 'init_declarator') return declaratorName(p.childForFieldName('declarator'));
    return undefined;
  }
  return undefined;
}

/** The syntax nodes that change a variable's value: what `collect` keeps of an expression besides its calls. */
const CHANGE_NODES = new Set(['assignment_expression', 'update_expression', 'init_declarator']);

export class FunctionCfgBuilder extends GraphBuilder {
  private readonly labels = new Map<string, number>();
  /** The code being built is compiled only where the system has no setresuid()/setresgid() (`#ifndef HAVE_SETRESUID`). */
  private withoutSetres = false;
  /** The system the code being built is compiled for, inside `#ifdef __APPLE__` and the like. */
  private platform: Platform | undefined;
  private readonly gotos: { label: string; pending: Pending[] }[] = [];
  /** The user-id variables known to hold root in the branch built (`if (real_uid == 0) { … setuid(real_uid); }`). */
  private rootIds: ReadonlySet<string> = new Set();

  constructor(
    private readonly ctx: FileContext,
    /** main's argv and envp parameter names: reading them is reading input. */
    private readonly inputParams: { argv?: string; envp?: string },
  ) {
    super(ctx.file);
  }

  /** The function's variables of an unsigned type (its own and the file's it does not hide). */
  private unsigned: ReadonlySet<string> = new Set();

  /**
   * The function's locals that hold the environment itself (`char **env = environ;`, `for (ev = environ; …)`): the
   * copy reads nothing; walking it, dereferencing it or handing it on does, as for `environ`.
   */
  private environmentCopies: ReadonlySet<string> = new Set();

  /** Where main's argv is first stepped or replaced (`argv++`, `argv += optind`): from there `argv[0]` is an argument. */
  private argvFirstStep = Infinity;

  /** The function's definition, and what it declares its names to be (read when first asked). */
  private definition: Node | null = null;
  private declared?: DeclaredTypes;

  build(body: Node): Cfg {
    this.definition = body.parent;
    if (body.parent) this.unsigned = unsignedVariables(body.parent, this.ctx.unsignedGlobals);
    this.environmentCopies = environmentCopies(body, this.environmentNames(), this.ctx.locals);
    this.argvFirstStep = this.inputParams.argv ? firstStep(body, this.inputParams.argv) : Infinity;
    return withNamedConstants(this.ctx.conditionConstants ?? this.ctx.numericMacros, this.ctx.locals, () => this.buildBody(body));
  }

  private buildBody(body: Node): Cfg {
    const outs = this.statement(body, [{ from: this.entryId, slot: -1 }]);
    this.connect(outs, this.exitId);
    for (const g of this.gotos) {
      const target = this.labels.get(g.label);
      this.connect(g.pending, target ?? this.exitId);
    }
    return { nodes: this.nodes, entry: this.entryId, exit: this.exitId };
  }



  /**
   * `name = pw != NULL ? pw->pw_name : NULL;`: a choice between two values, made by a pure test. Built as the test
   * and one assignment per branch, so that what each branch gives (here a name, or NULL) is known on its path, and a
   * path that knows the test's outcome (`pw` already tested) takes only its own value. Not for values that call or
   * assign (their events keep one node), nor for a choice its constants already decide.
   */
  private conditionalAssignment(statement: Node, expr: Node, ins: Pending[]): Pending[] | undefined {
    if (expr.type !== 'assignment_expression' || expr.child(1)?.text !== '=') return undefined;
    const left = expr.childForFieldName('left');
    const right = expr.childForFieldName('right');
    const choice = right && unwrap(right);
    if (!left || left.type !== 'identifier' || choice?.type !== 'conditional_expression' || hasEffects(choice) || constantTruth(choice) !== null) return undefined;
    const cond = choice.childForFieldName('condition');
    const then = choice.childForFieldName('consequence');
    const otherwise = choice.childForFieldName('alternative');
    if (!cond || !then || !otherwise) return undefined;
    const r = this.condition(cond, ins);
    return ([[then, r.t], [otherwise, r.f]] as const).map(([value, from]) => {
      const n = this.newNode('stmt', statement);
      this.connect(from, n.id);
      this.collect(value, n, 'statement');
      n.assigns = [left.text];
      const truth = constantTruth(value);
      if (truth !== null) (n.constants ??= {})[left.text] = truth;
      return { from: n.id, slot: -1 };
    });
  }

  /** A plain node holding the events of `expr`; returns its out-edge. */
  private simple(ast: Node, ins: Pending[], exprs: Node[], kind: NodeKind = 'stmt'): CfgNode {
    const node = this.newNode(kind, ast);
    this.connect(ins, node.id);
    for (const e of exprs) this.collect(e, node, kind === 'return' ? 'return' : 'statement');
    return node;
  }


  /** How deep statements and conditions nest here: past MAX_NESTING the function is not analysed (the same limit in every thread). */
  private nesting = 0;

  protected statement(node: Node, ins: Pending[]): Pending[] {
    return this.nested(() => this.statementAt(node, ins));
  }

  private nested<T>(build: () => T): T {
    if (++this.nesting > MAX_NESTING) throw new RangeError('nesting too deep');
    try {
      return build();
    } finally {
      this.nesting--;
    }
  }

  private statementAt(node: Node, ins: Pending[]): Pending[] {
    switch (node.type) {
      case 'compound_statement':
        return this.sequence(statementChildren(node), ins);
      case 'expression_statement': {
        const expr = node.namedChildren.find((c) => c !== null && c.type !== 'comment');
        if (!expr) return ins;
        const inner = unwrap(expr);
        const macro = this.controlMacroOf(inner);
        if (macro) return this.controlMacroStatement(inner, macro, ins);
        if (isShortCircuit(inner)) {
          const r = this.condition(inner, ins);
          return [...r.t, ...r.f];
        }
        const chosen = this.conditionalAssignment(node, inner, ins);
        if (chosen) return chosen;
        const n = this.simple(node, ins, [expr]);
        return [{ from: n.id, slot: -1 }];
      }
      case 'declaration': {
        const n = this.simple(node, ins, [node]);
        declare(n, node);
        return [{ from: n.id, slot: -1 }];
      }
      case 'if_statement': {
        const cond = node.childForFieldName('condition')!;
        const r = this.condition(cond, ins);
        const consequence = node.childForFieldName('consequence');
        const alt = node.childForFieldName('alternative');
        const thenOuts = consequence ? this.withRootIds(this.rootIdsOn(cond, true, consequence), () => this.statement(consequence, r.t)) : r.t;
        const elseOuts = alt ? this.withRootIds(this.rootIdsOn(cond, false, alt), () => this.sequence(statementChildren(alt), r.f)) : r.f;
        return [...thenOuts, ...elseOuts];
      }
      case 'while_statement': {
        const cond = node.childForFieldName('condition')!;
        return this.loop(ins, cond, node.childForFieldName('body'), undefined, 'test-first');
      }
      case 'do_statement': {
        const cond = node.childForFieldName('condition')!;
        return this.loop(ins, cond, node.childForFieldName('body'), undefined, 'body-first');
      }
      case 'for_statement': {
        let outs = ins;
        const init = node.childForFieldName('initializer');
        if (init) {
          const n = this.simple(init, outs, [init]);
          // `for (int i = 0; …)`: a new variable, as a declaration statement makes one.
          if (init.type === 'declaration') declare(n, init);
          outs = [{ from: n.id, slot: -1 }];
        }
        return this.loop(outs, node.childForFieldName('condition'), node.childForFieldName('body'), node.childForFieldName('update'), 'test-first');
      }
      case 'switch_statement':
        return this.switchStatement(node, ins);
      case 'return_statement':
        return this.returnStatement(node, ins, node.namedChildren.find((c) => c !== null && c.type !== 'comment') ?? undefined);
      case 'break_statement':
      case 'continue_statement':
        return this.jump(node, node.type === 'break_statement', ins);
      case 'goto_statement': {
        const label = node.childForFieldName('label')?.text ?? '';
        this.gotos.push({ label, pending: ins });
        return [];
      }
      case 'labeled_statement': {
        const label = node.childForFieldName('label')?.text ?? '';
        const here = this.newNode('stmt', node);
        this.connect(ins, here.id);
        this.labels.set(label, here.id);
        return this.sequence(statementChildren(node, ['label']), [{ from: here.id, slot: -1 }]);
      }
      case 'preproc_if':
      case 'preproc_ifdef':
      case 'preproc_elif':
      case 'preproc_elifdef':
      case 'preproc_else':
        return this.preprocessorAlternatives(node, ins);
      case 'comment':
      case 'preproc_include':
      case 'preproc_def':
      case 'preproc_function_def':
      case 'preproc_call':
      case ';':
      // A function defined inside another (a GCC nested function, or a parse an unbalanced #if wrecked so that a
      // function seems to hold the ones after it) is a function of its own, modelled apart: not statements of this one.
      case 'function_definition':
        return ins;
      default: {
        const n = this.simple(node, ins, [node]);
        return [{ from: n.id, slot: -1 }];
      }
    }
  }

  /** `return expr;` (or a macro that is one): a return node, and what it says of the value returned. */
  private returnStatement(node: Node, ins: Pending[], expr: Node | undefined): Pending[] {
    const n = this.simple(node, ins, expr ? [expr] : [], 'return');
    n.returnsValue = !!expr;
    const value = expr ? constantNumber(expr) : null;
    if ((value !== null && value < 0) || (expr && isFalse(expr))) n.returnsFailure = true;
    const kept = value === null && expr ? this.constantLocal(expr) : null;
    if (value !== null || kept !== null) n.returnsConstant = (value ?? kept)!;
    if (expr) n.returnedVariables = [expr, ...expr.descendantsOfType('identifier')].filter((i): i is Node => i?.type === 'identifier').map((i) => i.text);
    if (expr && unwrap(expr).type === 'identifier') n.returnsVariable = unwrap(expr).text;
    this.connect([{ from: n.id, slot: -1 }], this.exitId);
    return [];
  }

  /**
   * `return result;` where the local `result` is set once, to a constant, and never changed or lent (`int result =
   * 0;` … `return result;`): that constant. Null otherwise.
   */
  private constantLocal(expr: Node): number | null {
    const v = unwrap(expr);
    if (v.type !== 'identifier' || !this.definition || !this.ctx.locals?.has(v.text)) return null;
    const constants = (this.localConstants ??= localsSetOnceToConstants(this.definition));
    return constants.get(v.text) ?? null;
  }

  private localConstants: Map<string, number> | undefined;

  /**
   * `#if/#ifdef/#elif/#else` inside a body: each branch a Unix build compiles is an alternative path (not a
   * Windows-only branch, nor the empty fallback of a feature test: see unix-build.ts).
   */
  private preprocessorAlternatives(node: Node, ins: Pending[]): Pending[] {
    const branch = branchCode(node);
    const alt = node.childForFieldName('alternative');
    const chain = preprocessorChain(chainHead(node));
    const decision = decidePreprocessorChain(chain);
    const at = chain.findIndex((b) => b.id === node.id);
    // Later branches, or the implicit empty `#else`, that a Unix build can compile are paths too.
    const both = decision.compiled[at] && (decision.compiled.slice(at + 1).some(Boolean) || decision.implicitElse);
    // `#ifdef X … #else … #endif` (or `#ifndef X`, `#if defined(X)`, `#if !defined(X)`) where both sides are built:
    // whether X is defined is one choice of the build, the same at each such test in the file. A condition on the
    // pseudo-variable `$defined:X`, so that no path combines `#ifdef X` code with `#ifndef X` code.
    // `#if X` … `#if X` (or `#if !X`): whether the macro's value is non-zero is one choice of the build too (`$if:X`).
    const defined = both ? definednessTest(node) : undefined;
    const valued = both && !defined ? macroValueTest(node) : undefined;
    const macro = defined ?? valued;
    const fork = this.newNode(macro ? 'cond' : 'branch', node);
    this.connect(ins, fork.id);
    if (macro) fork.tests = [{ subject: { variable: `${defined ? '$defined:' : '$if:'}${macro.name}` }, whenFails: !macro.negated, whenNull: macro.negated, boolean: true }];
    const start = [{ from: fork.id, slot: macro ? 0 : -1 }];
    const otherwise = [{ from: fork.id, slot: macro ? 1 : -1 }];
    const outer = this.platform;
    const outerWithoutSetres = this.withoutSetres;
    const tested = platformTested(node);
    const setres = setresFeatureTested(node);
    const inside = <T>(platform: Platform | undefined, withoutSetres: boolean, build: () => T): T => {
      this.platform = platform ?? outer;
      this.withoutSetres = withoutSetres || outerWithoutSetres;
      try {
        return build();
      } finally {
        this.platform = outer;
        this.withoutSetres = outerWithoutSetres;
      }
    };
    // `#ifdef __APPLE__`: the body is macOS code; `#ifndef __APPLE__`: the alternatives are. `#ifdef HAVE_SETRESUID`:
    // the alternatives are compiled where the system has no setresuid(); `#ifndef HAVE_SETRESUID`: the body is.
    const elsewhere = (): Pending[] => (alt ? inside(tested?.negated ? tested.platform : undefined, setres?.negated === false, () => this.statement(alt, otherwise)) : decision.implicitElse ? otherwise : []);
    if (!decision.compiled[at]) return elsewhere();
    const outs = inside(tested && !tested.negated ? tested.platform : undefined, setres?.negated === true, () => this.sequence(branch, start));
    if (both) return [...outs, ...elsewhere()];
    return outs;
  }

  /** The control-flow macro a statement invokes (`ABORT_FINALIZE(RS_RET_ERR);`, `RETiRet;`), if it is one. */
  private controlMacroOf(expr: Node): ControlMacro | undefined {
    const macros = this.ctx.controlMacros;
    if (!macros?.size) return undefined;
    if (expr.type === 'identifier') {
      const m = macros.get(expr.text);
      return m && m.params === undefined ? m : undefined;
    }
    if (expr.type !== 'call_expression') return undefined;
    const m = macros.get(calleeName(expr) ?? '');
    if (!m?.params) return undefined;
    // A variadic macro (`msg(flags, ...)`) takes at least its named parameters.
    const count = callArguments(expr).length;
    const variadic = m.params.at(-1)?.endsWith('...') === true;
    return (variadic ? count >= m.params.length - 1 : count === m.params.length) ? m : undefined;
  }

  /**
   * A statement that invokes a control-flow macro: the jump it makes, always or when its condition holds. The
   * condition's node holds the events of the macro's arguments (`CHKiRet(drop(u))` tests drop's result).
   */
  private controlMacroStatement(invocation: Node, macro: ControlMacro, ins: Pending[]): Pending[] {
    const args = macro.params ? callArguments(invocation) : [];
    const jump = macro.jump;
    // `MAIN_RETURN(rc);` with `#define MAIN_RETURN(x) return (x)`: a return of what is passed.
    const returned = jump.kind === 'return' && jump.value !== undefined ? macroOperand(jump.value, macro, args) : undefined;
    if (macro.condition === undefined && !macro.assignments.length && returned !== undefined && typeof returned !== 'number') return this.returnStatement(invocation, ins, returned);
    let jumpFrom: Pending[];
    let outs: Pending[] = [];
    // `EXIT_FATAL(M_ERR)` = `if ((flags) & M_FATAL) _exit(1)` with M_ERR a constant that has the bit: decided here.
    const decided = this.constantMacroCondition(macro, args);
    if (decided === false) return [{ from: this.simple(invocation, ins, args).id, slot: -1 }];
    if (macro.condition !== undefined && decided === undefined) {
      const cond = this.newNode('cond', invocation);
      this.connect(ins, cond.id);
      for (const arg of args) this.collect(arg, cond, 'condition');
      cond.tests = this.macroTests(macro, args, cond);
      this.macroConditionAssignments(macro, args, cond);
      jumpFrom = [{ from: cond.id, slot: 0 }];
      outs = [{ from: cond.id, slot: 1 }];
    } else {
      jumpFrom = [{ from: this.simple(invocation, ins, args).id, slot: -1 }];
    }
    if (macro.assignments.length) {
      const assign = this.newNode('stmt', invocation);
      this.connect(jumpFrom, assign.id);
      assign.assigns = macro.assignments.map((a) => a.variable);
      for (const a of macro.assignments) {
        const operand = macroOperand(a.value, macro, args);
        const truth = typeof operand === 'number' ? operand !== 0 : operand ? constantTruth(operand) : null;
        if (truth !== null) (assign.constants ??= {})[a.variable] = truth;
      }
      jumpFrom = [{ from: assign.id, slot: -1 }];
    }
    if (jump.kind === 'dies') {
      // `CHECK_RES_DIE(res, "chroot");` = `if (res == -1) { perror(…); exit(1); }`: the call that ends the process, made
      // at the invocation (an argument that is one of the macro's parameters stands for what was passed).
      const death = this.newNode('stmt', invocation);
      this.connect(jumpFrom, death.id);
      const args = jump.args.map((a) => {
        const passed = macroOperand(a, macro, callArguments(invocation));
        const text = typeof passed === 'number' ? String(passed) : passed ? passed.text : a;
        const value = typeof passed === 'number' ? passed : passed ? constantNumber(passed) : /^-?\d+$/.test(a) ? Number(a) : null;
        return { text, id: 'other' as const, ...(value !== null ? { value } : {}) };
      });
      death.events.push({ id: this.ctx.nextEventId(), kind: 'call', api: jump.callee, callee: jump.callee, text: invocation.text, loc: locOf(this.ctx.file, invocation), args });
      return [...outs, { from: death.id, slot: -1 }];
    }
    if (jump.kind === 'goto') this.gotos.push({ label: jump.label, pending: jumpFrom });
    else if (jump.kind === 'break' || jump.kind === 'continue') return [...outs, ...this.jump(invocation, jump.kind === 'break', jumpFrom)];
    else {
      const ret = this.newNode('return', invocation);
      this.connect(jumpFrom, ret.id);
      ret.returnsValue = jump.value !== undefined;
      if (jump.value !== undefined) {
        const value = typeof returned === 'number' ? returned : returned ? constantNumber(returned) : null;
        if (value !== null && value < 0) ret.returnsFailure = true;
        if (value !== null) ret.returnsConstant = value;
        ret.returnedVariables = macroIdentifiers(jump.value, macro, args);
      }
      this.connect([{ from: ret.id, slot: -1 }], this.exitId);
    }
    return outs;
  }

  /**
   * The truth of a control macro's condition where the one parameter it names is passed a constant (`EXIT_FATAL(M_ERR)`
   * with `#define M_ERR (M_FATAL | M_ERRNO)`); undefined when it depends on anything else.
   */
  private constantMacroCondition(macro: ControlMacro, args: Node[]): boolean | undefined {
    const truth = this.ctx.macroCondition;
    if (macro.condition === undefined || !macro.params || !truth || macro.conditionAssignments?.length) return undefined;
    const named = macro.params.flatMap((p, i) => (/^[A-Za-z_]\w*$/.test(p) && new RegExp(`\\b${p}\\b`).test(macro.condition!) ? [i] : []));
    if (named.length !== 1) return undefined;
    const arg = args[named[0]!];
    const value = arg ? constantNumber(arg) : null;
    if (value === null) return undefined;
    const param = macro.params[named[0]!]!;
    // Arithmetic on the value (`(flags) & M_FATAL`), which conditions in the code do not evaluate, first.
    const folded = numberOf(macro.condition.replace(new RegExp(`\\b${param}\\b`, 'g'), `(${value})`), this.ctx.conditionConstants ?? this.ctx.numericMacros ?? new Map());
    if (folded !== undefined) return folded !== 0;
    return truth(macro, param, value) ?? undefined;
  }

  /**
   * A control macro whose condition stores what is passed to it (`CHKiRet(f)` = `if ((iRet = (f)) != RS_RET_OK)
   * goto finalize_it`), as the same condition written out does: the variable is assigned there, holds the result
   * of the calls passed (tested again later, at the label the macro jumps to), and is tested by the condition.
   */
  private macroConditionAssignments(macro: ControlMacro, args: Node[], node: CfgNode): void {
    const truth = this.ctx.macroCondition;
    for (const a of macro.conditionAssignments ?? []) {
      node.assigns = [...new Set([...(node.assigns ?? []), a.variable])];
      node.updates = [...new Set([...(node.updates ?? []), a.variable])];
      const operand = macroOperand(a.value, macro, args);
      if (!operand || typeof operand === 'number') continue;
      for (const ev of node.events) {
        const call = this.callNodes.get(ev.id);
        if (ev.result?.kind === 'tested' && ev.result.node === node.id && call && unwrap(operand).id === call.id) ev.result.variable = a.variable;
      }
      const param = macro.params?.[args.findIndex((arg) => arg.id === operand.id)];
      if (truth && param !== undefined) (node.tests ??= []).push({ subject: { variable: a.variable }, whenFails: truth(macro, param, -1), whenNull: truth(macro, param, 0) });
    }
  }

  /** How a control macro's condition tests the calls and variables passed to it. */
  private macroTests(macro: ControlMacro, args: Node[], node: CfgNode): Test[] {
    const truth = this.ctx.macroCondition;
    if (!truth || !macro.params) return [];
    const tests: Test[] = [];
    args.forEach((arg, i) => {
      const param = macro.params![i]!;
      for (const ev of node.events) {
        const call = this.callNodes.get(ev.id);
        if (ev.result?.kind !== 'tested' || ev.result.node !== node.id || !call || call.startIndex < arg.startIndex || call.endIndex > arg.endIndex) continue;
        const value = valueWhen(arg, call, failureValue(ev));
        tests.push({ subject: { event: ev.id }, whenFails: value === null ? null : truth(macro, param, value) });
      }
      const v = unwrap(arg);
      if (v.type === 'identifier' || v.type === 'field_expression') {
        tests.push({ subject: { variable: v.text }, whenFails: truth(macro, param, -1), whenNull: truth(macro, param, 0) });
      }
    });
    return tests;
  }

  protected constantTruth(cond: Node): boolean | null {
    return constantTruth(cond);
  }

  protected updateStep(update: Node, ins: Pending[]): Pending[] {
    return [{ from: this.simple(update, ins, [update]).id, slot: -1 }];
  }

  private switchStatement(node: Node, ins: Pending[]): Pending[] {
    const cond = node.childForFieldName('condition');
    const sw = this.newNode('branch', node);
    this.connect(ins, sw.id);
    if (cond) {
      this.collect(cond, sw, 'condition');
      sw.tests = this.testsOf(cond, sw);
    }
    sw.cases = [];
    this.breaks.push([]);
    this.breakKinds.push('switch');
    let fallthrough: Pending[] = [];
    let hasDefault = false;
    const body = node.childForFieldName('body');
    for (const c of body ? statementChildren(body) : []) {
      if (c.type !== 'case_statement') {
        fallthrough = this.statement(c, fallthrough);
        continue;
      }
      const value = c.childForFieldName('value');
      if (!value) hasDefault = true;
      const label = this.newNode('stmt', c);
      this.connect([...fallthrough, { from: sw.id, slot: -1 }], label.id);
      sw.cases.push({ value: value ? (numericValue(value) ?? null) : 'default', target: label.id });
      fallthrough = this.sequence(statementChildren(c, ['value']), [{ from: label.id, slot: -1 }]);
    }
    this.breakKinds.pop();
    const outs = [...fallthrough, ...this.breaks.pop()!];
    if (!hasDefault) {
      const after = this.newNode('stmt');
      this.connect([{ from: sw.id, slot: -1 }], after.id);
      sw.cases.push({ value: 'default', target: after.id });
      outs.push({ from: after.id, slot: -1 });
    }
    return outs;
  }

  /** Short-circuit evaluation: each operand of && / || / ?: is a condition node of its own. */
  protected condition(expr: Node, ins: Pending[]): Branches {
    return this.nested(() => this.conditionAt(expr, ins));
  }

  private conditionAt(expr: Node, ins: Pending[]): Branches {
    const inner = expr.type === 'parenthesized_expression' ? expr.namedChildren.filter((c) => c !== null && c.type !== 'comment') : [];
    const e = inner.length === 1 ? inner[0]! : expr;
    if (e !== expr && e.type === 'parenthesized_expression') return this.condition(e, ins);
    // `if (nxt_slow_path(ret != NXT_OK))`, `if (unlikely(a && b))`: a branch hint's condition is its argument's.
    const hinted = e.type === 'call_expression' ? passedThrough(calleeName(e) ?? '', this.ctx.valueMacros) : undefined;
    const argument = hinted === undefined ? undefined : callArguments(e)[hinted];
    if (argument && !callArguments(e).some((a) => a.id !== argument.id && hasEffects(a))) return this.condition(argument, ins);
    const short = this.shortCircuit(e, ins, 'conditional_expression', isShortCircuit);
    if (short) return short;
    if (e.type === 'comma_expression') {
      const left = e.childForFieldName('left')!;
      const n = this.simple(left, ins, [left]);
      return this.condition(e.childForFieldName('right')!, [{ from: n.id, slot: -1 }]);
    }
    // A condition of constants alone (`if (!lenient)` where nothing ever sets `lenient`, `if (USE_X)`) always goes
    // the same way: the other branch is never taken.
    if (!hasEffects(e)) {
      const truth = this.constantTruth(e);
      if (truth !== null) return truth ? { t: ins, f: [] } : { t: [], f: ins };
    }
    const node = this.newNode('cond', e);
    this.connect(ins, node.id);
    this.collect(e, node, 'condition');
    node.tests = this.testsOf(e, node);
    const sameId = sameIdTest(e);
    if (sameId) node.sameIdAs = sameId;
    return { t: [{ from: node.id, slot: 0 }], f: [{ from: node.id, slot: 1 }] };
  }

  private testsOf(cond: Node, node: CfgNode): Test[] {
    const tests: Test[] = [];
    for (const ev of node.events) {
      if (ev.result?.kind === 'tested' && ev.result.node === node.id) {
        const call = this.callNodes.get(ev.id);
        if (call) tests.push({ subject: { event: ev.id }, whenFails: branchWhenFails(cond, call, failureValue(ev)), ...signTest(cond, call) });
      }
    }
    const rootTest = this.rootTestOf(cond);
    if (rootTest) tests.push(rootTest);
    const sameIds = this.sameIdsTestOf(cond);
    if (sameIds) tests.push(sameIds);
    const effectiveId = effectiveIdTest(cond);
    if (effectiveId) tests.push(effectiveId);
    const subjects = [cond, ...cond.descendantsOfType(['identifier', 'field_expression']).filter((n): n is Node => n !== null)];
    for (const v of subjects) {
      if (v.type !== 'identifier' && v.type !== 'field_expression') continue;
      if (v.parent?.type === 'call_expression' && v.parent.childForFieldName('function')?.id === v.id) continue;
      // An unsigned variable is never negative: `depth > 0` is `depth != 0`.
      const unsigned = v.type === 'identifier' && this.unsigned.has(v.text);
      const test: Test = { subject: { variable: v.text }, whenFails: branchWhenFails(cond, v, -1, unsigned), ...signTest(cond, v, unsigned) };
      if (isBareTest(cond, v)) test.boolean = true;
      const equals = equalityWith(cond, v);
      if (equals) test.equals = equals;
      tests.push(test);
    }
    const mask = bitmaskTest(cond);
    if (mask) tests.push(mask);
    const comparison = comparisonTest(cond);
    if (comparison) tests.push(comparison);
    const viaMacro = this.valueMacroTest(cond);
    if (viaMacro) tests.push(viaMacro);
    const table = valueTableOf(cond, this.unsigned);
    if (table) node.valueTable = table;
    return tests;
  }

  /**
   * `if (SC_SPECIFIED(scp, A_USER))` (or its negation), a value macro invoked with arguments that change nothing: its
   * expansion as a flag of its own, so that the same macro asked the same twice takes the same branch (a group drop
   * under `if (SPECIFIED(c, GROUP) || SPECIFIED(c, USER))`, the user drop under `if (SPECIFIED(c, USER))`). An
   * assignment to a variable or field the expansion names forgets it.
   */
  private valueMacroTest(cond: Node): Test | undefined {
    const macros = this.ctx.valueMacros;
    if (!macros?.size) return undefined;
    const { expr: c, negated } = withoutNegation(cond);
    if (c.type !== 'call_expression' || !macros.has(calleeName(c) ?? '') || callArguments(c).some(hasEffects)) return undefined;
    const expanded = expandValueMacros(c.text, macros);
    return expanded === undefined ? undefined : { subject: { variable: `$value: ${expanded}` }, whenFails: !negated, whenNull: negated, boolean: true };
  }

  /**
   * `geteuid() == 0`, `saved_euid != 0`, `getuid()`: a test of whether the process is root, as the pseudo-flag
   * NOT_ROOT (truthy when the process is not root), so that paths taken only when not root are told apart.
   */
  private rootTestOf(cond: Node): Test | undefined {
    const text = cond.text;
    const mayTestRoot = /\bgete?uid\b/.test(text) || [...this.ctx.idVariables].some(([name, cls]) => cls === 'saved-effective' && text.includes(name));
    if (!mayTestRoot) return undefined;
    const probes = [cond, ...cond.descendantsOfType(['call_expression', 'identifier']).filter((n): n is Node => n !== null)];
    for (const p of probes) {
      const read = p.type === 'call_expression' ? ownIdRead(p) : undefined;
      const isIdCall = read?.idKind === 'uid';
      const isIdVariable = p.type === 'identifier' && this.ctx.idVariables.get(p.text) === 'saved-effective';
      if (!isIdCall && !isIdVariable) continue;
      const whenRoot = branchWhenFails(cond, p, 0);
      const whenNotRoot = branchWhenFails(cond, p, 1000);
      if (whenRoot === null || whenNotRoot === null || whenRoot === whenNotRoot) continue;
      const effective = isIdVariable || read?.effective === true;
      return { subject: { variable: NOT_ROOT }, whenFails: whenNotRoot, whenNull: whenRoot, boolean: true, ...(effective ? { effective: true as const } : {}) };
    }
    return undefined;
  }

  /**
   * The user-id variables (`uidVariables`) a branch of `cond` proves root: the branch is taken when the variable is 0
   * and not when it is 1, 1000 or 65534 (`real_uid == 0`, `!ruid`, `real_uid != ROOT_UID` for the other branch), and
   * the branch's code does not assign it. A set-id call there to such a variable (`setuid(real_uid)`) sets root.
   */
  private rootIdsOn(cond: Node, taken: boolean, branch: Node): ReadonlySet<string> {
    const names = this.ctx.uidVariables;
    if (!names?.size) return this.rootIds;
    let out: Set<string> | undefined;
    for (const v of cond.descendantsOfType('identifier')) {
      if (!v || !names.has(v.text) || out?.has(v.text) || this.rootIds.has(v.text)) continue;
      if (branchWhenFails(cond, v, 0) !== taken || [1, 1000, 65534].some((other) => branchWhenFails(cond, v, other) !== !taken)) continue;
      if (assignsName(branch, v.text)) continue;
      (out ??= new Set(this.rootIds)).add(v.text);
    }
    return out ?? this.rootIds;
  }

  private withRootIds<T>(ids: ReadonlySet<string>, build: () => T): T {
    const outer = this.rootIds;
    this.rootIds = ids;
    try {
      return build();
    } finally {
      this.rootIds = outer;
    }
  }

  /**
   * `getuid() != geteuid()`, `ruid == geteuid()` (ruid kept from getuid()): whether the real and the effective uid
   * are the same, as the pseudo-flag SAME_IDS, so that a set-user-ID drop made only while they differ is not made
   * again, after itself, when the code runs a second time.
   */
  private sameIdsTestOf(cond: Node): Test | undefined {
    if (!/\bgeteuid\b/.test(cond.text)) return undefined;
    let e = unwrap(cond);
    let negated = false;
    while (e.type === 'unary_expression' && e.childForFieldName('operator')?.text === '!' && e.childForFieldName('argument')) {
      negated = !negated;
      e = unwrap(e.childForFieldName('argument')!);
    }
    if (e.type !== 'binary_expression') return undefined;
    const op = e.childForFieldName('operator')?.text;
    if (op !== '==' && op !== '!=') return undefined;
    const [a, b] = [e.childForFieldName('left'), e.childForFieldName('right')].map((s) => (s ? unwrap(s) : undefined));
    const uidRead = (s: Node | undefined, effective: boolean): boolean => {
      const read = ownIdRead(s);
      return read?.idKind === 'uid' && read.effective === effective;
    };
    const real = (s: Node | undefined): boolean => uidRead(s, false) || (s?.type === 'identifier' && this.ctx.idVariables.get(s.text) === 'invoker');
    const effective = (s: Node | undefined): boolean => uidRead(s, true);
    if (!((real(a) && effective(b)) || (real(b) && effective(a)))) return undefined;
    const trueWhenSame = (op === '==') !== negated;
    return { subject: { variable: SAME_IDS }, whenFails: trueWhenSame, whenNull: !trueWhenSame, boolean: true };
  }

  private readonly callNodes = new Map<number, Node>();

  /**
   * `i_am_root = (0 == getuid());`, `int was_root = !geteuid();`: variables that keep whether the process is root.
   * `changes`: the expression's assignments and initialisations, in document order.
   */
  private rootCopies(expr: Node, node: CfgNode, changes: readonly Node[]): void {
    if (!/\bgete?uid\b/.test(expr.text)) return;
    for (const d of changes) {
      if (d.type !== 'assignment_expression' && d.type !== 'init_declarator') continue;
      const isAssignment = d.type === 'assignment_expression';
      if (isAssignment && d.child(1)?.text !== '=') continue;
      const value = d.childForFieldName(isAssignment ? 'right' : 'value');
      const name = isAssignment ? d.childForFieldName('left')?.text : declaratorName(d.childForFieldName('declarator'));
      // A comparison or a negation: the id itself (`saved = geteuid()`) is an id variable, followed as one.
      const v = value && unwrap(value);
      if (!v || !name || (v.type !== 'binary_expression' && v.type !== 'unary_expression')) continue;
      const test = this.rootTestOf(v);
      if (test && typeof test.whenFails === 'boolean') (node.rootCopies ??= []).push({ variable: name, notRoot: test.whenFails });
    }
  }

  /** Collect the events of an expression (post-order: arguments before the call) into `node`. */
  private collect(expr: Node, node: CfgNode, root: RootKind): void {
    // Every assignment operator has an `=` in it, every update `++` or `--`: an expression without them has none.
    const text = expr.text;
    const assigns = text.includes('=');
    const mayChange = assigns || text.includes('++') || text.includes('--');
    // One cursor walk: syntax nodes are made only for calls, for the identifiers that can be input (argv, envp,
    // environ), and for the assignments, updates and initialisations (in document order), not for every node.
    const changes: Node[] = [];
    const cursor = expr.walk();
    const inputNames = new Set([this.inputParams.argv, ...this.environmentNames(), ...this.environmentCopies].filter((n): n is string => !!n));
    const inputLengths = new Set([...inputNames].map((n) => n.length));
    const visit = (ownCode: boolean): void => {
      const type = cursor.nodeType;
      // The calls of a function defined inside this code (in a part the parser could not read) are its own.
      const own = ownCode && type !== 'function_definition';
      if (mayChange && CHANGE_NODES.has(type)) changes.push(cursor.currentNode);
      if (cursor.gotoFirstChild()) {
        do if (cursor.nodeIsNamed) visit(own);
        while (cursor.gotoNextSibling());
        cursor.gotoParent();
      }
      if (!own) return;
      if (type === 'call_expression') {
        zeroFillOf(cursor.currentNode, node);
        this.addCall(cursor.currentNode, expr, node, root);
      }
      else if (type === 'identifier' && inputLengths.has(cursor.endIndex - cursor.startIndex) && inputNames.has(cursor.nodeText)) this.addInputReference(cursor.currentNode, node);
    };
    try {
      visit(true);
    } finally {
      cursor.delete();
    }
    if (!mayChange) return;
    const assignments = changes.filter((a) => a.type === 'assignment_expression');
    if (node.kind !== 'cond' && assigns) {
      for (const a of assignments) for (const [flag, value] of maskAssignments(a)) (node.constants ??= {})[flag] = value;
      this.rootCopies(expr, node, changes);
    }
    // `i++`, `n += 2`, and any assignment made inside a condition: the variable's value changes.
    // Bit masks set or cleared (`opts |= OPT_X`) are followed bit by bit, as constants: not forgotten whole.
    const updated = changes.filter((a) => a.type === 'update_expression' || (a.type === 'assignment_expression' && (node.kind === 'cond' || a.child(1)?.text !== '=') && !maskAssignments(a).length));
    const names = updated.map((a) => unwrap((a.type === 'update_expression' ? a.childForFieldName('argument') : a.childForFieldName('left')) ?? a).text);
    if (names.length) node.updates = [...new Set([...(node.updates ?? []), ...names])];
    // `n++`, `++n`, `n += 1`: a count that only grows (`if (setgroups(0, NULL) != 0) nerrs++;`).
    const counted = updated.filter((a) => (a.type === 'update_expression' ? a.child(0)?.text === '++' || a.child(1)?.text === '++' : a.child(1)?.text === '+=' && /^[1-9]\d*$/.test(a.childForFieldName('right')?.text ?? '')));
    const increments = counted.map((a) => unwrap((a.type === 'update_expression' ? a.childForFieldName('argument') : a.childForFieldName('left')) ?? a).text);
    if (increments.length) node.increments = [...new Set([...(node.increments ?? []), ...increments])];
    // `n++`, `--n`, `n += 1`, `n -= 1`: a count that moves by one (a nesting counter's exact value follows).
    const steps = new Map<string, 1 | -1 | 0>();
    for (const a of updated) {
      const op = a.type === 'update_expression' ? (a.child(0)?.text === '++' || a.child(1)?.text === '++' ? 1 : -1) : a.childForFieldName('right')?.text.trim() === '1' ? (a.child(1)?.text === '+=' ? 1 : a.child(1)?.text === '-=' ? -1 : 0) : 0;
      const target = unwrap((a.type === 'update_expression' ? a.childForFieldName('argument') : a.childForFieldName('left')) ?? a);
      // Changed twice in one expression, or otherwise: no single step.
      steps.set(target.text, steps.has(target.text) || target.type !== 'identifier' ? 0 : op);
    }
    for (const [v, k] of steps) if (k) (node.steps ??= {})[v] = k;
    // A condition assigns too (`if (!(pw = getpwnam(u)))`, `while ((n = read(…)) > 0)`): what the variable held
    // before is forgotten there, and the condition's own test of it tells the branches apart.
    if (!node.assigns && assigns) {
      const plain = assignments.filter((a) => a.child(1)?.text === '=');
      const assigned = plain.map((a) => a.childForFieldName('left')?.text).filter((x): x is string => !!x);
      if (assigned.length) node.assigns = assigned;
      const kept = plain.filter(keepsFailure).map((a) => a.childForFieldName('left')!.text);
      if (kept.length) node.accumulates = kept;
      for (const a of plain) {
        const right = a.childForFieldName('right');
        const value = right ? constantTruth(right) : null;
        if (value !== null) (node.constants ??= {})[a.childForFieldName('left')!.text] = value;
        const number = right ? numericConstant(right) : undefined;
        if (number !== undefined) (node.values ??= {})[a.childForFieldName('left')!.text] = number;
        if (right && value === null) this.addressValue(a.childForFieldName('left')!.text, right, node);
        recordCopy(node, a.childForFieldName('left')!.text, right);
      }
    }
  }

  /**
   * `o.user = buf;` for a local array `buf`: an address, never NULL. `o.user = m->login;` for `struct msg *m`: the
   * member's type and name are kept (`memberValues`), for the unit's struct definitions to tell whether it is an array.
   */
  private addressValue(variable: string, right: Node, node: CfgNode): void {
    const value = unwrap(right);
    const object = value.type === 'field_expression' ? value.childForFieldName('argument') : null;
    const base = object ? unwrap(object) : value;
    if (base.type !== 'identifier' || !this.definition) return;
    this.declared ??= declaredTypes(this.definition);
    if (!object) {
      if (this.declared.arrays.has(base.text)) (node.constants ??= {})[variable] = true;
      return;
    }
    const type = this.declared.structs.get(base.text);
    const member = value.childForFieldName('field')?.text;
    if (type && member) (node.memberValues ??= []).push({ variable, type, member });
  }

  /** The names the environment itself goes by in this function: `environ`, and main's envp parameter. */
  private environmentNames(): string[] {
    return this.inputParams.envp ? ['environ', this.inputParams.envp] : ['environ'];
  }

  private addInputReference(id: Node, node: CfgNode): void {
    const name = id.text;
    // The program's name (`argv[0]` before any step) is not input; the step itself (`argv++`) reads nothing.
    const programName = id.parent?.type === 'subscript_expression' && id.parent.childForFieldName('index')?.text === '0' && id.startIndex < this.argvFirstStep;
    const isArgv = name === this.inputParams.argv && !programName && !isPointerStep(id);
    const isEnv = name === 'environ' || name === this.inputParams.envp || this.environmentCopies.has(name);
    if (!isArgv && !isEnv) return;
    if (id.parent?.type === 'parameter_declaration') return;
    // The environment's pointer copied into a local that holds it, stepped (`ev++`), or replaced (`environ = clean;`)
    // reads none of it.
    if (!isArgv && !readsEnvironment(id, this.environmentCopies)) return;
    node.events.push({
      kind: 'input', id: this.ctx.nextEventId(), api: name, text: id.parent?.text ?? name,
      loc: locOf(this.ctx.file, id), source: isArgv ? 'argv' : 'environment',
    });
  }

  private addCall(call: Node, root: Node, node: CfgNode, rootKind: RootKind): void {
    const use = this.resultUse(call, root, rootKind, node);
    const storedInto = assignedTarget(call);
    const classified = classifyCall(call, { idVariables: this.ctx.idVariables, rootIds: this.rootIds, storedInto, passwdUsers: this.ctx.passwdUsers, numericMacros: this.ctx.numericMacros, fileConstants: this.ctx.conditionConstants, capabilityTexts: this.ctx.capabilityTexts, newUserFlags: this.ctx.newUserFlags, locals: this.ctx.locals, vocabulary: this.ctx.vocabulary, memberCalls: this.ctx.memberCalls, valueMacros: this.ctx.valueMacros });
    if (!classified) return;
    // A call that does several things (capng_change_id) gives several events; its one status belongs to the last.
    const shapes = Array.isArray(classified) ? classified : [classified];
    shapes.forEach((shape, i) => {
      const event = { ...shape, id: this.ctx.nextEventId(), text: call.text, loc: locOf(this.ctx.file, call), ...(this.platform ? { platform: this.platform } : {}), ...(this.withoutSetres ? { withoutSetres: true } : {}) } as PrivilegeEvent;
      // A result the call's meaning gives (a checking wrapper's: handled inside) is kept.
      if (use && !shape.result && i === shapes.length - 1 && (isStatusCall(shape.api) || shape.kind === 'call' || shape.kind === 'dir-open' || shape.kind === 'fork')) event.result = use;
      if (event.kind === 'dir-open' && event.handle && this.ctx.cleanedUp?.has(event.handle)) event.closedOnReturn = true;
      if (i === shapes.length - 1) this.callNodes.set(event.id, call);
      node.events.push(event);
    });
  }

  /** How the value of `call` is used, looking up to the root of the expression being built. */
  private resultUse(call: Node, root: Node, rootKind: RootKind, node: CfgNode): ResultUse | undefined {
    let child = call;
    let voidCast = false;
    let storedIn: string | undefined;
    for (let p = call.parent; p; child = p, p = p.parent) {
      if (child.id === root.id) break;
      switch (p.type) {
        case 'parenthesized_expression':
          continue;
        case 'cast_expression':
          if (p.childForFieldName('type')?.text.trim() === 'void') voidCast = true;
          continue;
        case 'unary_expression':
        case 'binary_expression': {
          continue;
        }
        case 'assignment_expression': {
          const left = p.childForFieldName('left');
          if (left && left.id !== child.id && rootKind !== 'condition') return { kind: 'stored', variable: left.text, node: node.id, failsAs: storedFailure(p.childForFieldName('right'), call) };
          if (left && left.id !== child.id) storedIn = left.text;
          continue;
        }
        case 'init_declarator': {
          const name = declaratorName(p.childForFieldName('declarator'));
          if (name) return { kind: 'stored', variable: name, node: node.id, failsAs: storedFailure(p.childForFieldName('value'), call) };
          continue;
        }
        case 'argument_list': {
          const callee = p.parent ? calleeName(p.parent) : undefined;
          if (callee && ASSERT_NAMES.has(callee)) return { kind: 'assert' };
          // `if (nxt_slow_path(setgid(g) != 0))`, `__builtin_expect(…, 0)`: a branch hint's value is its argument.
          if (callee && passedThrough(callee, this.ctx.valueMacros) === p.namedChildren.findIndex((a) => a?.id === child.id)) continue;
          return { kind: 'passed', callee: callee ?? p.parent?.text ?? '' };
        }
        case 'comma_expression':
          if (p.childForFieldName('left')?.id === child.id) return { kind: 'discarded' };
          continue;
        case 'conditional_expression':
          if (p.childForFieldName('condition')?.id === child.id) return { kind: 'tested', node: node.id, variable: storedIn };
          continue;
        case 'return_statement':
          return { kind: 'returned' };
        default:
          continue;
      }
    }
    if (rootKind === 'condition') return { kind: 'tested', node: node.id, variable: storedIn };
    if (rootKind === 'return') return { kind: 'returned' };
    if (voidCast) return { kind: 'void-cast' };
    return { kind: 'discarded' };
  }
}

/** A value a control macro uses (`e` in `iRet = (e)`): the argument passed for it, a number written in it, or unknown. */
function macroOperand(text: string, macro: ControlMacro, args: Node[]): Node | number | undefined {
  const name = text.trim().replace(/^\(\s*([\s\S]*?)\s*\)$/, '$1');
  const arg = macro.params ? args[macro.params.indexOf(name)] : undefined;
  if (arg) return arg;
  return /^-?\s*\d+$/.test(name) ? Number(name.replace(/\s+/g, '')) : undefined;
}

/** The variables a control macro's returned value names, its parameters replaced by what the call passes. */
function macroIdentifiers(text: string, macro: ControlMacro, args: Node[]): string[] {
  return [...text.matchAll(/[A-Za-z_]\w*/g)].flatMap((m) => {
    const arg = macro.params ? args[macro.params.indexOf(m[0])] : undefined;
    return arg ? [...(arg.type === 'identifier' ? [arg] : []), ...arg.descendantsOfType('identifier')].filter((i) => i !== null).map((i) => i!.text) : [m[0]];
  });
}

/** `#ifdef X`, `#ifndef X`, `#if defined(X)`, `#if !defined(X)`: the macro whose definedness alone decides the branch. */
function definednessTest(node: Node): { name: string; negated: boolean } | undefined {
  if (node.type === 'preproc_ifdef') {
    const name = node.childForFieldName('name')?.text;
    return name ? { name, negated: /^#\s*ifndef/.test(node.text) } : undefined;
  }
  if (node.type !== 'preproc_if') return undefined;
  const condition = node.childForFieldName('condition')?.text.trim() ?? '';
  const m = /^(!?)\s*defined\s*(?:\(\s*([A-Za-z_]\w*)\s*\)|([A-Za-z_]\w*))$/.exec(condition);
  return m ? { name: (m[2] ?? m[3])!, negated: m[1] === '!' } : undefined;
}

/** `#if X`, `#if (X)`, `#if !X`: the macro whose value alone decides the branch (non-zero: the body is compiled). */
function macroValueTest(node: Node): { name: string; negated: boolean } | undefined {
  if (node.type !== 'preproc_if') return undefined;
  const m = /^(!?)\s*\(?\s*([A-Za-z_]\w*)\s*\)?$/.exec(node.childForFieldName('condition')?.text.trim() ?? '');
  return m && m[2] !== 'defined' ? { name: m[2]!, negated: m[1] === '!' } : undefined;
}

/**
 * `#ifdef HAVE_SETRESUID`, `#if defined(HAVE_SETRESGID)`, `#if HAVE_SETRESUID` (configure's test for the call), or
 * their negations: the test of whether the system has setresuid()/setresgid(), negated when its body is the code for
 * systems without them.
 */
function setresFeatureTested(node: Node): { negated: boolean } | undefined {
  const defined = definednessTest(node);
  if (defined) return SETRES_FEATURE.test(defined.name) ? { negated: defined.negated } : undefined;
  const valued = macroValueTest(node);
  return valued && SETRES_FEATURE.test(valued.name) ? { negated: valued.negated } : undefined;
}

const SETRES_FEATURE = /^HAVE_SETRES[UG]ID$/;

/** Macros only one system's compilers define. */
const PLATFORM_MACROS: Record<string, Platform> = { __APPLE__: 'macos', __MACH__: 'macos', TARGET_OS_OSX: 'macos', TARGET_OS_MAC: 'macos' };

/**
 * The system an `#ifdef`/`#if` tests for, when its condition names only that system's macros (`#ifdef __APPLE__`,
 * `#if defined(__APPLE__) && defined(__MACH__)`, with other conditions joined by &&); negated for `#ifndef` / `#if !defined(...)`.
 */
function platformTested(node: Node): { platform: Platform; negated: boolean } | undefined {
  if (node.type === 'preproc_ifdef' || node.type === 'preproc_elifdef') {
    const platform = PLATFORM_MACROS[node.childForFieldName('name')?.text ?? ''];
    return platform ? { platform, negated: /^#\s*(?:el)?ifndef/.test(node.text) } : undefined;
  }
  if (node.type !== 'preproc_if' && node.type !== 'preproc_elif') return undefined;
  const condition = node.childForFieldName('condition')?.text.trim() ?? '';
  const negated = /^!\s*(?:defined\s*\(?\s*)?[A-Za-z_]\w*\s*\)?$/.test(condition);
  if (condition.startsWith('!') && !negated) return undefined;
  const names = condition.replace(/^!/, '').split('&&').map((t) => /^\s*(?:defined\s*\(?\s*)?([A-Za-z_]\w*)\s*\)?\s*$/.exec(t)?.[1]);
  if (names.some((n) => n === undefined)) return undefined;
  // `defined(__APPLE__) && defined(HAVE_X)` compiles only on macOS too.
  const platforms = new Set(names.flatMap((n) => PLATFORM_MACROS[n!] ?? []));
  const [platform] = platforms;
  return platforms.size === 1 && platform ? { platform, negated } : undefined;
}

/** The parent of a value, past the parentheses and casts around it, and the node it is the value as. */
function valueParent(id: Node): { parent: Node | null; value: Node } {
  let value = id;
  let parent = id.parent;
  while (parent && (parent.type === 'parenthesized_expression' || parent.type === 'cast_expression')) {
    value = parent;
    parent = parent.parent;
  }
  return { parent, value };
}

/** `x = <name>` or `T *x = <name>` (the value alone, maybe in parentheses or a cast): the local it is copied into. */
function copiedInto(id: Node): string | undefined {
  const { parent, value } = valueParent(id);
  if (parent?.type === 'init_declarator' && parent.childForFieldName('value')?.id === value.id) return declaratorName(parent.childForFieldName('declarator'));
  if (parent?.type === 'assignment_expression' && parent.child(1)?.text === '=' && parent.childForFieldName('right')?.id === value.id) {
    const left = parent.childForFieldName('left');
    return left?.type === 'identifier' ? left.text : undefined;
  }
  return undefined;
}

/**
 * The locals of a function that hold the environment's pointer (`char **env = environ;`, `ev = env;`), copy of a copy
 * too. Only locals: a copy kept in a global or a structure is read where this function cannot see, so the copy
 * stays the read.
 */
function environmentCopies(body: Node, names: readonly string[], locals: ReadonlySet<string> | undefined): Set<string> {
  const copies = new Set<string>();
  if (!locals || !names.some((n) => body.text.includes(n))) return copies;
  const ids = body.descendantsOfType('identifier').filter((n): n is Node => n !== null);
  // Declared in the body, also without a value (`char **ev;`, which the function's locals may not list).
  const own = new Set([...locals, ...ids.filter(isDeclaredName).map((i) => i.text)]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const id of ids) {
      if (!names.includes(id.text) && !copies.has(id.text)) continue;
      const into = copiedInto(id);
      if (into && own.has(into) && !names.includes(into) && !copies.has(into)) {
        copies.add(into);
        grew = true;
      }
    }
  }
  return copies;
}

/** `p++`, `--p`, `p += n`, `p = q` (maybe in parentheses or a cast): the pointer named `id` moves or is replaced. */
function stepsPointer(id: Node): boolean {
  const { parent, value } = valueParent(id);
  if (parent?.type === 'update_expression') return true;
  return parent?.type === 'assignment_expression' && parent.childForFieldName('left')?.id === value.id;
}

/**
 * A pointer replaced (`environ = clean`), or stepped where the step's value is not used (`argv++;`,
 * `argv += optind;`, a `for` loop's update), reads nothing it points to; `*++argv` does.
 */
function isPointerStep(id: Node): boolean {
  const { parent, value } = valueParent(id);
  if (parent?.type === 'assignment_expression' && parent.child(1)?.text === '=' && parent.childForFieldName('left')?.id === value.id) return true;
  if (!stepsPointer(id)) return false;
  let user = parent!.parent;
  while (user?.type === 'comma_expression' || user?.type === 'parenthesized_expression') user = user.parent;
  return user?.type === 'expression_statement' || user?.type === 'for_statement';
}

/** Where the pointer `name` is first stepped or replaced in `body` (its start byte), or Infinity. */
function firstStep(body: Node, name: string): number {
  for (const id of body.descendantsOfType('identifier')) if (id?.text === name && stepsPointer(id)) return id.startIndex;
  return Infinity;
}

/**
 * Whether a reference of the environment (or of a local copy of it) reads it: not where it is only copied into a
 * local that holds it, stepped without its value used (`ev++;`, `ev += 1;`), assigned (`environ = clean;`,
 * `ev = environ;`'s `ev`), or declared.
 */
function readsEnvironment(id: Node, copies: ReadonlySet<string>): boolean {
  const into = copiedInto(id);
  if (into && copies.has(into)) return false;
  if (!valueParent(id).parent) return true;
  return !isPointerStep(id) && !isDeclaredName(id);
}

/** The name a declaration declares (`ev` in `char **ev = …;` or `char **ev;`), not a use of it. */
function isDeclaredName(id: Node): boolean {
  let d = id;
  for (let up = id.parent; up; d = up, up = up.parent) {
    const asDeclarator = up.childrenForFieldName('declarator').some((c) => c?.id === d.id);
    if (!asDeclarator) return false;
    if (up.type === 'init_declarator' || up.type === 'declaration' || up.type === 'parameter_declaration') return true;
    if (!up.type.endsWith('_declarator')) return false;
  }
  return false;
}

/**
 * The locals of a function definition set exactly once, to a constant (an initialiser or one plain assignment), and
 * never changed otherwise (no other assignment, no `++`/`--`, no `&name`): name → value. Parameters are not locals
 * set once (their callers set them).
 */
function localsSetOnceToConstants(definition: Node): Map<string, number> {
  const sets = new Map<string, number | null>();
  const spoil = (name: string): void => void sets.set(name, null);
  const params = new Set(definition.descendantsOfType('parameter_declaration').flatMap((p) => (p ? [declaratorName(p.childForFieldName('declarator'))] : [])).filter((n): n is string => !!n));
  for (const n of definition.descendantsOfType(['init_declarator', ...CHANGING_NODES])) {
    if (!n) continue;
    if (n.type === 'init_declarator' || (n.type === 'assignment_expression' && n.child(1)?.text === '=')) {
      const name = n.type === 'init_declarator' ? declaratorName(n.childForFieldName('declarator')) : changedName(n);
      const value = n.childForFieldName(n.type === 'init_declarator' ? 'value' : 'right');
      if (!name) continue;
      const number = value ? constantNumber(value) : null;
      if (sets.has(name) || number === null) spoil(name);
      else sets.set(name, number);
    } else {
      const name = changedName(n);
      if (name) spoil(name);
    }
  }
  const out = new Map<string, number>();
  for (const [name, value] of sets) if (value !== null && !params.has(name)) out.set(name, value);
  return out;
}

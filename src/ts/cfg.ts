/**
 * Builds the control-flow graph of one Node function (or module top level) with its privilege events.
 * Node's privilege calls throw on failure: inside a `try`, each call that can throw is a branch to the `catch`
 * (a condition node whose true edge is the failure), so the result judge sees what the catch does; outside a
 * `try` the exception ends the process (in an entry) or propagates to the caller (elsewhere).
 */
import type { Node } from 'web-tree-sitter';
import type { CallVocabulary, EventShape } from '../call-meaning.js';
import { FORK_PARENT, NOT_ROOT, type Cfg, type CfgNode, type IdClass, type PrivilegeEvent, type ResultUse, type Test } from '../model.js';
import { GraphBuilder, type Branches, type Pending } from '../cfg-builder.js';
import type { ModuleConstants } from './accounts.js';
import { requiredModule, type ModuleBindings } from './bindings.js';
import { classifyNodeCall, classifyNodeId, idGetterClass, inputSourceOf, type NodeCallContext } from './calls.js';
import { conditionWhen, constantTruth } from './conditions.js';
import { signBranches } from '../values.js';
import { callbackRole, moduleFunctionName, type FunctionSite } from './functions.js';
import { swallowingCatch } from './promises.js';
import { properties } from './spawn.js';
import { siteKey, type CallTargets } from './resolution.js';
import { assignedName, callArguments, isFunction, locOf, namedChildren, patternNames, stringValue, unwrap } from './syntax.js';

export interface NodeFileContext {
  file: string;
  nextEventId: () => number;
  bindings: ModuleBindings;
  idVariables: ReadonlyMap<string, IdClass>;
  tainted: ReadonlySet<string>;
  constants: ModuleConstants;
  /** Every function of the file, by syntax node id. */
  sites: ReadonlyMap<number, FunctionSite>;
  /** Names of the functions defined in the file. */
  functionNames: ReadonlySet<string>;
  targets: CallTargets;
  /** A test file: its top level is no program entry. */
  isTest: boolean;
  /** The module starts a server or a timer: the program goes on after its top level. */
  startsService: boolean;
  /** The project's checking wrappers and drop helpers (privlint.json). */
  vocabulary?: CallVocabulary;
}


/** An event as collected from an expression, before it is placed in the graph. */
interface Collected {
  event: PrivilegeEvent;
  /** The call can throw (a privilege call, a project function). */
  throws: boolean;
  /** A callback that may have run by this point (registered for later). */
  later?: boolean;
  /** A completion callback registered on every path of a top level or callback that defers them: it will run. */
  surely?: boolean;
  /** The call is followed by a `.catch()` that swallows its failure. */
  swallowed?: string;
  /**
   * (A call of a project function) What the statement does with the value the call returns; `condition` when it
   * is (part of) a condition, where `condition()` records the test.
   */
  value?: ValueShape;
  /** The call's syntax, for a value used in a condition. */
  call?: Node;
}

/** How an expression uses a call's value, as far as the statement it is in shows. */
type ValueShape = Exclude<ResultUse, { kind: 'tested' } | { kind: 'stored' } | { kind: 'assert' } | { kind: 'handled' } | { kind: 'swallowed' }> | { kind: 'stored'; variable: string } | { kind: 'condition' };

/** Kinds of events whose calls throw on failure. */
const THROWING = new Set<PrivilegeEvent['kind']>(['set-id', 'set-groups', 'chroot', 'chdir', 'dir-open']);
const THROW_CALLEE = '<throw>';
/** Names that end a path: `throw` with no `catch` around it. */
export const NODE_NORETURN = [THROW_CALLEE];

export class NodeCfgBuilder extends GraphBuilder {
  /** Catch clauses of the enclosing `try` blocks, innermost last: where a throwing call goes when it fails. */
  private readonly catches: number[] = [];
  private readonly callContext: Omit<NodeCallContext, 'storedInto'>;

  /** Callbacks registered for later in a module's top level or in a callback: they run once it has finished. */
  private readonly deferred: Collected[] = [];
  /** Nodes that give a variable an object literal, with the id fields (`uid`, `gid`) it sets. */
  private readonly objectFields = new Map<number, Map<string, Set<string>>>();

  constructor(
    private readonly ctx: NodeFileContext,
    private readonly isEntry: boolean,
    /** The node id of the function (or program) built: where names are looked up. */
    private readonly scope: number,
    /**
     * A module's top level, or a callback run from the event loop: callbacks it registers run after it, not where
     * they are registered (a listen callback that starts a fetch whose callback drops).
     */
    private readonly deferCallbacks = false,
  ) {
    super(ctx.file);
    this.callContext = { bindings: ctx.bindings, idVariables: ctx.idVariables, tainted: ctx.tainted, constants: ctx.constants, targets: ctx.targets, scope, vocabulary: ctx.vocabulary };
  }

  /** The graph of a function body (a statement block, or an arrow function's expression) or of a module. */
  build(body: Node, networkInput?: Node): Cfg {
    let ins: Pending[] = [{ from: this.entryId, slot: -1 }];
    if (networkInput) {
      const read = this.newNode('stmt', networkInput);
      read.events.push({ kind: 'input', id: this.ctx.nextEventId(), api: 'network data', text: networkInput.text.split('\n')[0]!, loc: locOf(this.ctx.file, networkInput), source: 'network' });
      this.connect(ins, read.id);
      ins = [{ from: read.id, slot: -1 }];
    }
    let outs = body.type === 'statement_block' || body.type === 'program' ? this.statement(body, ins) : this.returnOf(body, body, ins);
    for (const item of this.deferred) outs = [{ from: (item.surely ? this.runs(outs, item, body) : this.mayRun(outs, item, body)).id, slot: -1 }];
    this.connect(outs, this.exitId);
    spawnOptionFields(this.nodes, this.entryId, this.objectFields);
    return { nodes: this.nodes, entry: this.entryId, exit: this.exitId };
  }




  protected statement(node: Node, ins: Pending[]): Pending[] {
    switch (node.type) {
      case 'program':
      case 'statement_block':
        return this.sequence(namedChildren(node), ins);
      case 'expression_statement': {
        const expr = namedChildren(node)[0];
        if (!expr) return ins;
        if (isShortCircuit(expr)) {
          const r = this.condition(expr, ins);
          return [...r.t, ...r.f];
        }
        return this.plain(node, ins, [expr]);
      }
      case 'lexical_declaration':
      case 'variable_declaration':
        return this.plain(node, ins, namedChildren(node).flatMap((d) => d.childForFieldName('value') ?? []), patternsOf(node));
      case 'if_statement': {
        const r = this.condition(node.childForFieldName('condition')!, ins);
        const then = this.statement(node.childForFieldName('consequence')!, r.t);
        const alt = node.childForFieldName('alternative');
        const otherwise = alt ? this.statement(namedChildren(alt)[0] ?? alt, r.f) : r.f;
        return [...then, ...otherwise];
      }
      case 'while_statement':
        return this.loop(ins, node.childForFieldName('condition'), node.childForFieldName('body'), null, 'test-first');
      case 'do_statement':
        return this.loop(ins, node.childForFieldName('condition'), node.childForFieldName('body'), null, 'body-first');
      case 'for_statement': {
        const init = node.childForFieldName('initializer');
        const outs = init && init.type !== 'empty_statement' ? this.statement(init, ins) : ins;
        const cond = node.childForFieldName('condition');
        const test = cond?.type === 'expression_statement' ? (namedChildren(cond)[0] ?? null) : cond?.type === 'empty_statement' ? null : cond;
        return this.loop(outs, test, node.childForFieldName('body'), node.childForFieldName('increment'), 'test-first');
      }
      case 'for_in_statement': {
        const right = node.childForFieldName('right');
        const outs = right ? this.plain(right, ins, [right], patternNames(node.childForFieldName('left'))) : ins;
        return this.loop(outs, undefined, node.childForFieldName('body'), null, 'test-first');
      }
      case 'switch_statement':
        return this.switchStatement(node, ins);
      case 'try_statement':
        return this.tryStatement(node, ins);
      case 'return_statement': {
        const expr = namedChildren(node)[0];
        return expr ? this.returnOf(node, expr, ins) : this.returnOf(node, undefined, ins);
      }
      case 'throw_statement':
        return this.throwStatement(node, ins);
      case 'break_statement':
      case 'continue_statement':
        return this.jump(node, node.type === 'break_statement', ins);
      case 'labeled_statement':
        return this.statement(node.childForFieldName('body') ?? namedChildren(node).at(-1)!, ins);
      case 'import_statement':
        return this.importStatement(node, ins);
      case 'export_statement': {
        const decl = node.childForFieldName('declaration');
        const value = node.childForFieldName('value');
        if (decl) return this.statement(decl, ins);
        return value && !isFunction(unwrap(value)) ? this.plain(node, ins, [value]) : ins;
      }
      case 'function_declaration':
      case 'generator_function_declaration':
      case 'class_declaration':
      case 'abstract_class_declaration':
      case 'interface_declaration':
      case 'type_alias_declaration':
      case 'enum_declaration':
      case 'ambient_declaration':
      case 'module':
      case 'internal_module':
      case 'empty_statement':
      case 'comment':
      case 'hash_bang_line':
        return ins;
      default:
        return this.plain(node, ins, [node]);
    }
  }

  /** A statement whose expressions run in order; returns the out-edges. */
  private plain(ast: Node, ins: Pending[], exprs: Node[], assigns: string[] = []): Pending[] {
    const last = this.place(ast, ins, exprs.flatMap((e) => this.collect(e)));
    for (const e of exprs) for (const a of assignmentsIn(e)) assigns.push(a.name);
    if (assigns.length) last.assigns = assigns;
    // `const options = { detached: true };`, `options = { uid };`: the id fields the object starts with.
    const objects: [string, Node][] = [
      ...(ast.type === 'lexical_declaration' || ast.type === 'variable_declaration'
        ? namedChildren(ast).flatMap((d): [string, Node][] => {
            const name = d.childForFieldName('name');
            const value = d.childForFieldName('value');
            return name?.type === 'identifier' && value ? [[name.text, value]] : [];
          })
        : []),
      ...exprs.flatMap((e) => assignmentsIn(e).map((a): [string, Node] => [a.name, a.right])),
    ];
    for (const [name, value] of objects) {
      const v = unwrap(value);
      if (v.type !== 'object') continue;
      const props = properties(v);
      if (!props) continue;
      const fields = new Set(['uid', 'gid'].filter((f) => props.has(f)));
      const byName = this.objectFields.get(last.id) ?? new Map<string, Set<string>>();
      byName.set(name, fields);
      this.objectFields.set(last.id, byName);
    }
    const constants = exprs.flatMap((e) => constantAssignments(e));
    if (constants.length) last.constants = Object.fromEntries(constants);
    return [{ from: last.id, slot: -1 }];
  }

  private returnOf(ast: Node, expr: Node | undefined, ins: Pending[]): Pending[] {
    const last = this.place(ast, ins, expr ? this.collect(expr) : []);
    last.kind = 'return';
    last.returnsValue = expr !== undefined;
    // `return true;` / `return false;` (a boolean status: false is the failure), `return -1;`, `return 0;`.
    const literal = expr ? unwrapParens(expr) : undefined;
    if (literal?.type === 'true') last.returnsConstant = 1;
    else if (literal?.type === 'false') {
      last.returnsConstant = 0;
      last.returnsFailure = true;
    } else if (literal && (literal.type === 'number' || (literal.type === 'unary_expression' && literal.child(0)?.text === '-' && literal.childForFieldName('argument')?.type === 'number'))) {
      const n = Number(literal.text.replace(/\s+/g, ''));
      if (Number.isInteger(n)) {
        last.returnsConstant = n;
        if (n < 0) last.returnsFailure = true;
      }
    }
    if (expr) last.returnedVariables = [expr, ...expr.descendantsOfType('identifier')].filter((i): i is Node => i?.type === 'identifier').map((i) => i.text);
    this.connect([{ from: last.id, slot: -1 }], this.exitId);
    return [];
  }

  /** `throw` goes to the innermost catch; with none, it ends the path (the process, or the caller's path). */
  private throwStatement(node: Node, ins: Pending[]): Pending[] {
    const value = namedChildren(node)[0];
    const last = this.place(node, ins, value ? this.collect(value) : []);
    const handler = this.catches.at(-1);
    if (handler !== undefined) {
      this.connect([{ from: last.id, slot: -1 }], handler);
      return [];
    }
    last.events.push({ kind: 'call', id: this.ctx.nextEventId(), api: 'throw', callee: THROW_CALLEE, failsProcess: true, args: [], text: node.text.split('\n')[0]!, loc: locOf(this.ctx.file, node) });
    return [];
  }

  private tryStatement(node: Node, ins: Pending[]): Pending[] {
    const handler = node.childForFieldName('handler');
    const finalizer = node.childForFieldName('finalizer');
    const catchEntry = handler ? this.newNode('stmt', handler) : undefined;
    if (catchEntry) this.catches.push(catchEntry.id);
    let outs = this.statement(node.childForFieldName('body')!, ins);
    if (catchEntry) {
      this.catches.pop();
      outs = [...outs, ...this.statement(handler!.childForFieldName('body')!, [{ from: catchEntry.id, slot: -1 }])];
    }
    const finalBody = finalizer?.childForFieldName('body') ?? (finalizer ? namedChildren(finalizer)[0] : undefined);
    return finalBody ? this.statement(finalBody, outs) : outs;
  }

  /** `import … from './drop'` runs the module's top level. */
  private importStatement(node: Node, ins: Pending[]): Pending[] {
    const source = stringValue(node.childForFieldName('source') ?? namedChildren(node).find((c) => c.type === 'import_require_clause')?.childForFieldName('source') ?? undefined);
    const target = source !== undefined ? this.ctx.bindings.moduleOf(source) : undefined;
    if (!target || !('local' in target)) return ins;
    const n = this.newNode('stmt', node);
    this.connect(ins, n.id);
    n.events.push(this.moduleCall(node, target.local));
    return [{ from: n.id, slot: -1 }];
  }

  private moduleCall(ast: Node, module: string): PrivilegeEvent {
    const callee = moduleFunctionName(module);
    return { kind: 'call', id: this.ctx.nextEventId(), api: callee, callee, target: callee, args: [], text: ast.text.split('\n')[0]!, loc: locOf(this.ctx.file, ast), result: { kind: 'handled' } };
  }

  /**
   * Put collected events into the graph from `ins`: consecutive events share a node; a throwing call inside a
   * `try` ends its node with a branch to the catch; a callback registered for later runs on a branch of its own.
   * Returns the last node, where execution continues.
   */
  private place(ast: Node, ins: Pending[], items: Collected[]): CfgNode {
    let cur = this.newNode('stmt', ast);
    this.connect(ins, cur.id);
    const next = (from: Pending[]): CfgNode => {
      const n = this.newNode('stmt', ast);
      this.connect(from, n.id);
      return n;
    };
    for (const item of items) {
      const handler = this.catches.at(-1);
      if (item.later) {
        item.event.result = item.swallowed ? { kind: 'swallowed', why: item.swallowed } : { kind: 'handled' };
        if (this.deferCallbacks) this.deferred.push(item);
        else cur = this.mayRun([{ from: cur.id, slot: -1 }], item, ast);
      } else if (item.throws && handler !== undefined && !item.swallowed) {
        cur.events.push(item.event);
        cur.kind = 'cond';
        cur.succ = [handler, -1];
        cur.tests = [{ subject: { event: item.event.id }, whenFails: true }];
        item.event.result = { kind: 'tested', node: cur.id };
        cur = next([{ from: cur.id, slot: 1 }]);
      } else {
        if (item.throws) item.event.result = this.uncaught(item);
        cur.events.push(item.event);
      }
    }
    // The value a call returns: the variable it is stored in is assigned where the statement ends.
    for (const item of items) {
      const v = item.value;
      if (!v || v.kind === 'condition' || item.event.kind !== 'call') continue;
      item.event.value = v.kind === 'stored' ? { kind: 'stored', variable: v.variable, node: cur.id } : v;
    }
    return cur;
  }

  /** A callback that runs here. */
  private runs(ins: Pending[], item: Collected, ast: Node): CfgNode {
    const run = this.newNode('stmt', ast);
    this.connect(ins, run.id);
    run.events.push(item.event);
    return run;
  }

  /** A callback that may or may not have run by this point: a branch around its call. Returns the join. */
  private mayRun(ins: Pending[], item: Collected, ast: Node): CfgNode {
    const fork = this.newNode('branch', ast);
    this.connect(ins, fork.id);
    const run = this.newNode('stmt', ast);
    run.events.push(item.event);
    this.connect([{ from: fork.id, slot: -1 }], run.id);
    const join = this.newNode('stmt', ast);
    this.connect([{ from: fork.id, slot: -1 }, { from: run.id, slot: -1 }], join.id);
    return join;
  }

  /** Outside any `try`: the failure ends the process in an entry, and moves to the callers elsewhere. */
  private uncaught(item: Collected): ResultUse {
    if (item.swallowed) return { kind: 'swallowed', why: item.swallowed };
    return this.isEntry ? { kind: 'handled' } : { kind: 'returned' };
  }

  protected constantTruth(cond: Node): boolean | null {
    return constantTruth(cond);
  }

  protected updateStep(update: Node, ins: Pending[]): Pending[] {
    return this.plain(update, ins, [update]);
  }

  private switchStatement(node: Node, ins: Pending[]): Pending[] {
    const value = node.childForFieldName('value');
    const sw = this.place(node, ins, value ? this.collect(value) : []);
    sw.kind = 'branch';
    this.breaks.push([]);
    this.breakKinds.push('switch');
    let fallthrough: Pending[] = [];
    let hasDefault = false;
    for (const c of namedChildren(node.childForFieldName('body')!)) {
      if (c.type !== 'switch_case' && c.type !== 'switch_default') continue;
      if (c.type === 'switch_default') hasDefault = true;
      const label = this.newNode('stmt', c);
      this.connect([...fallthrough, { from: sw.id, slot: -1 }], label.id);
      const valueNode = c.childForFieldName('value');
      fallthrough = this.sequence(namedChildren(c).filter((s) => s.id !== valueNode?.id), [{ from: label.id, slot: -1 }]);
    }
    this.breakKinds.pop();
    const outs = [...fallthrough, ...this.breaks.pop()!];
    if (!hasDefault) outs.push({ from: sw.id, slot: -1 });
    return outs;
  }

  /** Short-circuit evaluation: each operand of && / || / ?? / ?: is a condition of its own. */
  protected condition(expr: Node, ins: Pending[]): Branches {
    const e = unwrapParens(expr);
    const short = this.shortCircuit(e, ins, 'ternary_expression', isShortCircuit);
    if (short) return short;
    const items = this.collect(e);
    const before = this.place(e, ins, items);
    const node = this.newNode('cond', e);
    this.connect([{ from: before.id, slot: -1 }], node.id);
    node.tests = this.testsOf(e);
    // A project function's value tested here (`if (!trySetUid(uid))`): the branch taken when it is falsy, as a
    // status helper's `false` on failure (the judge tries both branches for a callee that fails with another value).
    for (const item of items) {
      if (item.value?.kind !== 'condition' || item.event.kind !== 'call') continue;
      const subject = valueSubject(item.call!, e);
      if (!subject) continue;
      item.event.value = { kind: 'tested', node: node.id };
      const falsy = conditionWhen(e, subject, 0);
      node.tests.push({ subject: { event: item.event.id }, whenFails: falsy, whenNull: falsy });
    }
    return { t: [{ from: node.id, slot: 0 }], f: [{ from: node.id, slot: 1 }] };
  }

  /** Flags tested as booleans (`if (!privileged)`) and tests of whether the process is root (`process.getuid() === 0`). */
  private testsOf(cond: Node): Test[] {
    const tests: Test[] = [];
    let bare = cond;
    while (bare.type === 'unary_expression' && bare.child(0)?.text === '!') bare = unwrapParens(bare.childForFieldName('argument')!);
    if (bare.type === 'identifier') tests.push({ subject: { variable: bare.text }, whenFails: conditionWhen(cond, bare, 1), whenNull: conditionWhen(cond, bare, 0), boolean: true });
    // `cluster.isPrimary` / `isMaster` hold in the process that forks workers, `cluster.isWorker` in the workers.
    const side = bare.type === 'member_expression' ? /^cluster\.is(Primary|Master|Worker)$/.exec(this.ctx.bindings.qualify(bare) ?? '')?.[1] : undefined;
    if (side) {
      const [whenParent, whenChild] = side === 'Worker' ? [conditionWhen(cond, bare, 0), conditionWhen(cond, bare, 1)] : [conditionWhen(cond, bare, 1), conditionWhen(cond, bare, 0)];
      tests.push({ subject: { variable: FORK_PARENT }, whenFails: whenParent, whenNull: whenChild, boolean: true });
    }
    // Values tested by their sign (`uid > 0`, `config.uid <= 0`): one value under two forms is one flag.
    for (const v of [cond, ...cond.descendantsOfType(['identifier', 'member_expression'])]) {
      if (!v || (v.type !== 'identifier' && v.type !== 'member_expression') || v.parent?.type === 'member_expression' || v.parent?.type === 'call_expression') continue;
      const signs = signBranches((value) => conditionWhen(cond, v, value));
      // The condition is the value itself (`if (c.group)`): its false branch is also an option left unset.
      if (signs.whenPositive !== null) tests.push({ subject: { variable: v.text }, whenFails: conditionWhen(cond, v, -1), ...signs, ...(v.id === bare.id ? { alsoWhenAbsent: true as const } : {}) });
    }
    const probes = [cond, ...cond.descendantsOfType(['call_expression', 'identifier'])].filter((n): n is Node => n !== null);
    for (const p of probes) {
      const cls = p.type === 'identifier' ? this.ctx.idVariables.get(p.text) : idGetterClass(p, this.ctx.bindings);
      if (cls !== 'invoker' && cls !== 'saved-effective') continue;
      const whenRoot = conditionWhen(cond, p, 0);
      const whenNotRoot = conditionWhen(cond, p, 1000);
      if (whenRoot === null || whenNotRoot === null || whenRoot === whenNotRoot) continue;
      // `process.geteuid()`, or a variable saved from it, tests the effective uid; `process.getuid()` the real one.
      tests.push({ subject: { variable: NOT_ROOT }, whenFails: whenNotRoot, whenNull: whenRoot, boolean: true, ...(cls === 'saved-effective' ? { effective: true as const } : {}) });
      break;
    }
    return tests;
  }

  /** The events of an expression in evaluation order (arguments before the call); function bodies are not entered. */
  private collect(expr: Node): Collected[] {
    const out: Collected[] = [];
    const visit = (n: Node): void => {
      if (isFunction(n) || n.type === 'class' || n.type === 'class_declaration') return;
      for (const c of namedChildren(n)) visit(c);
      if (n.type === 'call_expression' || n.type === 'new_expression') this.addCall(n, out);
      else if (n.type === 'member_expression' || n.type === 'subscript_expression' || (n.type === 'identifier' && !isDeclaredName(n))) this.addInput(n, out);
    };
    visit(expr);
    return out;
  }

  private addInput(n: Node, out: Collected[]): void {
    const source = inputSourceOf(n, this.ctx.bindings);
    if (!source) return;
    const text = (n.parent?.type === 'member_expression' || n.parent?.type === 'subscript_expression' ? n.parent : n).text;
    out.push({ event: { kind: 'input', id: this.ctx.nextEventId(), api: `process.${source === 'argv' ? 'argv' : 'env'}`, text, loc: locOf(this.ctx.file, n), source }, throws: false });
  }

  private event(shape: EventShape, call: Node): PrivilegeEvent {
    return { ...shape, id: this.ctx.nextEventId(), text: call.text, loc: locOf(this.ctx.file, call) } as PrivilegeEvent;
  }

  private addCall(call: Node, out: Collected[]): void {
    const swallowed = swallowingCatch(call, this.ctx.bindings);
    const required = call.type === 'call_expression' ? (requiredModule(call) ?? dynamicImport(call)) : undefined;
    const target = required !== undefined ? this.ctx.bindings.moduleOf(required) : undefined;
    if (target && 'local' in target) {
      out.push({ event: this.moduleCall(call, target.local), throws: false });
      return;
    }
    const shapes = call.type === 'call_expression' ? classifyNodeCall(call, { ...this.callContext, storedInto: assignedName(call) }) : this.constructorCall(call);
    for (const shape of shapes) {
      // A call whose meaning handles its failure inside (a checking wrapper, a drop helper) ends the process rather than throw.
      const throws = !shape.result && (THROWING.has(shape.kind) || (shape.kind === 'call' && !shape.api.startsWith('process.')));
      const value = throws && shape.kind === 'call' && call.type === 'call_expression' ? valueShape(call) : undefined;
      out.push({ event: this.event(shape, call), throws, swallowed, ...(value ? { value, call } : {}) });
    }
    this.addCallbacks(call, out, swallowed);
  }

  /** `new Daemon(...)` calls the constructor, named after its class. */
  private constructorCall(call: Node): EventShape[] {
    const ctor = unwrap(call.childForFieldName('constructor')!);
    if (ctor.type !== 'identifier' || !this.ctx.functionNames.has(ctor.text)) return [];
    return [{ kind: 'call', api: ctor.text, callee: ctor.text, target: this.ctx.targets.ofConstructor(ctor.text, this.scope), args: callArguments(call).map((a) => ({ text: unwrap(a).text, id: classifyNodeId(a, this.callContext) })) }];
  }

  /** Functions handed to a call run where they are registered: now, or at some later point (a branch). */
  private addCallbacks(call: Node, out: Collected[], swallowed: string | undefined): void {
    const fn = call.childForFieldName('function');
    const iife = fn && isFunction(unwrap(fn)) ? [unwrap(fn)] : [];
    const passed = callArguments(call).map(unwrap).filter((a) => isFunction(a) || (a.type === 'identifier' && this.ctx.functionNames.has(a.text)));
    if (!iife.length && !passed.length) return;
    const role = callbackRole(call, this.ctx.bindings);
    if (role === 'network') return; // an entry point of its own
    for (const f of [...iife, ...passed]) {
      const site = isFunction(f) ? this.ctx.sites.get(f.id) : undefined;
      const callee = isFunction(f) ? site?.name : f.text;
      if (!callee) continue;
      const target = site ? siteKey(this.ctx.file, site) : this.ctx.targets.ofName(f.text, this.scope);
      const event: PrivilegeEvent = { kind: 'call', id: this.ctx.nextEventId(), api: callee, callee, target, args: [], text: f.text.split('\n')[0]!, loc: locOf(this.ctx.file, f) };
      const surely = role === 'later' && this.deferCallbacks && onEveryPath(call);
      out.push({ event, throws: role === 'now', later: role === 'later' || role === 'event', ...(surely ? { surely } : {}), swallowed });
    }
  }
}

/** Syntax a value passes through unchanged, or only negated or compared, on its way to a statement. */
const VALUE_THROUGH = new Set(['parenthesized_expression', 'await_expression', 'as_expression', 'non_null_expression', 'satisfies_expression', 'type_assertion', 'binary_expression', 'unary_expression']);

/** What the statement that holds `call` does with its value (undefined where that is not followed). */
function valueShape(call: Node): ValueShape | undefined {
  let child = call;
  for (let p = call.parent; p; child = p, p = p.parent) {
    if (p.type === 'unary_expression' && p.child(0)?.text === 'void') return { kind: 'void-cast' };
    if (VALUE_THROUGH.has(p.type)) continue;
    switch (p.type) {
      case 'expression_statement':
        // `ok && tryDrop();`: each operand is a condition of its own.
        return isShortCircuit(namedChildren(p)[0] ?? p) && child.id !== call.id ? { kind: 'condition' } : { kind: 'discarded' };
      case 'if_statement':
      case 'while_statement':
      case 'do_statement':
        return p.childForFieldName('condition')?.id === child.id ? { kind: 'condition' } : undefined;
      case 'for_statement':
        return p.childForFieldName('condition')?.id === child.id ? { kind: 'condition' } : undefined;
      case 'ternary_expression':
        return p.childForFieldName('condition')?.id === child.id ? { kind: 'condition' } : undefined;
      case 'variable_declarator': {
        const name = p.childForFieldName('name');
        return name?.type === 'identifier' && p.childForFieldName('value')?.id === child.id ? { kind: 'stored', variable: name.text } : undefined;
      }
      case 'assignment_expression': {
        const left = p.childForFieldName('left');
        return left && p.childForFieldName('right')?.id === child.id && p.parent?.type === 'expression_statement' ? { kind: 'stored', variable: left.text } : undefined;
      }
      case 'return_statement':
        return { kind: 'returned' };
      case 'arrow_function':
        return p.childForFieldName('body')?.id === child.id ? { kind: 'returned' } : undefined;
      case 'arguments':
        return { kind: 'passed', callee: p.parent?.childForFieldName('function')?.text ?? '' };
      default:
        return undefined;
    }
  }
  return undefined;
}

/**
 * The node standing for `call`'s value in the condition `cond` (the call, or the `await` around it), when the value
 * reaches the condition only negated, compared or combined; undefined when it does not reach `cond`.
 */
function valueSubject(call: Node, cond: Node): Node | undefined {
  let subject = call;
  for (let p = call.parent; p && subject.id !== cond.id; subject = p, p = p.parent) {
    if (!VALUE_THROUGH.has(p.type)) return undefined;
  }
  if (subject.id !== cond.id) return undefined;
  let s = call;
  while (s.parent && s.id !== cond.id && (s.parent.type === 'await_expression' || s.parent.type === 'parenthesized_expression' || s.parent.type === 'non_null_expression' || s.parent.type === 'as_expression')) s = s.parent;
  return s;
}

/** Syntax that runs what it holds on some paths only. */
const CONDITIONAL = new Set(['if_statement', 'else_clause', 'switch_case', 'switch_default', 'for_statement', 'for_in_statement', 'while_statement', 'do_statement', 'ternary_expression', 'catch_clause']);

/** The call runs on every path through the function (or top level) it is written in: no branch or loop holds it. */
function onEveryPath(call: Node): boolean {
  let child = call;
  for (let p = call.parent; p && !isFunction(p) && p.type !== 'program'; child = p, p = p.parent) {
    if (CONDITIONAL.has(p.type)) return false;
    // The right operand of `a && f()`, `a || f()`, `a ?? f()`, and `a?.f()` run only sometimes.
    if (p.type === 'binary_expression' && /^(?:&&|\|\||\?\?)$/.test(p.childForFieldName('operator')?.text ?? '') && p.childForFieldName('right')?.id === child.id) return false;
    if (p.type === 'optional_chain' || p.type === 'catch_clause') return false;
  }
  return true;
}

function unwrapParens(expr: Node): Node {
  let e = expr;
  while (e.type === 'parenthesized_expression' && namedChildren(e).length === 1) e = namedChildren(e)[0]!;
  return e;
}

function isShortCircuit(expr: Node): boolean {
  const e = unwrapParens(expr);
  if (e.type === 'ternary_expression') return true;
  if (e.type !== 'binary_expression') return false;
  const op = e.childForFieldName('operator')?.text;
  return op === '&&' || op === '||' || op === '??';
}

/** `import('./x')`. */
function dynamicImport(call: Node): string | undefined {
  const fn = call.childForFieldName('function');
  const arg = callArguments(call)[0];
  return fn?.type === 'import' && arg?.type === 'string' ? arg.text.slice(1, -1) : undefined;
}

/** An identifier that names what a declaration or pattern binds, not a read. */
function isDeclaredName(id: Node): boolean {
  const p = id.parent;
  if (!p) return false;
  if (p.type === 'variable_declarator' && p.childForFieldName('name')?.id === id.id) return true;
  return /pattern|parameter/.test(p.type);
}

function patternsOf(declaration: Node): string[] {
  return namedChildren(declaration).flatMap((d) => patternNames(d.childForFieldName('name')));
}

/**
 * Spawn options kept in a variable and filled field by field (`if (env.uid) options.uid = env.uid;`): the child is
 * given a uid without a gid when some path to the call sets `options.uid` and not `options.gid`. Each call's event
 * is given the fields then (or left without ids when no path sets a uid).
 */
function spawnOptionFields(nodes: CfgNode[], entry: number, objectFields: ReadonlyMap<number, ReadonlyMap<string, ReadonlySet<string>>>): void {
  const calls = nodes.flatMap((n) => n.events.filter((e) => e.kind === 'spawn' && e.optionsVariable !== undefined).map((e) => [n, e] as const));
  for (const [at, ev] of calls) {
    if (ev.kind !== 'spawn') continue;
    const v = ev.optionsVariable!;
    delete ev.optionsVariable;
    if (!nodes.some((n) => n.assigns?.includes(`${v}.uid`))) continue;
    // The states a path can be in: 'ug' for uid and gid set, 'u', 'g', '' — a set of them per node.
    const step = (n: CfgNode, state: string): string => {
      let uid = state.includes('u');
      let gid = state.includes('g');
      const literal = objectFields.get(n.id)?.get(v);
      if (n.assigns?.includes(v)) {
        uid = literal?.has('uid') ?? false;
        gid = literal?.has('gid') ?? false;
      }
      if (n.assigns?.includes(`${v}.uid`)) uid = true;
      if (n.assigns?.includes(`${v}.gid`)) gid = true;
      return (uid ? 'u' : '') + (gid ? 'g' : '');
    };
    const states = new Map<number, Set<string>>([[entry, new Set([''])]]);
    const work = [entry];
    while (work.length) {
      const id = work.pop()!;
      const n = nodes[id]!;
      if (n === at) continue;
      const out = new Set([...states.get(id)!].map((st) => step(n, st)));
      for (const s of n.succ) {
        if (s < 0) continue;
        const cur = states.get(s) ?? new Set<string>();
        const before = cur.size;
        for (const st of out) cur.add(st);
        states.set(s, cur);
        if (cur.size !== before || before === 0) work.push(s);
      }
    }
    const reaching = states.get(at.id) ?? new Set<string>();
    if (reaching.has('u')) ev.uid = `${v}.uid`;
    else if (reaching.has('ug')) Object.assign(ev, { uid: `${v}.uid`, gid: `${v}.gid` });
  }
}

function assignmentsIn(expr: Node): { name: string; right: Node }[] {
  const all = [expr, ...expr.descendantsOfType('assignment_expression')].filter((a): a is Node => a?.type === 'assignment_expression');
  return all.map((a) => ({ name: a.childForFieldName('left')!.text, right: a.childForFieldName('right')! }));
}

/** `privileged = true;`: variables set to a constant truth value. */
function constantAssignments(expr: Node): [string, boolean][] {
  return assignmentsIn(expr).flatMap(({ name, right }) => {
    const v = constantTruth(unwrap(right));
    return v === null ? [] : [[name, v] as [string, boolean]];
  });
}


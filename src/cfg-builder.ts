/**
 * Graph-building primitives shared by the front-ends' control-flow graph builders (C, Node): nodes and pending
 * edges, statement sequences, break/continue, loops, and short-circuit conditions. Each front-end supplies how its
 * syntax maps onto them.
 */
import type { Node } from 'web-tree-sitter';
import { locOf } from './c/syntax.js';
import type { CfgNode, NodeKind } from './model.js';
import { checkTime } from './time-limit.js';

export interface Pending {
  from: number;
  /** Successor slot: 0/1 for a condition's true/false edge, -1 to append. */
  slot: number;
}

/** The out-edges of a condition: taken when it is true, and when it is false. */
export interface Branches {
  t: Pending[];
  f: Pending[];
}

export abstract class GraphBuilder {
  protected readonly nodes: CfgNode[] = [];
  protected readonly breaks: Pending[][] = [];
  /** What each open `break` target is: a loop (a break leaves the work) or a switch (a break ends the case). */
  protected readonly breakKinds: ('loop' | 'switch')[] = [];
  protected readonly continues: Pending[][] = [];
  protected readonly entryId: number;
  protected readonly exitId: number;

  constructor(protected readonly file: string) {
    this.entryId = this.newNode('entry').id;
    this.exitId = this.newNode('exit').id;
  }

  protected abstract statement(node: Node, ins: Pending[]): Pending[];
  protected abstract condition(expr: Node, ins: Pending[]): Branches;
  /** The constant truth of a loop condition (`1`, `true`), or null. */
  protected abstract constantTruth(cond: Node): boolean | null;
  /** A loop's update expression (`i++`) as a step of its own. */
  protected abstract updateStep(update: Node, ins: Pending[]): Pending[];

  protected newNode(kind: NodeKind, ast?: Node): CfgNode {
    checkTime();
    const node: CfgNode = { id: this.nodes.length, kind, events: [], succ: kind === 'cond' ? [-1, -1] : [] };
    if (ast) node.loc = locOf(this.file, ast);
    this.nodes.push(node);
    return node;
  }

  protected connect(pending: Pending[], to: number): void {
    for (const p of pending) {
      const n = this.nodes[p.from]!;
      if (p.slot < 0) {
        if (!n.succ.includes(to)) n.succ.push(to);
      } else n.succ[p.slot] = to;
    }
  }

  protected sequence(stmts: Node[], ins: Pending[]): Pending[] {
    let outs = ins;
    for (const s of stmts) outs = this.statement(s, outs);
    return outs;
  }

  /** `break` / `continue`: an edge to the innermost target, marked as a deliberate jump. */
  protected jump(node: Node, isBreak: boolean, ins: Pending[]): Pending[] {
    const targets = isBreak ? this.breaks : this.continues;
    if (!targets.length) return ins;
    const jump = this.newNode('stmt', node);
    if (!isBreak) jump.jump = 'continue';
    else if (this.breakKinds.at(-1) === 'loop') jump.jump = 'break';
    this.connect(ins, jump.id);
    targets.at(-1)!.push({ from: jump.id, slot: -1 });
    return [];
  }

  /** A loop; `cond` undefined: a loop over a collection, whose body runs zero or more times. */
  protected loop(ins: Pending[], cond: Node | null | undefined, body: Node | null, update: Node | null | undefined, order: 'test-first' | 'body-first'): Pending[] {
    this.breaks.push([]);
    this.breakKinds.push('loop');
    this.continues.push([]);
    const head = this.newNode(cond === undefined ? 'branch' : 'stmt');
    this.connect(ins, head.id);
    let exits: Pending[] = cond === undefined ? [{ from: head.id, slot: -1 }] : [];
    let bodyIns: Pending[] = [{ from: head.id, slot: -1 }];
    const constant = cond ? this.constantTruth(cond) : true;
    if (cond && update && constant === null) head.loop = 'counted';
    const test = (from: Pending[]): Branches => {
      if (!cond || constant === true) return { t: from, f: [] };
      if (constant === false) return { t: [], f: from };
      return this.condition(cond, from);
    };
    if (order === 'test-first') {
      const r = test(bodyIns);
      bodyIns = r.t;
      exits = [...exits, ...r.f];
    }
    let bodyOuts = body ? this.statement(body, bodyIns) : bodyIns;
    bodyOuts = [...bodyOuts, ...this.continues.pop()!];
    if (update) bodyOuts = this.updateStep(update, bodyOuts);
    if (order === 'body-first') {
      const r = test(bodyOuts);
      this.connect(r.t, head.id);
      exits = r.f;
    } else this.connect(bodyOuts, head.id);
    this.breakKinds.pop();
    return [...exits, ...this.breaks.pop()!];
  }

  /**
   * The short-circuit forms — `!(a && b)`, `a && b`, `a || b`, `a ?? b`, `c ? a : b` (of node type `ternaryType`) —
   * with each operand a condition of its own; undefined for a plain condition.
   */
  protected shortCircuit(e: Node, ins: Pending[], ternaryType: string, isShortCircuit: (n: Node) => boolean): Branches | undefined {
    if (e.type === 'unary_expression' && e.child(0)?.text === '!' && isShortCircuit(e.childForFieldName('argument')!)) {
      const r = this.condition(e.childForFieldName('argument')!, ins);
      return { t: r.f, f: r.t };
    }
    if (e.type === 'binary_expression') return this.logical(e.childForFieldName('operator')?.text, e.childForFieldName('left')!, e.childForFieldName('right')!, ins);
    if (e.type === ternaryType) return this.ternary(e.childForFieldName('condition')!, e.childForFieldName('consequence'), e.childForFieldName('alternative')!, ins);
    return undefined;
  }

  /** `a && b`, `a || b` (and `??`): each operand a condition of its own; undefined for other operators. */
  private logical(op: string | undefined, left: Node, right: Node, ins: Pending[]): Branches | undefined {
    if (op === '&&') {
      const a = this.condition(left, ins);
      const b = this.condition(right, a.t);
      return { t: b.t, f: [...a.f, ...b.f] };
    }
    if (op === '||' || op === '??') {
      const a = this.condition(left, ins);
      const b = this.condition(right, a.f);
      return { t: [...a.t, ...b.t], f: b.f };
    }
    return undefined;
  }

  /** `c ? a : b` as a condition. */
  private ternary(cond: Node, then: Node | null, otherwise: Node, ins: Pending[]): Branches {
    const c = this.condition(cond, ins);
    const a = then ? this.condition(then, c.t) : c;
    const b = this.condition(otherwise, c.f);
    return { t: [...a.t, ...b.t], f: [...a.f, ...b.f] };
  }
}

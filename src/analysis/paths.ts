/** Path questions over a supergraph that several rules ask. */
import type { PrivilegeEvent } from '../model.js';
import type { Supergraph, SuperNode } from './supergraph.js';

const finishingCache = new WeakMap<Supergraph, Set<number>>();
const flagCache = new WeakMap<Supergraph, Map<number, Map<string, boolean>>>();

/** Nodes from which the root function can return or the process can end: the others are loops that never end. */
export function finishingNodes(g: Supergraph): Set<number> {
  let finishing = finishingCache.get(g);
  if (finishing) return finishing;
  finishing = new Set<number>();
  const preds = new Map<number, number[]>();
  for (const n of g.nodes) for (const s of n.succ) {
    const list = preds.get(s);
    if (list) list.push(n.id);
    else preds.set(s, [n.id]);
  }
  const work = g.nodes.filter((n) => n.dies || n.id === g.exit).map((n) => n.id);
  while (work.length) {
    const id = work.pop()!;
    if (finishing.has(id)) continue;
    finishing.add(id);
    for (const p of preds.get(id) ?? []) if (!finishing.has(p)) work.push(p);
  }
  finishingCache.set(g, finishing);
  return finishing;
}

/** The successor a test of `ev`'s result takes when `ev` failed, if the test shows it. */
export function failureSuccessor(node: SuperNode, ev: PrivilegeEvent): number | undefined {
  if (node.origin.kind !== 'cond' || !node.tests) return undefined;
  const stored = ev.result?.kind === 'stored' || ev.result?.kind === 'tested' ? ev.result.variable : undefined;
  const test = node.tests.find((t) => ('event' in t.subject && t.subject.event === ev.id) || (stored !== undefined && 'variable' in t.subject && t.subject.variable === stored));
  if (!test || test.whenFails === null) return undefined;
  return node.succ[test.whenFails ? 0 : 1];
}

/** Flag variables a condition node decides: successor index → (variable → truth). */
function flagTests(node: SuperNode): { variable: string; whenTrue: number; whenFalse: number }[] {
  if (node.origin.kind !== 'cond' || !node.tests) return [];
  const out = [];
  for (const t of node.tests) {
    if (!('variable' in t.subject) || t.whenFails === null || t.whenNull === null || t.whenNull === undefined || t.whenFails === t.whenNull) continue;
    out.push({ variable: t.subject.variable, whenTrue: t.whenFails ? 0 : 1, whenFalse: t.whenNull ? 0 : 1 });
  }
  return out;
}

export function applyConstants(node: SuperNode, flags: Map<string, boolean>): void {
  for (const v of node.origin.assigns ?? []) flags.delete(v);
  for (const [v, value] of Object.entries(node.origin.constants ?? {})) flags.set(v, value);
}

/** Is the `index`-th successor consistent with what is known of the flags? Refines the flags for that edge. */
export function followEdge(node: SuperNode, index: number, flags: Map<string, boolean>): Map<string, boolean> | undefined {
  let out = flags;
  for (const t of flagTests(node)) {
    const known = flags.get(t.variable);
    const implied = index === t.whenTrue ? true : index === t.whenFalse ? false : undefined;
    if (implied === undefined) continue;
    if (known !== undefined && known !== implied) return undefined;
    if (out === flags) out = new Map(flags);
    out.set(t.variable, implied);
  }
  return out;
}

/** Flags (variables used as booleans) known on every path into each node: a must-analysis. */
function knownFlags(g: Supergraph): Map<number, Map<string, boolean>> {
  let states = flagCache.get(g);
  if (states) return states;
  states = new Map([[g.entry, new Map()]]);
  const work = [g.entry];
  while (work.length) {
    const id = work.pop()!;
    const node = g.nodes[id]!;
    const out = new Map(states.get(id));
    applyConstants(node, out);
    node.succ.forEach((s, index) => {
      const along = followEdge(node, index, out);
      if (!along) return;
      const cur = states!.get(s);
      if (!cur) {
        states!.set(s, new Map(along));
        work.push(s);
        return;
      }
      let changed = false;
      for (const [k, v] of cur) if (along.get(k) !== v) {
        cur.delete(k);
        changed = true;
      }
      if (changed) work.push(s);
    });
  }
  flagCache.set(g, states);
  return states;
}

const MAX_STATES = 20_000;

/**
 * After `ev` (the `index`-th event of `node`) succeeded, does some path go on — to the end of the program, or
 * into a loop that never ends — without an event that `settles` it? Paths that end the process on an error do
 * not count; a successful exit (`exit(0)`) does. Branches on flag variables are followed consistently
 * (`if (!privileged) return;` in a restore helper is not taken after a drop made only when privileged).
 */
export function continuesWithout(g: Supergraph, node: SuperNode, index: number, ev: PrivilegeEvent, settles: (e: PrivilegeEvent) => boolean): boolean {
  if (node.events.slice(index + 1).some(settles)) return false;
  if (node.dies) return node.exitsNormally === true;
  const finishing = finishingNodes(g);
  const start = new Map(knownFlags(g).get(node.id));
  applyConstants(node, start);
  const seen = new Set<string>();
  const fail = failureSuccessor(node, ev);
  const stack: [number, Map<string, boolean>][] = [];
  const push = (from: SuperNode, flags: Map<string, boolean>, skip: number | undefined): void => {
    from.succ.forEach((s, i) => {
      if (s === skip) return;
      const along = followEdge(from, i, flags);
      if (along) stack.push([s, along]);
    });
  };
  push(node, start, fail);
  while (stack.length) {
    const [id, flags] = stack.pop()!;
    const key = `${id}|${[...flags].sort().join(',')}`;
    if (seen.has(key)) continue;
    if (seen.size > MAX_STATES) return false;
    seen.add(key);
    const n = g.nodes[id]!;
    if (n.events.some(settles)) continue;
    if (n.dies) {
      if (n.exitsNormally) return true;
      continue;
    }
    // The end of a function nobody in the project calls: its callers are unknown, so nothing can be said.
    if (id === g.exit) {
      if (g.root.isEntry) return true;
      continue;
    }
    if (!finishing.has(id)) return true;
    const next = new Map(flags);
    applyConstants(n, next);
    push(n, next, failureSuccessor(n, ev));
  }
  return false;
}

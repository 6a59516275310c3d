/** Small graph algorithms shared by the rules. */
import { checkTime } from '../time-limit.js';

/** Forward "may" facts: a fact holds at a point when it holds on at least one path reaching it. */
export function forwardFacts<N extends { id: number; succ: number[] }>(
  nodes: N[],
  entry: number,
  init: Iterable<string>,
  transfer: (facts: Set<string>, node: N) => void,
  /**
   * The facts that flow along one edge (the `index`-th successor) where it refines them (the failure branch of a
   * test): a new set, or undefined where the edge changes nothing (`facts` is not changed: it is not copied for
   * every edge).
   */
  edge?: (facts: ReadonlySet<string>, node: N, index: number) => Set<string> | undefined,
): Map<number, Set<string>> {
  const inStates = new Map<number, Set<string>>();
  inStates.set(entry, new Set(init));
  const work = [entry];
  const queued = new Set(work);
  while (work.length) {
    checkTime();
    const id = work.pop()!;
    queued.delete(id);
    const out = new Set(inStates.get(id));
    transfer(out, nodes[id]!);
    // `out` itself is stored at the first successor that has no state yet (it is not used after this loop).
    let outStored = false;
    nodes[id]!.succ.forEach((s, index) => {
      const refined = edge?.(out, nodes[id]!, index);
      const flowing = refined ?? out;
      const cur = inStates.get(s);
      let changed = false;
      if (!cur) {
        // A refined set is this edge's own.
        const store = refined ?? (!outStored ? out : new Set(out));
        if (store === out) outStored = true;
        inStates.set(s, store);
        changed = true;
      } else {
        for (const f of flowing) if (!cur.has(f)) {
          cur.add(f);
          changed = true;
        }
      }
      if (changed && !queued.has(s)) {
        queued.add(s);
        work.push(s);
      }
    });
  }
  return inStates;
}

/** Nodes reachable from `starts`, not expanding past nodes where `stop` holds (those are included). */
export function reachable<N extends { id: number; succ: number[] }>(nodes: N[], starts: number[], stop: (n: N) => boolean = () => false): Set<number> {
  const seen = new Set<number>();
  const work = [...starts];
  while (work.length) {
    const id = work.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const n = nodes[id]!;
    if (stop(n)) continue;
    for (const s of n.succ) if (!seen.has(s)) work.push(s);
  }
  return seen;
}

/** Nodes that lie on a cycle. */
export function cyclicNodes<N extends { id: number; succ: number[] }>(nodes: N[]): Set<number> {
  const result = new Set<number>();
  cycleComponents(nodes).forEach((c, id) => {
    if (c >= 0) result.add(id);
  });
  return result;
}

/** For each node (by id), the strongly connected component of the cycles it lies on; -1 for a node on no cycle. */
export function cycleComponents<N extends { id: number; succ: number[] }>(nodes: N[]): Int32Array {
  // Tarjan's strongly connected components, iterative.
  const index = new Map<number, number>();
  const low = new Map<number, number>();
  const onStack = new Set<number>();
  const stack: number[] = [];
  const result = new Int32Array(nodes.length).fill(-1);
  let counter = 0;
  let components = 0;
  for (const start of nodes) {
    if (index.has(start.id)) continue;
    const frames: { id: number; i: number }[] = [{ id: start.id, i: 0 }];
    index.set(start.id, counter);
    low.set(start.id, counter++);
    stack.push(start.id);
    onStack.add(start.id);
    while (frames.length) {
      const f = frames.at(-1)!;
      const succ = nodes[f.id]!.succ;
      if (f.i < succ.length) {
        const s = succ[f.i++]!;
        if (!index.has(s)) {
          index.set(s, counter);
          low.set(s, counter++);
          stack.push(s);
          onStack.add(s);
          frames.push({ id: s, i: 0 });
        } else if (onStack.has(s)) low.set(f.id, Math.min(low.get(f.id)!, index.get(s)!));
        continue;
      }
      frames.pop();
      if (frames.length) {
        const parent = frames.at(-1)!.id;
        low.set(parent, Math.min(low.get(parent)!, low.get(f.id)!));
      }
      if (low.get(f.id) === index.get(f.id)) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== f.id);
        if (component.length > 1 || nodes[f.id]!.succ.includes(f.id)) {
          for (const c of component) result[c] = components;
          components++;
        }
      }
    }
  }
  return result;
}

/**
 * Each node's rank in reverse postorder from `entry` (a node before its successors, but along back edges): a forward
 * worklist that takes the lowest rank first meets a node once its predecessors outside loops are done. Nodes not
 * reached from `entry` rank last.
 */
export function reversePostorder(succ: readonly (readonly number[])[], entry: number): Int32Array {
  const count = succ.length;
  const rank = new Int32Array(count).fill(count);
  const post = postorder(entry, count, (id) => succ[id]!);
  for (let i = 0; i < post.length; i++) rank[post[post.length - 1 - i]!] = i;
  return rank;
}

/** The nodes `next` leads to from `start` (ids below `size`), in the postorder of a depth-first walk. */
function postorder(start: number, size: number, next: (id: number) => readonly number[]): number[] {
  const visited = new Uint8Array(size);
  const post: number[] = [];
  // An explicit stack of (node, next successor index): graphs are deep enough to overflow recursion.
  const nodes: number[] = [start];
  const index: number[] = [0];
  visited[start] = 1;
  while (nodes.length) {
    const top = nodes.length - 1;
    const id = nodes[top]!;
    const out = next(id);
    if (index[top]! < out.length) {
      const s = out[index[top]!++]!;
      if (s >= 0 && s < size && !visited[s]) {
        visited[s] = 1;
        nodes.push(s);
        index.push(0);
      }
      continue;
    }
    post.push(id);
    nodes.pop();
    index.pop();
  }
  return post;
}

/** A set of node ids taken lowest rank first (a binary heap; each id at most once). */
export class RankedWork {
  private readonly heap: number[] = [];
  private readonly queued: Uint8Array;

  constructor(private readonly rank: Int32Array) {
    this.queued = new Uint8Array(rank.length);
  }

  get size(): number {
    return this.heap.length;
  }

  add(id: number): void {
    if (this.queued[id]) return;
    this.queued[id] = 1;
    const { heap, rank } = this;
    let i = heap.push(id) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (rank[heap[parent]!]! <= rank[id]!) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = id;
  }

  take(): number {
    const { heap, rank } = this;
    const top = heap[0]!;
    this.queued[top] = 0;
    const last = heap.pop()!;
    if (heap.length) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= heap.length) break;
        const r = l + 1;
        const child = r < heap.length && rank[heap[r]!]! < rank[heap[l]!]! ? r : l;
        if (rank[heap[child]!]! >= rank[last]!) break;
        heap[i] = heap[child]!;
        i = child;
      }
      heap[i] = last;
    }
    return top;
  }
}

/**
 * Each node's immediate postdominator: the first node every path from it to an end passes (an end: a node with no
 * successor, the graph's exit or a call that never returns), by node id; `succ.length` (the virtual end after every
 * end) where the paths have no other node in common; -1 where no end can be reached (a loop with no way out). Paths
 * into such a loop are not counted: a node's postdominator is that of its paths that end. Cooper, Harvey and
 * Kennedy's iterative algorithm on the reversed graph.
 */
export function immediatePostdominators(succ: readonly (readonly number[])[], preds: readonly (readonly number[])[]): Int32Array {
  const count = succ.length;
  const END = count;
  // Postorder numbers of a depth-first walk of the reversed graph from the virtual end (which numbers last).
  const ends: number[] = [];
  for (let id = 0; id < count; id++) if (succ[id]!.length === 0) ends.push(id);
  const post = postorder(END, count + 1, (id) => (id === END ? ends : preds[id]!));
  const order = new Int32Array(count + 1).fill(-1);
  post.forEach((id, i) => (order[id] = i));
  const idom = new Int32Array(count + 1).fill(-1);
  idom[END] = END;
  const intersect = (a: number, b: number): number => {
    while (a !== b) {
      while (order[a]! < order[b]!) a = idom[a]!;
      while (order[b]! < order[a]!) b = idom[b]!;
    }
    return a;
  };
  for (let changed = true; changed; ) {
    changed = false;
    // Reverse postorder of the reversed graph, the virtual end (first) aside.
    for (let i = post.length - 2; i >= 0; i--) {
      const id = post[i]!;
      const out = succ[id]!.length ? succ[id]! : [END];
      let chosen = -1;
      for (const s of out) {
        if (idom[s] === -1) continue;
        chosen = chosen === -1 ? s : intersect(s, chosen);
      }
      if (chosen !== -1 && idom[id] !== chosen) {
        idom[id] = chosen;
        changed = true;
      }
    }
  }
  return idom;
}

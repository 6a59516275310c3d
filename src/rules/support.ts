/** Helpers shared by rules: event walks over supergraphs, the code's own terms for the sequence. */
import { loginClassSets } from '../login-class.js';
import { constantsAfter, entryFlags, flagRanking, flagsKey, followEdge, knownNotRoot, liveOnly, skippedCall } from '../analysis/paths.js';
import { RankedWork, reversePostorder } from '../analysis/flow.js';
import { SetPool, sameMembers } from '../analysis/set-pool.js';
import type { Supergraph, SuperNode } from '../analysis/supergraph.js';
import { type FunctionModel, type Language, type PrivilegeEvent, type SetIdEvent } from '../model.js';
import { writerFor, type CodeWriter, type SequenceTerms } from '../sequence.js';
import type { RelatedLocation, RuleContext } from './rule.js';

export function oneLine(text: string, max = 80): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

export function isPermanentDrop(e: PrivilegeEvent, idKind: 'uid' | 'gid' = 'uid'): e is SetIdEvent {
  return e.kind === 'set-id' && e.idKind === idKind && e.scope === 'permanent' && e.direction === 'drop';
}

export { isExec } from '../analysis/paths.js';

/** BSD setusercontext() with LOGIN_SETUSER (or LOGIN_SETALL): it sets the user id as well as the groups. */
export function isLoginContextDrop(e: PrivilegeEvent): boolean {
  if ((e.kind !== 'set-groups' && e.kind !== 'call') || e.api !== 'setusercontext') return false;
  const arg = e.args[3];
  return loginClassSets((typeof arg === 'string' ? arg : arg?.text) ?? '', 'USER');
}

/**
 * What the program behind a graph is, for whose input and groups it has (`programKind`, else inferred): a
 * set-user-ID program when one of its drops returns to the invoking user (`setuid(getuid())`, `setgid(getgid())`), else a daemon started
 * by root (also one whose return to the invoker is followed by a drop to another account: see supergraph.ts
 * `returnsToRootInvoker`); undefined for a library, whose callers decide.
 */
export function programKindOf(ctx: RuleContext, g: Supergraph): 'setuid' | 'daemon' | undefined {
  const configured = ctx.project.config.programKind;
  if (configured === 'library') return undefined;
  if (configured === 'setuid' || configured === 'daemon') return configured;
  // Any return to the invoker counts: its uid or its gid (`setgid(getgid())` after writing a log as group root),
  // for good or for a while. A daemon started by root has no invoker to return to: its real ids are root's.
  // (`Supergraph.setUserId`, inferred when the graph was built.)
  return g.setUserId ? 'setuid' : 'daemon';
}

/**
 * Shared walk facts: which saved ids may still be privileged (`uid`, `gid`), and the effective-only uid drops that may
 * have set root aside without taking it back (`lowered:<event id>`): `seteuid(getuid())` with root kept as the saved
 * uid. Until root is taken back (seteuid(0), or capabilities raised again) the process has no privilege to change
 * its ids, and a plain setuid()/setgid() then changes only the effective id (`effectiveOnlySetId`): it is no
 * permanent drop. Walks follow them with `SAVED_IDS` as their initial facts and `trackSavedIds` as (part of) their
 * transfer (temporary-drop asks with the flags told apart).
 */
export const SAVED_IDS: readonly string[] = ['uid', 'gid'];
export const LOWERED = 'lowered:';

/** Plain setuid()/setgid() (C, `process.setuid`): all three ids only when the caller is privileged, else only the effective id. */
export function isPlainSetId(e: PrivilegeEvent): e is SetIdEvent {
  return e.kind === 'set-id' && e.scope === 'permanent' && /(^|\.)set[ug]id$/.test(e.api);
}

/** A capability raise that may give back CAP_SETUID/CAP_SETGID (capset, cap_set_proc, capng_update): ids can be changed again. */
export function regainsSetIdCapability(e: PrivilegeEvent): boolean {
  return e.kind === 'capability' && (e.action === 'set' || e.action === 'add') && (e.caps === null || e.caps.some((c) => c === '*' || c === 'CAP_SETUID' || c === 'CAP_SETGID'));
}

/**
 * A plain setuid()/setgid() made where the effective uid may be set aside with root saved (facts before it): made
 * without root, it changes only the effective id, and the saved id keeps root. Not a permanent drop.
 */
export function effectiveOnlySetId(e: PrivilegeEvent, before: ReadonlySet<string>): boolean {
  if (!isPlainSetId(e)) return false;
  for (const f of before) if (f.startsWith(LOWERED)) return true;
  return false;
}

/**
 * The shared facts after one event: a permanent drop of the uid (gid) changes the saved uid (gid) — unless it is a
 * plain setuid()/setgid() made while the effective uid may be set aside (then only the effective id changes).
 */
export function trackSavedIds(facts: Set<string>, e: PrivilegeEvent): void {
  if (regainsSetIdCapability(e)) deleteFacts(facts, LOWERED);
  if (e.kind !== 'set-id') return;
  if (e.idKind === 'uid' && e.direction === 'raise') deleteFacts(facts, LOWERED);
  if (e.idKind === 'uid' && e.scope === 'effective' && e.direction === 'drop' && e.target !== 'unchanged' && facts.has('uid')) facts.add(LOWERED + e.id);
  if (e.scope === 'permanent' && e.direction === 'drop' && e.target !== 'unchanged') {
    if (effectiveOnlySetId(e, facts)) return;
    facts.delete(e.idKind);
    if (e.idKind === 'uid') deleteFacts(facts, LOWERED);
  }
}

export function isDrop(e: PrivilegeEvent): e is SetIdEvent {
  return e.kind === 'set-id' && e.direction === 'drop';
}

interface FlowState {
  /** One fact set per walk. */
  facts: Set<string>[];
  flags: Map<string, boolean>;
}

const MAX_PARTITIONS_PER_NODE = 32;
/** Where too many combinations met, the most telling flags are kept while they make no more than this many. */
const WIDENED_PARTITIONS = 16;

/** A widened node: the flags it keeps, every state that arrived there, and the ranked flags those carried. */
interface Widened {
  kept?: Set<string>;
  arrived: Map<string, FlowState>;
  present: Set<string>;
  /** How many times the kept flags were chosen here. */
  chosen: number;
}

/**
 * How many times a widened node chooses its flags again because a flag not seen there before arrived. Each such
 * choice follows a new flag, so there are no more than the ranking's length; between two, the flags kept only
 * shrink (a choice made again because too many combinations met keeps a shorter head, the states that arrived only
 * growing). This bounds the first further, for graphs that follow many flags.
 */
const MAX_CHOICES = 64;

/** The flags in `kept` only (the same map when none is left out). */
function keepOnly(flags: Map<string, boolean>, kept: ReadonlySet<string>): Map<string, boolean> {
  for (const v of flags.keys()) if (!kept.has(v)) return new Map([...flags].filter(([k]) => kept.has(k)));
  return flags;
}


/** One rule's question over a graph: facts to follow forward, and what to do with the facts before each event. */
interface Walk {
  init: string[];
  /**
   * `notRoot`: the process is known not to be root before the event's node (`knownNotRoot`), told only to walks
   * that ask for it (`rootAware`): the facts after a node are otherwise shared by every combination of flags.
   */
  transfer: (facts: Set<string>, ev: PrivilegeEvent, notRoot: boolean) => void;
  visit: (ev: PrivilegeEvent, before: ReadonlySet<string>, node: SuperNode, flags: ReadonlyMap<string, boolean>) => void;
  /**
   * What an edge tells (a branch of a test): new facts for it, or undefined when it changes nothing. `flags`: those
   * known after the node (before the branch's own refinement).
   */
  edge?: (facts: ReadonlySet<string>, node: SuperNode, index: number, flags: ReadonlyMap<string, boolean>) => Set<string> | undefined;
  rootAware?: boolean;
}

/** Walks asked for while the rules run together: answered by one pass over each graph. */
let pending: Map<Supergraph, Walk[]> | undefined;

/**
 * Follow facts forward over a supergraph and visit every event with the facts that may hold just before it.
 * Facts are kept apart per combination of flag variables (`if (!privileged) return;`), so that paths a flag
 * tells apart are not mixed; within one combination facts hold when they hold on some path.
 * `transfer` updates the facts for one event; `edge` refines them along one successor edge.
 * Inside `withSharedWalks`, the walk is answered later, in one pass over the graph together with every other
 * rule's: one analysis, many rules.
 */
export function walkEvents(
  g: Supergraph,
  init: string[],
  transfer: Walk['transfer'],
  visit: Walk['visit'],
  edge?: Walk['edge'],
  options?: { rootAware?: boolean },
): void {
  const walk: Walk = { init, transfer, visit, edge, rootAware: options?.rootAware };
  if (!pending) return runWalks(g, [walk]);
  const list = pending.get(g);
  if (list) list.push(walk);
  else pending.set(g, [walk]);
}

/** Run `body` (the rules' checks), then answer every walk they asked for with one pass per graph. */
export function withSharedWalks(body: () => void): void {
  const outer = pending;
  pending = new Map();
  try {
    body();
    for (const [g, walks] of pending) runWalks(g, walks);
  } finally {
    pending = outer;
  }
}

function runWalks(g: Supergraph, walks: Walk[]): void {
  const states = new Map<number, Map<string, FlowState>>();
  // Nodes are taken in reverse postorder (each after its predecessors, loops aside), with every flag combination
  // waiting there: a node's facts are carried on once most of what reaches it has arrived, not again at each arrival.
  const work = new RankedWork(reversePostorder(g.nodes.map((n) => n.succ), g.entry));
  /** The flag combinations waiting in `work`, per node. */
  const queued: (Set<string> | undefined)[] = [];
  const enqueue = (id: number, key: string): void => {
    const waiting = (queued[id] ??= new Set());
    if (waiting.has(key)) return;
    waiting.add(key);
    work.add(id);
  };
  /**
   * Nodes where too many flag combinations met: the flags still told apart there (`kept`), and every state that
   * arrived there with all its flags (`arrived`, one per combination), so that the flags kept are chosen again over
   * all of them whenever a flag not seen there before arrives: which flags a node keeps does not depend on the order
   * in which states reach it.
   */
  const widened = new Map<number, Widened>();
  const ranking = flagRanking(g);
  const rankOf = new Map(ranking.map((v, i) => [v, i]));
  const keyOf = (flags: Map<string, boolean>): string => flagsKey(g, flags);
  const flagsOfKey = new Map<string, Map<string, boolean>>();
  /** Equal fact sets are one set: states are many and their facts mostly alike (stored sets are never changed). */
  const factSets = new SetPool();
  const shared = (facts: Set<string>): Set<string> => factSets.intern(facts);
  /**
   * The longest head of the ranking, among the flags present, that tells no more than WIDENED_PARTITIONS of the
   * states apart (more flags never tell fewer apart, so a binary search finds it: graphs follow a hundred flags and
   * more). Whether the process is root, and which process of a fork it is, are given up last.
   */
  const headFor = (present: ReadonlySet<string>, all: Iterable<FlowState>): Set<string> => {
    const ordered = ranking.filter((v) => present.has(v));
    const flagSets = [...all].map((p) => p.flags);
    const fits = (k: number): boolean => {
      const head = new Set(ordered.slice(0, k));
      return new Set(flagSets.map((f) => keyOf(keepOnly(f, head)))).size <= WIDENED_PARTITIONS;
    };
    let low = 0;
    let high = ordered.length;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (fits(mid)) low = mid;
      else high = mid - 1;
    }
    return new Set(ordered.slice(0, low));
  };
  /**
   * Choose the flags a widened node keeps over every state that arrived there, and rebuild its states from those:
   * the states whose facts or flags are new are carried on again. The states already carried on from the node stay
   * where they went: each is what some paths that arrived here carry, only told apart by other flags.
   */
  const rechoose = (id: number, w: Widened, always: boolean): void => {
    const keep = headFor(w.present, w.arrived.values());
    const parts = states.get(id)!;
    if (!always && w.kept && sameMembers(keep, w.kept)) return;
    w.kept = keep;
    w.chosen++;
    const old = new Map(parts);
    parts.clear();
    for (const a of w.arrived.values()) {
      const flags = keepOnly(a.flags, keep);
      const key = keyOf(flags);
      const cur = parts.get(key);
      if (!cur) {
        let canonical = flagsOfKey.get(key);
        if (!canonical) flagsOfKey.set(key, (canonical = flags));
        parts.set(key, { facts: a.facts.slice(), flags: canonical });
        continue;
      }
      cur.facts = cur.facts.map((into, i) => union(into, a.facts[i]!));
    }
    for (const [key, p] of parts) {
      const before = old.get(key);
      if (!before || p.facts.some((f, i) => f !== before.facts[i])) enqueue(id, key);
    }
  };
  const union = (into: Set<string>, facts: Set<string>): Set<string> => {
    if (facts === into) return into;
    let grown: Set<string> | undefined;
    for (const f of facts) if (!into.has(f)) (grown ??= new Set(into)).add(f);
    return grown ? shared(grown) : into;
  };
  const arrive = (id: number, next: FlowState): void => {
    let parts = states.get(id);
    if (!parts) states.set(id, (parts = new Map()));
    const w = widened.get(id);
    if (w) {
      // Kept with all its flags, for choosing again later; a ranked flag not seen here before chooses again now.
      const rawKey = keyOf(next.flags);
      const seen = w.arrived.get(rawKey);
      if (!seen) {
        let canonical = flagsOfKey.get(rawKey);
        if (!canonical) flagsOfKey.set(rawKey, (canonical = next.flags));
        w.arrived.set(rawKey, { facts: next.facts.slice(), flags: canonical });
      } else seen.facts = seen.facts.map((into, i) => union(into, next.facts[i]!));
      // The first flag given up here: a new flag ranked below it changes nothing, the head stops before it.
      let cut = Infinity;
      for (const v of w.present) if (!w.kept!.has(v)) cut = Math.min(cut, rankOf.get(v)!);
      let fresh = false;
      for (const v of next.flags.keys()) {
        const rank = rankOf.get(v);
        if (rank === undefined || w.present.has(v)) continue;
        w.present.add(v);
        if (rank < cut && w.chosen < MAX_CHOICES) fresh = true;
      }
      if (fresh) {
        const before = w.kept;
        rechoose(id, w, false);
        if (w.kept !== before) return;
      }
      const flags = keepOnly(next.flags, w.kept!);
      const key = keyOf(flags);
      if (!parts.has(key) && parts.size >= MAX_PARTITIONS_PER_NODE) {
        rechoose(id, w, true);
        return;
      }
      merge(parts, id, { facts: next.facts, flags }, key);
      return;
    }
    const key = keyOf(next.flags);
    if (!parts.has(key) && parts.size >= MAX_PARTITIONS_PER_NODE) {
      // Too many flag combinations here: give up the least telling flags until few enough remain.
      const nw: Widened = { arrived: new Map(parts), present: new Set(), chosen: 0 };
      merge(nw.arrived, -1, next, key);
      for (const a of nw.arrived.values()) for (const v of a.flags.keys()) if (rankOf.has(v)) nw.present.add(v);
      widened.set(id, nw);
      rechoose(id, nw, true);
      return;
    }
    merge(parts, id, next, key);
  };
  const merge = (parts: Map<string, FlowState>, id: number, next: FlowState, key = keyOf(next.flags)): void => {
    const cur = parts.get(key);
    // Fact sets are never changed once stored (a grown one is replaced by a copy), so nodes share them freely.
    if (!cur) {
      // Equal keys are equal flags: one map a key for the whole graph (states are many, distinct keys few).
      let flags = flagsOfKey.get(key);
      if (!flags) flagsOfKey.set(key, (flags = next.flags));
      parts.set(key, { facts: next.facts.slice(), flags });
      if (id >= 0) enqueue(id, key);
      return;
    }
    let grew = false;
    next.facts.forEach((facts, w) => {
      const into = cur.facts[w]!;
      if (facts === into) return;
      let grown: Set<string> | undefined;
      for (const f of facts) if (!into.has(f)) (grown ??= new Set(into)).add(f);
      if (grown) {
        cur.facts[w] = shared(grown);
        grew = true;
      }
    });
    if (grew && id >= 0) enqueue(id, key);
  };
  /**
   * The facts after a node's events, per walk, for each set of facts before them: the same facts reach a node under
   * many combinations of flags, and equal sets are one object (`shared`), so each is carried through once.
   */
  const after = new Map<number, Map<Set<string>, Set<string>>>();
  const factsAfter = (node: SuperNode, w: number, before: Set<string>, flags: ReadonlyMap<string, boolean>): Set<string> => {
    const notRoot = rootAwareness(walks[w]!, flags);
    const key = (node.id * walks.length + w) * 2 + (notRoot ? 1 : 0);
    let known = after.get(key);
    if (!known) after.set(key, (known = new Map()));
    let out = known.get(before);
    if (!out) {
      const next = new Set(before);
      for (const ev of node.events) walks[w]!.transfer(next, ev, notRoot);
      known.set(before, (out = shared(next)));
    }
    return out;
  };
  const refinesEdges = walks.some((w) => w.edge);
  arrive(g.entry, { facts: walks.map((w) => new Set(w.init)), flags: entryFlags(g) });
  function carryOn(id: number, key: string): void {
    const state = states.get(id)?.get(key);
    if (!state) return; // merged away meanwhile
    const node = g.nodes[id]!;
    // Facts pass through nodes without events unchanged: shared, not copied (arrive() copies what it keeps).
    const facts = node.events.length ? state.facts.map((f, w) => factsAfter(node, w, f, state.flags)) : state.facts;
    const flags = constantsAfter(g, node, state.flags);
    node.succ.forEach((s, index) => {
      const along = followEdge(g, node, index, flags);
      if (!along) return;
      // The branch where the id is already the one a skipped call asks for carries that call's change.
      const skipped = skippedCall(g, node, index);
      const carried = skipped ? facts.map((f, w) => {
        const next = new Set(f);
        walks[w]!.transfer(next, skipped, rootAwareness(walks[w]!, flags));
        return shared(next);
      }) : facts;
      let outFacts = carried;
      if (refinesEdges) {
        for (let w = 0; w < walks.length; w++) {
          const refined = walks[w]!.edge?.(carried[w]!, node, index, flags);
          if (!refined) continue;
          // Refined facts are made one object with their equals too, so that the next node meets them again as one.
          if (outFacts === carried) outFacts = carried.slice();
          outFacts[w] = shared(refined);
        }
      }
      arrive(s, { facts: outFacts, flags: liveOnly(g, s, along) });
    });
  }
  while (work.size) {
    const id = work.take();
    const keys = [...queued[id]!];
    queued[id]!.clear();
    for (const key of keys) carryOn(id, key);
  }
  walks.forEach((walk, w) => {
    for (const node of g.nodes) {
      const { events } = node;
      if (!events.length) continue;
      const parts = states.get(node.id);
      if (!parts) continue;
      for (const state of parts.values()) {
        // The stored facts are shared: copied only when a later event of the node needs them changed.
        let cur: Set<string> = state.facts[w]!;
        for (let i = 0; i < events.length; i++) {
          walk.visit(events[i]!, cur, node, state.flags);
          if (i === events.length - 1) break;
          if (cur === state.facts[w]) cur = new Set(cur);
          walk.transfer(cur, events[i]!, rootAwareness(walk, state.flags));
        }
      }
    }
  });
}

/** Whether a walk is told that the process is known not to be root (only walks that ask are). */
function rootAwareness(walk: Walk, flags: ReadonlyMap<string, boolean>): boolean {
  return walk.rootAware === true && knownNotRoot(flags);
}

/**
 * What held before a graph's root ran is unknown when the root is a function the project calls but that could
 * not be inlined into its callers (inlining budget, recursion): facts about "before" must not be assumed there.
 */
export function startsMidway(ctx: RuleContext, g: Supergraph): boolean {
  return !g.root.isEntry && ctx.project.called.has(g.root);
}

/** The calls through which an inlined event was reached, outermost first. */
export function callPath(node: SuperNode): RelatedLocation[] {
  return node.chain.map((c) => ({ loc: c.loc, message: `via ${c.callee}() called here` }));
}

/** Facts named `prefix:<event id>` → the event ids. */
export function factIds(facts: ReadonlySet<string>, prefix: string): number[] {
  const ids: number[] = [];
  for (const f of facts) if (f.startsWith(prefix)) ids.push(Number(f.slice(prefix.length)));
  return ids.sort((a, b) => a - b);
}

export function deleteFacts(facts: Set<string>, prefix: string): void {
  for (const f of [...facts]) if (f.startsWith(prefix)) facts.delete(f);
}

export function eventIndex(g: Supergraph): Map<number, PrivilegeEvent> {
  const m = new Map<number, PrivilegeEvent>();
  for (const n of g.nodes) for (const e of n.events) m.set(e.id, e);
  return m;
}

/** The uid/gid/user expressions the code itself uses, for writing the sequence in its terms. */
export function codeTerms(ctx: RuleContext, events: Iterable<PrivilegeEvent>): SequenceTerms {
  let uid: string | undefined;
  let gid: string | undefined;
  let user: string | undefined;
  let jail: string | undefined;
  for (const e of events) {
    if (e.kind === 'set-id' && e.direction === 'drop' && e.target === 'other') {
      if (e.idKind === 'uid') uid ??= e.targetText;
      else gid ??= e.targetText;
    }
    if (e.kind === 'set-groups' && /(^|\.)initgroups$/.test(e.api)) user ??= e.args[0];
    if (e.kind === 'chroot' && e.path !== '.') jail ??= /^[A-Za-z_]/.test(e.path) ? e.path : JSON.stringify(e.path);
  }
  if (!gid && uid && /pw_uid$/.test(uid)) gid = uid.replace(/pw_uid$/, 'pw_gid');
  if (!uid && gid && /pw_gid$/.test(gid)) uid = gid.replace(/pw_gid$/, 'pw_uid');
  if (!user && uid && /->pw_uid$/.test(uid)) user = uid.replace(/pw_uid$/, 'pw_name');
  return { uid: uid ?? 'uid', gid: gid ?? 'gid', user, jail };
}

/** The writer for the language of the code at hand, with the ways of dying its file can call. */
export function writerIn(ctx: RuleContext, at: FunctionModel): CodeWriter {
  return writerFor(at.language, ctx.project, at.file);
}

/** The sequence written for each graph (its events and its root's file decide it), once per graph. */
const sequences = new WeakMap<Supergraph, string>();

/** The canonical sequence in the graph's language, with the expressions its code uses. */
export function sequenceIn(ctx: RuleContext, g: Supergraph): string {
  let sequence = sequences.get(g);
  if (sequence === undefined) {
    const events = g.nodes.flatMap((n) => n.events);
    sequences.set(g, (sequence = writerIn(ctx, g.root).dropSequence(codeTerms(ctx, events), ctx.project.config.platform)));
  }
  return sequence;
}

/** Helpers shared by rules: event walks over supergraphs, the code's own terms for the sequence. */
import { forwardFacts } from '../analysis/flow.js';
import type { Supergraph, SuperNode } from '../analysis/supergraph.js';
import type { PrivilegeEvent, SetIdEvent } from '../model.js';
import { cDropSequence, projectDie, type SequenceTerms } from '../sequence.js';
import type { RuleContext } from './rule.js';

export function oneLine(text: string, max = 80): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

export function isPermanentDrop(e: PrivilegeEvent, idKind: 'uid' | 'gid' = 'uid'): e is SetIdEvent {
  return e.kind === 'set-id' && e.idKind === idKind && e.scope === 'permanent' && e.direction === 'drop';
}

export function isDrop(e: PrivilegeEvent): e is SetIdEvent {
  return e.kind === 'set-id' && e.direction === 'drop';
}

/**
 * Run a forward may-analysis over a supergraph and visit every event with the facts that hold just before it.
 * `transfer` updates the facts for one event.
 */
export function walkEvents(
  g: Supergraph,
  init: string[],
  transfer: (facts: Set<string>, ev: PrivilegeEvent) => void,
  visit: (ev: PrivilegeEvent, before: ReadonlySet<string>, node: SuperNode) => void,
  edge?: (facts: Set<string>, node: SuperNode, index: number) => void,
): void {
  const states = forwardFacts(g.nodes, g.entry, init, (facts, node) => {
    for (const ev of node.events) transfer(facts, ev);
  }, edge);
  for (const node of g.nodes) {
    const facts = states.get(node.id);
    if (!facts) continue;
    const cur = new Set(facts);
    for (const ev of node.events) {
      visit(ev, cur, node);
      transfer(cur, ev);
    }
  }
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
    if (e.kind === 'set-groups' && e.api === 'initgroups') user ??= e.args[0];
    if (e.kind === 'chroot' && e.path !== '.') jail ??= /^[A-Za-z_]/.test(e.path) ? e.path : JSON.stringify(e.path);
  }
  if (!gid && uid && /pw_uid$/.test(uid)) gid = uid.replace(/pw_uid$/, 'pw_gid');
  if (!uid && gid && /pw_gid$/.test(gid)) uid = gid.replace(/pw_gid$/, 'pw_uid');
  if (!user && uid && /->pw_uid$/.test(uid)) user = uid.replace(/pw_uid$/, 'pw_name');
  return { uid: uid ?? 'uid', gid: gid ?? 'gid', user, jail, die: projectDie(ctx.project) };
}

export function sequenceIn(ctx: RuleContext, g: Supergraph | undefined): string {
  const events = g ? g.nodes.flatMap((n) => n.events) : [];
  return cDropSequence(codeTerms(ctx, events), ctx.project.config.platform);
}

export function lineOf(e: PrivilegeEvent): string {
  return `line ${e.loc.line}`;
}

/** At a condition node: is successor `index` the branch taken when `ev` (or the variable holding its result) failed? */
export function isFailureEdge(node: SuperNode, ev: PrivilegeEvent, index: number, nullOnFailure = false): boolean {
  if (node.origin.kind !== 'cond' || !node.tests) return false;
  const stored = ev.result?.kind === 'stored' || ev.result?.kind === 'tested' ? ev.result.variable : undefined;
  const holder = ev.kind === 'dir-open' ? ev.handle || stored : stored;
  for (const t of node.tests) {
    if ('event' in t.subject && t.subject.event === ev.id && t.whenFails !== null) return index === (t.whenFails ? 0 : 1);
    if ('variable' in t.subject && t.subject.variable === holder) {
      const w = nullOnFailure ? t.whenNull : t.whenFails;
      if (w !== null && w !== undefined) return index === (w ? 0 : 1);
    }
  }
  return false;
}

/**
 * Linux capabilities along a path, as facts for the rules' walks (may-facts: each holds on some path). A process
 * started by root holds every capability; a change of uid away from root clears them unless the permitted set is
 * kept (`prctl(PR_SET_KEEPCAPS, 1)`, libcap-ng's `capng_change_id`); capset/libcap/libcap-ng calls change them.
 * What matters to the rules: may the process lack CAP_SETGID or CAP_SYS_CHROOT where it calls setgid() or chroot()
 * after the uid change (`wrong-drop-order`), and may it still hold CAP_SYS_CHROOT for good after the uid change
 * (`chroot-without-drop`: a process that can chroot again can leave the jail).
 */
import type { PrivilegeEvent } from '../model.js';
import { forwardFacts } from './flow.js';
import { failureIndex } from './paths.js';
import type { Supergraph, SuperNode } from './supergraph.js';

const KEEP_ON = 'caps:keep-on';
const KEEP_OFF = 'caps:keep-off';
/** The uid was changed for good away from root (on some path). */
const UID_DROPPED = 'caps:uid-dropped';
/**
 * The uid may still be root: on some path no change for good away from root happened yet (or root was regained).
 * Facts are may-facts merged over paths, so UID_DROPPED alone does not say the uid is dropped on every path.
 */
const UID_ROOT = 'caps:uid-root';
/** Root regained by the raise with this event id (`caps:uid-root@12`): gone again on that raise's failure branch. */
const UID_REGAINED = 'caps:uid-root@';
/** One possible capability set: `*` all, `?` unknown, `+A,B` only these, `-A,B` all but these. */
const HELD = 'caps:held=';

/** The facts at a program's start: root with every capability, and the permitted set not kept across a uid change. */
export const CAPABILITY_START: readonly string[] = [KEEP_OFF, `${HELD}*`, UID_ROOT];

export const CAP_SETGID = 'CAP_SETGID';
export const CAP_SETUID = 'CAP_SETUID';
export const CAP_SYS_CHROOT = 'CAP_SYS_CHROOT';

/** The capability a call needs when the process is no longer root: setgid()/setgroups() CAP_SETGID, chroot() CAP_SYS_CHROOT. */
export function capabilityNeeded(e: PrivilegeEvent): string | undefined {
  if ((e.kind === 'set-id' && e.idKind === 'gid') || e.kind === 'set-groups') return CAP_SETGID;
  if (e.kind === 'chroot') return CAP_SYS_CHROOT;
  return undefined;
}

type HeldSet = { all: true; except: Set<string> } | { all: false; only: Set<string> } | 'unknown';

function parse(variant: string): HeldSet {
  if (variant === '?') return 'unknown';
  if (variant === '*') return { all: true, except: new Set() };
  const names = new Set(variant.slice(1).split(',').filter(Boolean));
  return variant[0] === '-' ? { all: true, except: names } : { all: false, only: names };
}

function format(held: HeldSet): string {
  if (held === 'unknown') return '?';
  if (held.all) return held.except.size ? `-${[...held.except].sort().join(',')}` : '*';
  return `+${[...held.only].sort().join(',')}`;
}

function change(held: HeldSet, action: 'add' | 'remove', caps: string[] | null): HeldSet {
  if (held === 'unknown' || caps === null) return 'unknown';
  const everything = caps.includes('*');
  if (action === 'add') {
    if (everything) return { all: true, except: new Set() };
    return held.all ? { all: true, except: new Set([...held.except].filter((c) => !caps.includes(c))) } : { all: false, only: new Set([...held.only, ...caps]) };
  }
  if (everything) return { all: false, only: new Set() };
  return held.all ? { all: true, except: new Set([...held.except, ...caps]) } : { all: false, only: new Set([...held.only].filter((c) => !caps.includes(c))) };
}

function variants(facts: Set<string>): HeldSet[] {
  const out: HeldSet[] = [];
  for (const f of facts) if (f.startsWith(HELD)) out.push(parse(f.slice(HELD.length)));
  return out;
}

function replaceVariants(facts: Set<string>, next: HeldSet[]): void {
  for (const f of [...facts]) if (f.startsWith(HELD)) facts.delete(f);
  for (const v of next) facts.add(HELD + format(v));
}

const NONE: HeldSet = { all: false, only: new Set() };

/** How an event changes the capability facts. */
export function trackCapabilities(facts: Set<string>, e: PrivilegeEvent): void {
  if (e.kind === 'capability') {
    switch (e.action) {
      case 'keep':
        facts.delete(KEEP_OFF);
        facts.add(KEEP_ON);
        return;
      case 'no-keep':
        facts.delete(KEEP_ON);
        facts.add(KEEP_OFF);
        return;
      case 'clear':
        return replaceVariants(facts, [NONE]);
      case 'set':
        return replaceVariants(facts, [e.caps === null ? 'unknown' : change(NONE, 'add', e.caps)]);
      default:
        return replaceVariants(facts, variants(facts).map((v) => change(v, e.action as 'add' | 'remove', e.caps)));
    }
  }
  if (e.kind !== 'set-id' || e.idKind !== 'uid' || e.direction === 'probe' || e.target === 'unchanged') return;
  if (e.direction === 'raise') {
    // Root comes back only where the uid may still be root (a temporary drop keeps it saved) or CAP_SETUID may be
    // held: after a drop for good without it the raise fails — a verification (`if (setuid(0) != -1) die();`).
    // On the raise's failure branch nothing was regained (`regainFailed`).
    if (!facts.has(UID_ROOT) && mayHold(facts, CAP_SETUID)) facts.add(UID_REGAINED + e.id);
    return replaceVariants(facts, [{ all: true, except: new Set() }]);
  }
  // Changing the effective uid away from 0 clears the effective capabilities; changing all three clears the
  // permitted ones too, unless they are kept.
  if (e.scope === 'effective') return replaceVariants(facts, [NONE]);
  facts.add(UID_DROPPED);
  facts.delete(UID_ROOT);
  for (const f of facts) if (f.startsWith(UID_REGAINED)) facts.delete(f);
  if (!facts.has(KEEP_OFF)) return;
  replaceVariants(facts, facts.has(KEEP_ON) ? [...variants(facts), NONE] : [NONE]);
}

/** On some path the process may lack `cap` (an unknown set is given the benefit of the doubt). */
export function mayLack(facts: ReadonlySet<string>, cap: string): boolean {
  for (const v of variants(facts as Set<string>)) {
    if (v === 'unknown') continue;
    if (v.all ? v.except.has(cap) : !v.only.has(cap)) return true;
  }
  return false;
}

/** On some path the process may still hold `cap` (an unknown set is given the benefit of the doubt). */
export function mayHold(facts: ReadonlySet<string>, cap: string): boolean {
  for (const v of variants(facts as Set<string>)) {
    if (v === 'unknown') continue;
    if (v.all ? !v.except.has(cap) : v.only.has(cap)) return true;
  }
  return false;
}

/**
 * The uid was changed for good on every path, and the process holds no capability to chroot again: it cannot leave
 * a jail. A path that never changed its uid stays root whatever its capability set (an unknown set after
 * `unshare(flags)` or `cap_set_proc(caps)` gets the benefit of the doubt only where the uid is already dropped).
 */
export function droppedForGood(facts: ReadonlySet<string>): boolean {
  return facts.has(UID_DROPPED) && !mayBeRoot(facts) && !mayHold(facts, CAP_SYS_CHROOT);
}

function mayBeRoot(facts: ReadonlySet<string>): boolean {
  if (facts.has(UID_ROOT)) return true;
  for (const f of facts) if (f.startsWith(UID_REGAINED)) return true;
  return false;
}

/**
 * The facts along the `index`-th branch of `node`: on the failure branch of a raise, root was not regained
 * (`if (setuid(0) != -1) die();` goes on only where the raise failed). Undefined when the branch changes nothing.
 */
export function regainFailed(facts: ReadonlySet<string>, node: SuperNode, index: number): Set<string> | undefined {
  let out: Set<string> | undefined;
  for (const e of node.events) {
    if (e.kind !== 'set-id' || e.direction !== 'raise' || !facts.has(UID_REGAINED + e.id) || failureIndex(node, e) !== index) continue;
    out ??= new Set(facts);
    out.delete(UID_REGAINED + e.id);
  }
  return out;
}

/** The uid was changed for good on some path, but CAP_SYS_CHROOT may be kept. */
export function keepsChrootCapability(facts: ReadonlySet<string>): boolean {
  return facts.has(UID_DROPPED) && mayHold(facts, CAP_SYS_CHROOT);
}

const afterCache = new WeakMap<Supergraph, Map<number, Set<string>>>();

/** The capability facts just after each event of a graph (over every path that reaches it). */
export function capabilitiesAfter(g: Supergraph): Map<number, Set<string>> {
  let after = afterCache.get(g);
  if (after) return after;
  const before = forwardFacts(
    g.nodes,
    g.entry,
    CAPABILITY_START,
    (facts, node) => {
      for (const e of node.events) trackCapabilities(facts, e);
    },
    (facts, node, index) => {
      const along = regainFailed(facts, node, index);
      if (along) for (const f of facts) if (!along.has(f)) facts.delete(f);
    },
  );
  after = new Map();
  for (const node of g.nodes) {
    if (!node.events.length) continue;
    const facts = new Set(before.get(node.id) ?? []);
    for (const e of node.events) {
      trackCapabilities(facts, e);
      // A function inlined at two calls shares its events: what holds after either.
      const known = after.get(e.id);
      if (known) for (const f of facts) known.add(f);
      else after.set(e.id, new Set(facts));
    }
  }
  afterCache.set(g, after);
  return after;
}

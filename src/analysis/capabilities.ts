/**
 * Linux capabilities along a path, as facts for the rules' walks (may-facts: each holds on some path). A process
 * started by root holds every capability; a change of uid away from root clears them unless the permitted set is
 * kept (`prctl(PR_SET_KEEPCAPS, 1)`, SECBIT_KEEP_CAPS, libcap-ng's `capng_change_id`); capset/libcap/libcap-ng calls
 * change them. Each possible set is paired with a bound of the permitted set: a raise (capset, cap_set_proc,
 * capng_update) can only bring back what is still permitted, and nothing raises the permitted set again but root's
 * return or a new user namespace (capabilities(7)).
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
/**
 * One possible capability set and a bound of its permitted set, `held/permitted`, each written `*` all, `?` unknown,
 * `+A,B` only these, `-A,B` all but these. What is held beyond the permitted bound is not held (a raise of it fails).
 */
const HELD = 'caps:held=';

/** The facts at a program's start: root with every capability, and the permitted set not kept across a uid change. */
export const CAPABILITY_START: readonly string[] = [KEEP_OFF, `${HELD}*/*`, UID_ROOT];

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
/** A possible capability set with the bound of the permitted set it was raised within. */
type Variant = { held: HeldSet; permitted: HeldSet };

function parseSet(variant: string): HeldSet {
  if (variant === '?') return 'unknown';
  if (variant === '*') return { all: true, except: new Set() };
  const names = new Set(variant.slice(1).split(',').filter(Boolean));
  return variant[0] === '-' ? { all: true, except: names } : { all: false, only: names };
}

function formatSet(held: HeldSet): string {
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

/** The permitted bound after a capset()/cap_set_proc() to `caps`: it can only narrow (an unknown set keeps the bound). */
function narrow(permitted: HeldSet, caps: string[] | null): HeldSet {
  if (caps === null || caps.includes('*')) return permitted;
  if (permitted === 'unknown') return { all: false, only: new Set(caps) };
  return { all: false, only: new Set(caps.filter((c) => includes(permitted, c))) };
}

function includes(set: Exclude<HeldSet, 'unknown'>, cap: string): boolean {
  return set.all ? !set.except.has(cap) : set.only.has(cap);
}

function variants(facts: Set<string>): Variant[] {
  const out: Variant[] = [];
  for (const f of facts) {
    if (!f.startsWith(HELD)) continue;
    const [held, permitted] = f.slice(HELD.length).split('/');
    out.push({ held: parseSet(held!), permitted: parseSet(permitted ?? '*') });
  }
  return out;
}

function replaceVariants(facts: Set<string>, next: Variant[]): void {
  for (const f of [...facts]) if (f.startsWith(HELD)) facts.delete(f);
  for (const v of next) facts.add(`${HELD}${formatSet(v.held)}/${formatSet(v.permitted)}`);
}

const NONE: HeldSet = { all: false, only: new Set() };
const ALL: HeldSet = { all: true, except: new Set() };
/** Nothing held and nothing left to raise: after a change of uid away from root that kept nothing. */
const EMPTIED: Variant = { held: NONE, permitted: NONE };

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
        return replaceVariants(facts, variants(facts).map((v) => ({ held: NONE, permitted: v.permitted })));
      case 'set': {
        const held: HeldSet = e.caps === null ? 'unknown' : change(NONE, 'add', e.caps);
        // A new user namespace gives a full set inside it whatever was permitted before (`unshare(CLONE_NEWUSER)`);
        // capset() and cap_set_proc() cannot raise the permitted set, only narrow it.
        if (e.api === 'unshare') return replaceVariants(facts, [{ held, permitted: e.caps === null ? 'unknown' : ALL }]);
        return replaceVariants(facts, variants(facts).map((v) => ({ held, permitted: narrow(v.permitted, e.caps) })));
      }
      default:
        return replaceVariants(facts, variants(facts).map((v) => ({ held: change(v.held, e.action as 'add' | 'remove', e.caps), permitted: v.permitted })));
    }
  }
  if (e.kind !== 'set-id' || e.idKind !== 'uid' || e.direction === 'probe' || e.target === 'unchanged') return;
  if (e.direction === 'raise') {
    // Root comes back only where the uid may still be root (a temporary drop keeps it saved) or CAP_SETUID may be
    // held: after a drop for good without it the raise fails — a verification (`if (setuid(0) != -1) die();`).
    // On the raise's failure branch nothing was regained (`regainFailed`).
    if (!facts.has(UID_ROOT) && mayHold(facts, CAP_SETUID)) facts.add(UID_REGAINED + e.id);
    return replaceVariants(facts, [{ held: ALL, permitted: ALL }]);
  }
  // Changing the effective uid away from 0 clears the effective capabilities (the permitted ones stay, to be raised
  // again); changing all three clears the permitted ones too, unless they are kept.
  if (e.scope === 'effective') return replaceVariants(facts, variants(facts).map((v) => ({ held: NONE, permitted: v.permitted })));
  facts.add(UID_DROPPED);
  facts.delete(UID_ROOT);
  for (const f of facts) if (f.startsWith(UID_REGAINED)) facts.delete(f);
  // libcap-ng's change applies the capabilities chosen before it (capng_clear/capng_update) to the permitted set.
  const kept = variants(facts).map((v) => (e.api === 'capng_change_id' ? { held: v.held, permitted: v.held } : v));
  if (!facts.has(KEEP_OFF)) return replaceVariants(facts, kept);
  replaceVariants(facts, facts.has(KEEP_ON) ? [...kept, EMPTIED] : [EMPTIED]);
}

/** On some path the process may lack `cap` (an unknown set is given the benefit of the doubt). */
export function mayLack(facts: ReadonlySet<string>, cap: string): boolean {
  for (const { held, permitted } of variants(facts as Set<string>)) {
    if (permitted !== 'unknown' && !includes(permitted, cap)) return true;
    if (held !== 'unknown' && !includes(held, cap)) return true;
  }
  return false;
}

/** On some path the process may still hold `cap` (an unknown set is given the benefit of the doubt). */
export function mayHold(facts: ReadonlySet<string>, cap: string): boolean {
  for (const { held, permitted } of variants(facts as Set<string>)) {
    if (held === 'unknown' || (permitted !== 'unknown' && !includes(permitted, cap))) continue;
    if (includes(held, cap)) return true;
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
    (facts, node, index) => regainFailed(facts, node, index),
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

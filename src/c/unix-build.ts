/**
 * The build privlint analyses: of each `#if` group, the branches a Unix build compiles.
 *
 * A branch is not compiled when its condition holds only on a platform without Unix root semantics (`#ifdef
 * _WIN32`, `#if defined(WINDOWS)`, `#ifdef HAVE_NT_SERVICE_MANAGER`, Cygwin), when it is `#if 0`, when an earlier
 * branch of its group always holds, or when it is the fallback of a feature test: in `#ifdef HAVE_INITGROUPS
 * initgroups(…); #endif` the build users run has the call, and the empty `#else` exists for platforms without it.
 * A fallback that does privilege work of its own (`#else setreuid(…)`) is a real second build and stays.
 *
 * Where one branch must be chosen (the parse recovery of a file whose `#if`s split its syntax, and the brace
 * matching of the lexical index, which must agree with it), it is the branch a Unix build surely compiles, else the
 * first compiled branch — unless that one is a stub without a statement and another has privilege code — else none
 * (the implicit empty `#else`). Two real Unix builds (`#ifdef HAVE_CAPABILITIES … #else setreuid(…)`) keep the first.
 * A build option the file tests both ways (`#ifdef NO_ROOT` in one place, `#ifndef NO_ROOT` in another) is read the
 * same in every one of its tests, compound conditions included, so that the branches kept are those of one build:
 * a configure result (`HAVE_…`) as defined, any other option as not defined (the default a plain `./configure &&
 * make` gives) unless only its build makes privilege calls (`fileBuild`).
 */
import type { Node } from 'web-tree-sitter';
import { STATUS_CALLS } from './calls.js';
import { perText } from '../text-memory.js';
import { editBetween, treesRemembered } from '../parser.js';

export type ConditionalKind = 'if' | 'ifdef' | 'ifndef' | 'elif' | 'elifdef' | 'elifndef' | 'else';

/** One branch of an `#if` group: its directive, its condition text, and the code under it. */
export interface BranchSource {
  kind: ConditionalKind;
  condition: string;
  body: string;
}

export interface GroupDecision {
  /** Per branch: a Unix build can compile it. */
  compiled: boolean[];
  /** The group has no `#else`, and a Unix build may compile none of its branches: the implicit empty `#else` is a path. */
  implicitElse: boolean;
  /** The one branch to keep where only one can be (-1: none, the implicit empty `#else`). */
  chosen: number;
}

/**
 * Macro names that only a platform without Unix root semantics defines or tests for: Windows (`_WIN32`, `WIN32`,
 * `_WIN64`, `WINDOWS`, `_MSC_VER`, `__MINGW32__`, `HAVE_WINSOCK_H`, `WIN32SERVICE`, `HAVE_NT_SERVICE_MANAGER`) and
 * Cygwin. Matched on the parts of the name between underscores, so `HAVE_WINT_T` or `SIGWINCH` are not.
 */
const NON_UNIX_PART = /^(?:WIN(?:32|64)[A-Z0-9]*|WINDOWS\d*|WINNT|WINSOCK\w*|CYGWIN\d*|MINGW\d*|MSVC)$/;
const NON_UNIX_NAME = /(?:^|_)MSC_(?:FULL_)?VER$|^(?:HAVE|USE)_NT_|(?:^|_)NT_SERVICE(?:_|$)/;

export function isNonUnixPlatform(name: string): boolean {
  return NON_UNIX_NAME.test(name) || name.split('_').some((part) => NON_UNIX_PART.test(part));
}

/**
 * Which branches of one `#if` group a Unix build compiles, and the one to keep where only one can be. `fileMacros`:
 * the build options decided for the whole file (tested both ways), by name, true where read as defined.
 */
export function decideGroup(branches: readonly BranchSource[], fileMacros: ReadonlyMap<string, boolean> = NO_MACROS): GroupDecision {
  const truths: (boolean | null)[] = [];
  let earlierHolds = false;
  let earlierAllFalse = true;
  for (const b of branches) {
    const own = conditionTruth(b.kind, b.condition, fileMacros);
    truths.push(earlierHolds || own === false ? false : own === true && earlierAllFalse ? true : null);
    earlierHolds ||= own === true;
    earlierAllFalse &&= own === false;
  }
  const hasElse = branches.at(-1)?.kind === 'else';
  const heldFeature = branches.map((b, i) => truths[i] !== false && (featureTestHolds(b) || (i === 1 && b.kind === 'else' && negatedFeatureHolds(branches[0]!, b.body))));
  const anyHeld = heldFeature.includes(true);
  const compiled = branches.map((b, i) => truths[i] !== false && (!anyHeld || heldFeature[i]! || hasPrivilegeCall(b.body)));
  const implicitElse = !hasElse && !earlierHolds && !anyHeld;
  let chosen = truths.indexOf(true);
  if (chosen < 0 && !(implicitElse && earlierAllFalse)) {
    chosen = compiled.indexOf(true);
    // Of several branches it cannot decide between, the first, unless it does nothing (a stub: `/* TODO */`, a
    // function head whose body the service manager makes useless) and another has privilege code.
    if (compiled.lastIndexOf(true) !== chosen && doesNothing(branches[chosen]!.body)) {
      const privileged = compiled.findIndex((c, i) => c && hasPrivilegeCall(branches[i]!.body));
      if (privileged >= 0) chosen = privileged;
    }
  }
  return { compiled, implicitElse, chosen };
}

/** A call that changes privileges (not a mere chdir): code the analysis is about. */
const PRIVILEGE_CALL = new RegExp(`\\b(?:${[...STATUS_CALLS].filter((n) => n !== 'chdir' && n !== 'fchdir').join('|')})\\s*\\(`);

function hasPrivilegeCall(code: string): boolean {
  return PRIVILEGE_CALL.test(code);
}

/** Code without a statement: only comments, blanks, or the head of a block. */
function doesNothing(code: string): boolean {
  return !withoutComments(code).includes(';');
}

/**
 * `#ifdef HAVE_INITGROUPS`, `#if defined(HAVE_SETEGID)`, `#if HAVE_DECL_SETRESUID` (autoconf's feature tests), with
 * the tested function called in the branch: the build users run has the function.
 */
function featureTestHolds(branch: BranchSource): boolean {
  if (branch.kind === 'else' || branch.kind === 'ifndef' || branch.kind === 'elifndef') return false;
  const names = withoutComments(branch.condition).split(/&&/).map((part) => /^\s*(?:defined\s*\(?\s*)?HAVE_(?:DECL_)?([A-Z0-9_]+)\s*\)?\s*$/.exec(part)?.[1]);
  if (!names.length || names.some((n) => n === undefined)) return false;
  return names.some((n) => new RegExp(`\\b${n!.toLowerCase()}\\s*\\(`).test(branch.body));
}

/**
 * The `#else` of a negated feature test is the feature's own branch: `#ifndef HAVE_PTRACE stub #else ptrace(…)
 * #endif`, and its compound form `#if !defined(HAVE_PTRACE) || !defined(HAVE_SYS_PTRACE_H) || !(defined(PT_ATTACH)
 * || defined(PTRACE_ATTACH))`. When the `#else` calls a function one of the HAVE_ names tests for, the build users
 * run has it, as with `#ifdef HAVE_PTRACE`: the stub before it is the fallback of platforms without the feature.
 */
function negatedFeatureHolds(test: BranchSource, elseBody: string): boolean {
  const condition = withoutComments(test.condition).trim();
  let names: string[];
  if (test.kind === 'ifndef') names = [firstWord(condition)];
  else if (test.kind === 'if') {
    const parts = topLevelParts(condition, '||');
    // Each part is a negated test of macros being defined: `!defined(X)`, `!X`, `!(defined(A) || defined(B))`.
    if (!parts.length || !parts.every((p) => /^!\s*(?:defined\s*\(?\s*\w+\s*\)?|\w+|\((?:\s*(?:defined\s*\(?\s*\w+\s*\)?|\|\||&&)\s*)+\))$/.test(p.trim()))) return false;
    names = parts.flatMap((p) => [...p.matchAll(/\b(?:defined\s*\(?\s*)?(\w+)/g)].map((m) => m[1]!));
  } else return false;
  return names.some((n) => {
    const feature = /^HAVE_(?:DECL_)?([A-Z0-9_]+)$/.exec(n)?.[1];
    return feature !== undefined && !/_H$/.test(feature) && new RegExp(`\\b${feature.toLowerCase()}\\s*\\(`).test(elseBody);
  });
}

/** The operands of `op` outside parentheses: `a || (b || c) || d` → `a`, `(b || c)`, `d`. */
function topLevelParts(text: string, op: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && text.startsWith(op, i)) {
      parts.push(text.slice(from, i));
      from = i + op.length;
      i += op.length - 1;
    }
  }
  parts.push(text.slice(from));
  return parts;
}

function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?(?:\*\/|$)|\/\/.*$/gm, ' ').replace(/\\\r?\n/g, ' ');
}

/** Feature tests of calls every Unix system privlint targets has: their fallbacks are not built there. */
const ALWAYS_THERE = /^HAVE_(?:INITGROUPS|SETGROUPS|GETGROUPS|GETPWUID|GETPWNAM|GETGRNAM|GETGRGID|SETEUID|SETEGID|SETREUID|SETREGID|CHROOT|FORK|WORKING_FORK|GETEUID|GETUID)$/;

/**
 * Switches of a test build (`#ifdef TEST`, `TEST_PROGRAM_CAPUTILS`, `UNIT_TESTS`, `TESTING`): the code under them
 * (a test harness's own `main`) is not the program users build and run.
 */
const TEST_BUILD = /^(?:TEST|TESTING|TEST_PROG(?:RAM)?(?:_\w+)?|UNIT_?TESTS?|UNITTESTS?)$/;

/**
 * What a Unix build knows of a macro: not defined (a non-Unix platform's, a test build's switch), defined (a call
 * every target has), or unknown.
 */
function macroTruth(name: string, fileMacros: ReadonlyMap<string, boolean> = NO_MACROS): boolean | null {
  if (isNonUnixPlatform(name) || TEST_BUILD.test(name)) return false;
  if (ALWAYS_THERE.test(name)) return true;
  return fileMacros.get(name) ?? null;
}

const NO_MACROS: ReadonlyMap<string, boolean> = new Map();

/** Whether a Unix build takes the branch by its own condition: true, false, or unknown (null). */
function conditionTruth(kind: ConditionalKind, condition: string, fileMacros: ReadonlyMap<string, boolean> = NO_MACROS): boolean | null {
  if (kind === 'else') return true;
  const text = withoutComments(condition).trim();
  if (kind === 'ifdef' || kind === 'elifdef') return macroTruth(firstWord(text), fileMacros);
  if (kind === 'ifndef' || kind === 'elifndef') {
    const truth = macroTruth(firstWord(text), fileMacros);
    return truth === null ? null : !truth;
  }
  return new ConditionEvaluator(text, fileMacros).evaluate();
}

function firstWord(text: string): string {
  return /^[A-Za-z_]\w*/.exec(text)?.[0] ?? '';
}

/**
 * Three-valued evaluation of an `#if` expression: `defined(X)`, `!`, `&&`, `||`, parentheses, numbers, and names;
 * a non-Unix platform's name is undefined (0), every other name and any arithmetic or comparison is unknown.
 */
class ConditionEvaluator {
  private readonly tokens: string[];
  private at = 0;

  constructor(text: string, private readonly fileMacros: ReadonlyMap<string, boolean> = NO_MACROS) {
    this.tokens = text.match(/[A-Za-z_]\w*|\d\w*|&&|\|\||[=!<>]=|<<|>>|\S/g) ?? [];
  }

  evaluate(): boolean | null {
    const value = this.or();
    return this.at === this.tokens.length ? value : null;
  }

  private or(): boolean | null {
    return this.operands('||', () => this.and(), (a, b) => (a === true || b === true ? true : a === false && b === false ? false : null));
  }

  private and(): boolean | null {
    return this.operands('&&', () => this.comparison(), (a, b) => (a === false || b === false ? false : a === true && b === true ? true : null));
  }

  /** `a op b op c …`, left to right. */
  private operands(op: string, operand: () => boolean | null, combine: (a: boolean | null, b: boolean | null) => boolean | null): boolean | null {
    let value = operand();
    while (this.tokens[this.at] === op) {
      this.at++;
      value = combine(value, operand());
    }
    return value;
  }

  /** Arithmetic and comparisons are not evaluated: `_MSC_VER >= 1400` is unknown here, and `defined(_MSC_VER) &&` before it decides. */
  private comparison(): boolean | null {
    let value = this.unary();
    while (this.at < this.tokens.length && !['&&', '||', ')'].includes(this.tokens[this.at]!)) {
      this.at++;
      this.unary();
      value = null;
    }
    return value;
  }

  private unary(): boolean | null {
    const t = this.tokens[this.at++];
    if (t === undefined) return null;
    if (t === '!') {
      const v = this.unary();
      return v === null ? null : !v;
    }
    if (t === '(') {
      const v = this.or();
      if (this.tokens[this.at] === ')') this.at++;
      else this.at = this.tokens.length + 1; // unbalanced: unknown
      return v;
    }
    if (t === 'defined') {
      const parenthesised = this.tokens[this.at] === '(';
      if (parenthesised) this.at++;
      const name = this.tokens[this.at++] ?? '';
      if (parenthesised && this.tokens[this.at++] !== ')') this.at = this.tokens.length + 1;
      return macroTruth(name, this.fileMacros);
    }
    if (/^\d/.test(t)) {
      const n = Number(t.replace(/[uUlL]+$/, ''));
      return Number.isFinite(n) ? n !== 0 : null;
    }
    if (/^[A-Za-z_]/.test(t)) return macroTruth(t, this.fileMacros);
    return null;
  }
}

/** A conditional directive of a file: where its `#` is, where it ends, and what it says. */
export interface ConditionalDirective {
  kind: ConditionalKind | 'endif';
  /** Offset of the `#`. */
  at: number;
  /** Offset of the end of the directive (its last continued line, before the newline). */
  end: number;
  condition: string;
}

export interface UnixBranches {
  /** The file's conditional directives, in order. */
  directives: ConditionalDirective[];
  /** For the `#`-offset of each `#if`/`#elif`/`#else`: whether its branch is the one kept. */
  chosen: Map<number, boolean>;
}

/**
 * The conditional directives of a C file, and for each branch whether it is the one kept where only one can be.
 * Comments, strings and character literals are skipped; a directive is a `#` first on its line (after blanks and
 * comments). Remembered per text in an editor's host (a file's text is read as a Unix build by the lexical index,
 * the parse and its retry); the result is shared: not to be changed.
 */
export const unixBranches = perText((text: string): UnixBranches => {
  if (!treesRemembered()) return unixBranchesOf(text);
  const branches = branchesAfterEdit(text) ?? unixBranchesOf(text);
  recentTexts.unshift({ text, branches });
  if (recentTexts.length > 4) recentTexts.pop();
  return branches;
});

/** An `#if` group: its directives (`#if`, `#elif`…, `#else`), where it closes, and its branches. */
interface Group {
  heads: ConditionalDirective[];
  closedAt: number;
  branches: BranchSource[];
}

/**
 * How the branches of a text were chosen: its groups (in the order they close), each one's pick, and the build
 * options tested both ways, each read as defined (true) or not.
 */
interface Choice {
  groups: Group[];
  picks: number[];
  fileMacros: ReadonlyMap<string, boolean>;
}

const choices = new WeakMap<UnixBranches, Choice>();

/**
 * What decides which branches of a text's `#if` groups are compiled and kept, here and in the tree's reading
 * (`decideGroup`: the directives' conditions, and in each branch's code the calls, privilege ones and feature tests,
 * comments included, and whether there is a statement), with what each branch calls: each conditional directive
 * (kind and condition) and, between two, the names called (sorted, with repeats) and whether a `;` stands outside
 * comments. Two texts with the same shape keep the same branches, which call the same names.
 */
export function conditionalShape(text: string): string {
  const { directives } = unixBranches(text);
  if (!directives.length) return '';
  const parts: string[] = [];
  let from = 0;
  for (const d of directives) {
    parts.push(regionShape(text.slice(from, d.at)), `${d.kind} ${d.condition}`);
    from = d.end;
  }
  parts.push(regionShape(text.slice(from)));
  return JSON.stringify(parts);
}

function regionShape(code: string): string {
  const calls = [...code.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)].map((m) => m[1]!).sort();
  return `${withoutComments(code).includes(';') ? ';' : ''}${calls.join(',')}`;
}

/** (tests) The branches of a text read from scratch, as a one-shot run reads them. */
export function unixBranchesOf(text: string): UnixBranches {
  const directives = ANY_CONDITIONAL.test(text) ? conditionalDirectives(text) : [];
  const groups = groupsOf(text, directives);
  // A build option the file tests both ways (`#ifdef X` here, `#ifndef X` there) is one choice for the whole file:
  // the kept branches must be those of one build, never the `#ifdef X` code of one and the `#ifndef X` code of the
  // other (`fileBuild`).
  const fileMacros = fileBuild(groups.map((g) => g.branches));
  return chosenIn(directives, { groups, picks: groups.map((g) => pickIn(g.branches, fileMacros)), fileMacros });
}

function chosenIn(directives: ConditionalDirective[], choice: Choice): UnixBranches {
  const chosen = new Map<number, boolean>();
  choice.groups.forEach(({ heads }, k) => heads.forEach((d, i) => chosen.set(d.at, i === choice.picks[k])));
  const branches = { directives, chosen };
  choices.set(branches, choice);
  return branches;
}

function groupsOf(text: string, directives: readonly ConditionalDirective[]): Group[] {
  const open: ConditionalDirective[][] = [];
  const groups: Group[] = [];
  const close = (heads: ConditionalDirective[], closedAt: number): void => {
    groups.push({ heads, closedAt, branches: heads.map((d, i) => ({ kind: d.kind as ConditionalKind, condition: d.condition, body: text.slice(d.end, heads[i + 1]?.at ?? closedAt) })) });
  };
  for (const d of directives) {
    if (d.kind === 'if' || d.kind === 'ifdef' || d.kind === 'ifndef') open.push([d]);
    else if (d.kind === 'endif') {
      const group = open.pop();
      if (group) close(group, d.at);
    } else open.at(-1)?.push(d);
  }
  while (open.length) close(open.pop()!, text.length);
  return groups;
}

/** The branch of a group kept where only one can be (-1: none), the file's build options read as decided. */
function pickIn(branches: BranchSource[], fileMacros: ReadonlyMap<string, boolean>): number {
  return decideGroup(branches, fileMacros).chosen;
}

/** The last few texts read in an editor's host (most recent first), for the next version of one of them. */
const recentTexts: { text: string; branches: UnixBranches }[] = [];

/** Edits longer than this are read again from scratch. */
const MAX_EDIT = 4096;
/** What an edit must not hold nor remove for the directives, comments and literals around it to stay as they were. */
const LEXICAL = /[\n\r/*"'\\#]/;

/**
 * The branches of a new version of a text read lately (an editor's next keystroke), from that text's: when the one
 * edit between the two (`editBetween`) holds and removes no newline, `#`, `/`, `*`, quote or backslash, is not next
 * to a `/`, `*` or backslash, and lies on a line without `#` and in no conditional directive, the two have the same
 * comments, literals and directives, those after the edit moved by its length. Only the groups with a branch
 * around the edit have new code: their pick is made again, the others' kept (a pick reads only its group's
 * directives and code, and the conditions tested both ways, which did not change).
 */
function branchesAfterEdit(text: string): UnixBranches | undefined {
  for (const { text: before, branches } of recentTexts) {
    if (Math.abs(before.length - text.length) > MAX_EDIT) continue;
    const choice = choices.get(branches)!;
    const edit = editBetween(before, text);
    if (edit.oldEnd - edit.start > MAX_EDIT || edit.newEnd - edit.start > MAX_EDIT) continue;
    if (LEXICAL.test(before.slice(edit.start, edit.oldEnd)) || LEXICAL.test(text.slice(edit.start, edit.newEnd))) continue;
    if (/[/*\\]/.test(before[edit.start - 1] ?? '') || /[/*\\]/.test(before[edit.oldEnd] ?? '')) continue;
    const lineStart = before.lastIndexOf('\n', edit.start - 1) + 1;
    const lineEnd = before.indexOf('\n', edit.oldEnd);
    if (before.slice(lineStart, lineEnd < 0 ? before.length : lineEnd).includes('#')) continue;
    if (branches.directives.some((d) => d.at <= edit.oldEnd && edit.start <= d.end)) continue;
    const shift = edit.newEnd - edit.oldEnd;
    const directives = branches.directives.map((d) => (d.at >= edit.oldEnd ? { ...d, at: d.at + shift, end: d.end + shift } : d));
    const groups = groupsOf(text, directives);
    const around = (g: Group): boolean => g.heads.some((d, i) => d.end <= edit.oldEnd && edit.start <= (g.heads[i + 1]?.at ?? g.closedAt));
    const picks = groups.map((g, k) => (around(choice.groups[k]!) ? pickIn(g.branches, choice.fileMacros) : choice.picks[k]!));
    return chosenIn(directives, { groups, picks, fileMacros: choice.fileMacros });
  }
  return undefined;
}

/**
 * `#ifdef X`, `#ifndef X`, `#if defined(X)`, `#if !defined(X)` whose truth a Unix build does not decide: X, and
 * whether the test is negated.
 */
function definednessOf(branch: BranchSource): { name: string; negated: boolean } | undefined {
  if (conditionTruth(branch.kind, branch.condition) !== null) return undefined;
  const text = withoutComments(branch.condition).trim();
  if (branch.kind === 'ifdef' || branch.kind === 'ifndef') {
    const name = firstWord(text);
    return name ? { name, negated: branch.kind === 'ifndef' } : undefined;
  }
  if (branch.kind !== 'if') return undefined;
  const m = /^(!?)\s*defined\s*(?:\(\s*([A-Za-z_]\w*)\s*\)|([A-Za-z_]\w*))$/.exec(text);
  return m ? { name: (m[2] ?? m[3])!, negated: m[1] === '!' } : undefined;
}

/**
 * The macros that some group of the file tests as defined and another as not defined (on their own), each with the
 * way it is read in every test: a configure result (`HAVE_…`) as defined (the system the code is written for has
 * the feature); any other option as not defined (the default a plain `./configure && make` gives), unless the
 * branches kept without it make no privilege call and those kept with it do (`#ifndef ENABLE_DROPROOT stub #else
 * drop code #endif`: without the option there is no drop to analyse). Where both builds make privilege calls, the
 * option's making more does not make it the build users run.
 */
function fileBuild(groups: readonly BranchSource[][]): Map<string, boolean> {
  const ways = new Map<string, Set<boolean>>();
  /** By macro: the privilege calls of the branches kept where it is defined, and where it is not. */
  const calls = new Map<string, { defined: number; undefined: number }>();
  for (const branches of groups) {
    const test = definednessOf(branches[0]!);
    if (!test) continue;
    const seen = ways.get(test.name) ?? new Set<boolean>();
    seen.add(test.negated);
    ways.set(test.name, seen);
    const own = privilegeCallCount(branches[0]!.body);
    // Of the other branches, the one that makes most.
    const other = Math.max(0, ...branches.slice(1).map((b) => privilegeCallCount(b.body)));
    const count = calls.get(test.name) ?? { defined: 0, undefined: 0 };
    count.defined += test.negated ? other : own;
    count.undefined += test.negated ? own : other;
    calls.set(test.name, count);
  }
  const decided = new Map<string, boolean>();
  for (const [name, seen] of ways) {
    if (seen.size < 2) continue;
    const count = calls.get(name)!;
    decided.set(name, CONFIGURE_RESULT.test(name) || (count.undefined === 0 && count.defined > 0));
  }
  return decided;
}

/** A macro a configure script defines where the system has a feature (`HAVE_LINUX_CAPABILITY`, `HAVE_SYS_PRCTL_H`). */
const CONFIGURE_RESULT = /^HAVE_\w+$/;

function privilegeCallCount(code: string): number {
  return code.match(new RegExp(PRIVILEGE_CALL.source, 'g'))?.length ?? 0;
}

/** A quick look for a conditional directive anywhere in the text, before the exact scan. */
const ANY_CONDITIONAL = /^[ \t]*#[ \t]*(?:if|el)/m;

/**
 * The parts of a file a Unix build leaves out where only one branch of each `#if` is kept: from the end of each
 * directive that starts a branch not kept to the next directive of its group, as [start, end) offsets, in order.
 */
export function branchesLeftOut(text: string, { directives, chosen }: UnixBranches = unixBranches(text)): [number, number][] {
  const ranges: [number, number][] = [];
  /** Whether each open group's current branch is kept. */
  const keeping: boolean[] = [];
  let skipFrom: number | undefined;
  for (const d of directives) {
    if (skipFrom !== undefined) ranges.push([skipFrom, d.at]);
    if (d.kind === 'if' || d.kind === 'ifdef' || d.kind === 'ifndef') keeping.push(chosen.get(d.at) ?? true);
    else if (d.kind === 'endif') keeping.pop();
    else if (keeping.length) keeping[keeping.length - 1] = chosen.get(d.at) ?? false;
    skipFrom = keeping.every(Boolean) ? undefined : d.end;
  }
  if (skipFrom !== undefined) ranges.push([skipFrom, text.length]);
  return ranges;
}

const SLASH = 47, STAR = 42, NL = 10, BACKSLASH = 92, CR = 13;
const CONDITIONAL = /^#[ \t]*(ifdef|ifndef|if|elifdef|elifndef|elif|else|endif)\b([\s\S]*)$/;

/**
 * What the directive scan steps over as a whole — block and line comments, string and character literals — and a
 * `#` first on its line (after blanks or one-line comments); the regular expression engine skips the rest.
 */
const LEXEMES = /\/\*[\s\S]*?(?:\*\/|(?![\s\S]))|\/\/[^\n]*|"(?:[^"\\\n]|\\[\s\S])*"?|'(?:[^'\\\n]|\\[\s\S])*'?|^((?:[ \t\f\v\r]|\/\*(?:[^*\n]|\*(?!\/))*\*\/)*#)/gm;

function conditionalDirectives(text: string): ConditionalDirective[] {
  const found: ConditionalDirective[] = [];
  const lexemes = new RegExp(LEXEMES);
  for (let m = lexemes.exec(text); m; m = lexemes.exec(text)) {
    if (m[1] === undefined) continue;
    const at = m.index + m[0].length - 1;
    const end = endOfDirective(text, at);
    const d = CONDITIONAL.exec(text.slice(at, end));
    if (d) found.push({ kind: d[1] as ConditionalDirective['kind'], at, end, condition: d[2]! });
    lexemes.lastIndex = end;
  }
  return found;
}

/** Where a directive that starts at `i` ends: at the newline that is not escaped, block comments included. */
function endOfDirective(text: string, i: number): number {
  const n = text.length;
  for (let j = i; j < n; j++) {
    const c = text.charCodeAt(j);
    if (c === NL) return j;
    if (c === BACKSLASH) j += text.charCodeAt(j + 1) === CR ? 2 : 1;
    else if (c === SLASH && text.charCodeAt(j + 1) === STAR) {
      const close = text.indexOf('*/', j + 2);
      if (close < 0) return n;
      j = close + 1;
    } else if (c === SLASH && text.charCodeAt(j + 1) === SLASH) {
      const eol = text.indexOf('\n', j);
      return eol < 0 ? n : eol;
    }
  }
  return n;
}

/** The parse tree's `#if`/`#ifdef`/`#elif`/`#elifdef`/`#else` nodes. */
const BRANCH_NODES = new Set(['preproc_if', 'preproc_ifdef', 'preproc_elif', 'preproc_elifdef', 'preproc_else']);

export function isPreprocessorBranch(node: Node): boolean {
  return BRANCH_NODES.has(node.type);
}

/** The branches of the group that `head` starts: itself and its `#elif`/`#else` alternatives, in order. */
export function preprocessorChain(head: Node): Node[] {
  const chain: Node[] = [];
  for (let n: Node | null = head; n && isPreprocessorBranch(n); n = n.childForFieldName('alternative')) chain.push(n);
  return chain;
}

/** The code of one branch: its children but its condition and its alternative. */
export function branchCode(branch: Node): Node[] {
  const skip = new Set(['name', 'condition', 'alternative'].map((f) => branch.childForFieldName(f)?.id));
  return branch.namedChildren.filter(
    (c): c is Node => c !== null && c.type !== 'comment' && !skip.has(c.id)
      // `#elifdef NAME` exposes its name as a plain child before the code.
      && !(branch.type === 'preproc_elifdef' && c.type === 'identifier' && c.startIndex < (c.parent?.namedChild(1)?.startIndex ?? 0)),
  );
}

/**
 * The decisions made for the groups of the latest tree, by the id of the group's `#if`. A group that holds a file's
 * functions is asked about once for each of them (`compiledOnUnix`); its branches' text is read once.
 */
let decided: { tree: unknown; byHead: Map<number, GroupDecision> } | undefined;

/** decideGroup for a group of the parse tree (`chain`: the whole group, from its `#if`). */
export function decidePreprocessorChain(chain: readonly Node[]): GroupDecision {
  const head = chain[0];
  if (!head) return decideGroup([]);
  if (decided?.tree !== head.tree) decided = { tree: head.tree, byHead: new Map() };
  let decision = decided.byHead.get(head.id);
  if (!decision) {
    decision = decideGroup(chain.map((b) => ({ kind: branchKind(b), condition: branchCondition(b), body: branchCode(b).map((c) => c.text).join('\n') })));
    decided.byHead.set(head.id, decision);
  }
  return decision;
}

function branchKind(branch: Node): ConditionalKind {
  if (branch.type === 'preproc_else') return 'else';
  const keyword = /^#\s*(\w+)/.exec(branch.text)?.[1] ?? '';
  return (['if', 'ifdef', 'ifndef', 'elif', 'elifdef', 'elifndef'].includes(keyword) ? keyword : branch.type === 'preproc_elif' ? 'elif' : 'if') as ConditionalKind;
}

function branchCondition(branch: Node): string {
  const field = branch.childForFieldName('condition') ?? branch.childForFieldName('name');
  if (field) return field.text;
  return /^#\s*\w+[ \t]*([^\n]*)/.exec(branch.text)?.[1] ?? '';
}

/** The `#if` that starts the group a branch node belongs to. */
export function chainHead(branch: Node): Node {
  let head = branch;
  while (head.parent && isPreprocessorBranch(head.parent) && head.parent.childForFieldName('alternative')?.id === head.id) head = head.parent;
  return head;
}

/** Whether a Unix build compiles `node`: no `#if` branch around it is one it leaves out. */
export function compiledOnUnix(node: Node): boolean {
  for (let child = node, p = node.parent; p; child = p, p = p.parent) {
    if (!isPreprocessorBranch(p) || p.childForFieldName('alternative')?.id === child.id) continue;
    const chain = preprocessorChain(chainHead(p));
    if (!decidePreprocessorChain(chain).compiled[chain.findIndex((b) => b.id === p.id)]) return false;
  }
  return true;
}

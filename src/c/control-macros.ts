/**
 * Control-flow macros: macros whose expansion leaves the statement that invokes them with a `goto`, `return`,
 * `break` or `continue` — always (rsyslog's `ABORT_FINALIZE(e)` = `do { iRet = e; goto finalize_it; } while (0)`,
 * `RETiRet` = `return iRet`, slapd's `MAIN_RETURN(x)` = `return (x)`), or when a test of their argument says so
 * (`CHKiRet(f)` = `if ((iRet = f) != RS_RET_OK) goto finalize_it`). The CFG builder turns a statement that invokes
 * one into the jump it makes, so that an error exit written with them is seen as one.
 */
import { perText } from '../text-memory.js';
import { branchesLeftOut } from './unix-build.js';
import { matchingParen, splitOutside } from './split.js';
import { shapeMacrosIn } from './parse-text.js';
import { BUILTIN_NORETURN } from '../noreturn.js';

/** A macro as written: its parameters (undefined for an object-like macro) and its body. */
export interface MacroDefinition {
  params: string[] | undefined;
  body: string;
}

/** `dies`: the macro ends the process with a call of the C library (`exit(1)`, `abort()`): its name and arguments as written. */
export type MacroJump = { kind: 'goto'; label: string } | { kind: 'return'; value?: string } | { kind: 'break' } | { kind: 'continue' } | { kind: 'dies'; callee: string; args: string[] };

export interface ControlMacro {
  name: string;
  params: string[] | undefined;
  /** The condition under which the jump is made (`if (…)`), in the macro's own terms; absent: always. */
  condition?: string;
  /** Assignments made before the jump: `iRet = (e)`. */
  assignments: { variable: string; value: string }[];
  /** Assignments made by the condition itself, whichever way it goes: `(iRet = (f)) != RS_RET_OK` stores `f` in `iRet`. */
  conditionAssignments?: { variable: string; value: string }[];
  jump: MacroJump;
}

const JUMP_WORDS = new RegExp(`\\b(?:goto|return|break|continue|${BUILTIN_NORETURN.join('|')})\\b`);
const DYING_CALL = new RegExp(`^(${BUILTIN_NORETURN.join('|')})\\s*\\(([\\s\\S]*)\\)$`);

/** The definition as a control-flow macro, or undefined when its body is anything else. */
export function controlMacro(name: string, definition: MacroDefinition): ControlMacro | undefined {
  let body = unwrapBlocks(withoutComments(definition.body));
  if (!JUMP_WORDS.test(body)) return undefined;
  // `log_line(f, …); if ((f) & M_FATAL) _exit(1)`: calls made whatever the condition, then the conditional jump.
  const leading = blockStatements(body);
  const lastStatement = leading.pop();
  if (leading.length && lastStatement !== undefined && /^if\s*\(/.test(lastStatement) && leading.every(onlyLogs)) body = lastStatement;
  let condition: string | undefined;
  const ifMatch = /^if\s*\(/.exec(body);
  if (ifMatch) {
    const close = matchingParen(body, ifMatch[0].length - 1);
    if (close < 0) return undefined;
    // `if (__builtin_expect((iRet = code) != RS_RET_OK, 0))`: the hint says nothing about the test.
    condition = body.slice(ifMatch[0].length, close).trim().replace(/^__builtin_expect\s*\(([\s\S]*),\s*[01]\s*\)$/, '$1').trim();
    body = unwrapBlocks(body.slice(close + 1));
    if (/\belse\b/.test(body)) return undefined;
  }
  const statements = topLevelStatements(body);
  const last = statements.pop();
  const jump = last === undefined ? undefined : jumpOf(last);
  // A macro that always dies is a dying name already (the project's `dying`): only a test that dies is one here.
  if (!jump || (jump.kind === 'dies' && condition === undefined)) return undefined;
  const assignments: ControlMacro['assignments'] = [];
  for (const s of statements) {
    const assignment = /^([A-Za-z_]\w*)\s*=(?!=)\s*([\s\S]+)$/.exec(s);
    if (assignment) assignments.push({ variable: assignment[1]!, value: assignment[2]!.trim() });
    else if (!isPlainCall(s)) return undefined; // only calls (logging) besides assignments
  }
  const conditionAssignments = condition !== undefined ? assignmentsIn(condition) : [];
  return { name, params: definition.params, ...(condition !== undefined ? { condition } : {}), ...(conditionAssignments.length ? { conditionAssignments } : {}), assignments, jump };
}

/** A statement that is a call and nothing else (`log_line(f, "…")`). */
function isPlainCall(statement: string): boolean {
  return /^[A-Za-z_]\w*\s*\([\s\S]*\)$/.test(statement);
}

/**
 * A statement that only logs: a call, or calls under a test (`if (msg_test(flags)) { x_msg(…); }`), with no jump,
 * assignment or update.
 */
function onlyLogs(statement: string): boolean {
  if (isPlainCall(statement)) return true;
  return /^if\s*\(/.test(statement) && !JUMP_WORDS.test(statement) && !/(?:^|[^=!<>])=(?!=)|\+\+|--/.test(statement.replace(/"(?:[^"\\]|\\.)*"/g, '""'));
}

/**
 * The statements of a body: split at the semicolons outside parentheses and braces, and after a block that ends a
 * statement (`if (c) { … }` followed by another), unless an `else` follows.
 */
function blockStatements(body: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '(' || c === '{') depth++;
    else if (c === ')' || c === '}') depth--;
    const ends = depth === 0 && (c === ';' || (c === '}' && !/^\s*else\b/.test(body.slice(i + 1))));
    if (!ends) continue;
    out.push(body.slice(start, c === ';' ? i : i + 1).trim());
    start = i + 1;
  }
  out.push(body.slice(start).trim());
  return out.filter((st) => st.length > 0);
}

/**
 * A macro that logs and then invokes a control macro with its own parameters (`#define msg(flags, ...) do {
 * log_line(flags, __VA_ARGS__); EXIT_FATAL(flags); } while (0)` over `#define EXIT_FATAL(f) if ((f) & M_FATAL)
 * _exit(1)`): its definition written as the control macro it amounts to (`if (((flags)) & M_FATAL) _exit(1)`).
 * Undefined when it is anything else, or the inner macro assigns.
 */
export function composedControlDefinition(definition: MacroDefinition, known: ReadonlyMap<string, MacroDefinition>): MacroDefinition | undefined {
  if (!definition.params) return undefined;
  const statements = blockStatements(unwrapBlocks(withoutComments(definition.body)));
  const last = statements.pop();
  const call = last === undefined ? undefined : /^([A-Za-z_]\w*)\s*\(([\s\S]*)\)$/.exec(last);
  const innerDefinition = call ? known.get(call[1]!) : undefined;
  if (!call || !innerDefinition?.params || !statements.every(onlyLogs)) return undefined;
  const inner = controlMacro(call[1]!, innerDefinition);
  const args = splitOutside(call[2]!, ',', '()[]{}').map((a) => a.trim());
  if (!inner?.params || inner.assignments.length || inner.conditionAssignments?.length || args.length !== inner.params.length) return undefined;
  const passed = new Map(inner.params.map((param, i) => [param, args[i]!]));
  const substitute = (text: string): string => text.replace(/[A-Za-z_]\w*/g, (word) => (passed.has(word) ? `(${passed.get(word)})` : word));
  const jump = inner.jump;
  const statement =
    jump.kind === 'dies' ? `${jump.callee}(${jump.args.map(substitute).join(', ')})`
    : jump.kind === 'goto' ? `goto ${jump.label}`
    : jump.kind === 'return' ? `return${jump.value !== undefined ? ` ${substitute(jump.value)}` : ''}`
    : jump.kind;
  const body = inner.condition === undefined ? statement : `if (${substitute(inner.condition)}) ${statement}`;
  return { params: definition.params, body };
}

/** Each definition of `definitions` that amounts to a control macro of `known` (`composedControlDefinition`), by name. */
export function composedControlDefinitions(definitions: Iterable<[string, MacroDefinition]>, known: ReadonlyMap<string, MacroDefinition>): [string, MacroDefinition][] {
  const out: [string, MacroDefinition][] = [];
  if (!known.size) return out;
  const names = new RegExp(`\\b(?:${[...known.keys()].join('|')})\\s*\\(`);
  for (const [name, definition] of definitions) {
    if (known.has(name) || !definition.params || !names.test(definition.body)) continue;
    const composed = composedControlDefinition(definition, known);
    if (composed) out.push([name, composed]);
  }
  return out;
}

/**
 * The plain assignments an expression makes (`(iRet = (f)) != RS_RET_OK`): the variable and the operand assigned,
 * up to the parenthesis or comma that closes it (an assignment takes everything to its right: `v = f != 0` stores
 * the comparison).
 */
function assignmentsIn(expr: string): { variable: string; value: string }[] {
  const out: { variable: string; value: string }[] = [];
  for (const m of expr.matchAll(/(?<![\w.>=!<&|^+\-*/%])\s*([A-Za-z_]\w*)\s*=(?!=)/g)) {
    let depth = 0;
    let end = m.index + m[0].length;
    for (; end < expr.length; end++) {
      const c = expr[end]!;
      if (c === '(' || c === '[') depth++;
      else if (c === ')' || c === ']') {
        if (depth === 0) break;
        depth--;
      } else if (depth === 0 && c === ',') break;
    }
    const value = expr.slice(m.index + m[0].length, end).trim();
    if (value) out.push({ variable: m[1]!, value });
  }
  return out;
}

function jumpOf(statement: string): MacroJump | undefined {
  const dies = DYING_CALL.exec(statement);
  if (dies) return { kind: 'dies', callee: dies[1]!, args: splitOutside(dies[2]!, ',', '()[]{}').map((a) => a.trim()).filter(Boolean) };
  const m = /^(goto\s+([A-Za-z_]\w*)|return\b\s*([\s\S]*)|break|continue)$/.exec(statement);
  if (!m) return undefined;
  if (m[2]) return { kind: 'goto', label: m[2] };
  if (m[0].startsWith('return')) return m[3] ? { kind: 'return', value: m[3].trim() } : { kind: 'return' };
  return { kind: m[0] as 'break' | 'continue' };
}

function withoutComments(text: string): string {
  return text.replace(/\\\r?\n/g, ' ').replace(/\/\*[\s\S]*?(?:\*\/|$)|\/\/.*$/gm, ' ').trim();
}

/** `do { … } while (0)` and `{ … }` around the body, and a final `;`, taken off. */
function unwrapBlocks(text: string): string {
  let t = text.trim().replace(/;\s*$/, '').trim();
  for (;;) {
    const loop = /^do\s*\{([\s\S]*)\}\s*while\s*\(\s*(?:0|false)\s*\)$/.exec(t);
    if (loop && balanced(loop[1]!)) t = loop[1]!.trim().replace(/;\s*$/, '').trim();
    else if (t.startsWith('{') && t.endsWith('}') && balanced(t.slice(1, -1))) t = t.slice(1, -1).trim().replace(/;\s*$/, '').trim();
    else return t;
  }
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const c of text) {
    if (c === '{' || c === '(') depth++;
    else if (c === '}' || c === ')') depth--;
    if (depth < 0) return false;
  }
  return depth === 0;
}

/** The statements of a body split at the semicolons outside parentheses and braces. */
function topLevelStatements(body: string): string[] {
  return splitOutside(body, ';', '(){}').filter((s) => s.length > 0);
}

const DEFINE = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)(\([^)]*\))?((?:[^\n\\]|\\\r?\n|\\)*)$/gm;

/**
 * The control-flow macros a header defines (`#define ABORT_FINALIZE(e) do { … goto finalize_it; } while (0)`),
 * for the files that include it: of alternatives under `#if`, the branch a Unix build compiles (see unix-build.ts).
 * With them, the macros that shape the syntax (annotation and iteration macros, parse-text.ts: the text handed to
 * the parser is made readable with them; they are no control-flow macros). A name defined differently in two
 * headers is left out.
 */
export function headerControlMacros(sources: readonly { path: string; text: string }[]): Map<string, MacroDefinition> {
  const found = new Map<string, MacroDefinition | null>();
  const record = (name: string, definition: MacroDefinition): void => {
    const before = found.get(name);
    found.set(name, before === undefined || (before && JSON.stringify(before) === JSON.stringify(definition)) ? definition : null);
  };
  const headers = sources.filter((src) => src.path.endsWith('.h'));
  for (const src of headers) for (const [name, definition] of [...controlMacrosIn(src.text), ...shapeMacrosIn(src.text)]) record(name, definition);
  const known = new Map([...found].filter((e): e is [string, MacroDefinition] => e[1] !== null && controlMacro(e[0], e[1]) !== undefined));
  // Macros that log, then invoke one of them with their own parameters (`msg(flags, …)` → `EXIT_FATAL(flags)`).
  if (known.size) for (const src of headers) for (const [name, definition] of composedControlDefinitions(functionMacrosIn(src.text), known)) record(name, definition);
  return new Map([...found].filter((e): e is [string, MacroDefinition] => e[1] !== null));
}

/** A header's macro definitions of the branches a Unix build compiles, in order (object-like ones without `params`). */
const definitionsIn = perText((text: string): [string, MacroDefinition][] => {
  const leftOut = branchesLeftOut(text);
  const found: [string, MacroDefinition][] = [];
  for (const m of text.matchAll(DEFINE)) {
    const [, name, params, body] = m;
    if (leftOut.some(([start, end]) => m.index >= start && m.index < end)) continue;
    found.push([name!, { params: params === undefined ? undefined : params.slice(1, -1).split(',').map((p) => p.trim()).filter(Boolean), body: body!.trim() }]);
  }
  return found;
});

/** A header's function-like macros of the branches a Unix build compiles, in order. */
function functionMacrosIn(text: string): [string, MacroDefinition][] {
  return definitionsIn(text).filter(([, d]) => d.params !== undefined);
}

/** A header's control macros, in order (remembered per text in an editor's host). */
const controlMacrosIn = perText((text: string): [string, MacroDefinition][] => {
  if (!JUMP_WORDS.test(text)) return [];
  return definitionsIn(text).filter(([name, d]) => JUMP_WORDS.test(d.body) && controlMacro(name, d) !== undefined);
});

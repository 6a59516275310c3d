/**
 * Which account, and which numeric id, a Node id argument names: `'nobody'`, `65534`, a constant holding one,
 * `posix.getpwnam('nobody').uid`, `userid.uid('nobody')`. Names are resolved per file; a name declared or assigned
 * more than once is left unresolved (it may hold either value).
 */
import type { Node } from 'web-tree-sitter';
import type { IdKind } from '../model.js';
import type { ModuleBindings } from './bindings.js';
import { callArguments, descendantsOfType, numericValue, stringValue, unwrap } from './syntax.js';

export interface ModuleConstants {
  /** Names bound once, to a literal or to a lookup: `const USER = 'nobody'`, `const pw = posix.getpwnam('nobody')`. */
  readonly values: ReadonlyMap<string, Node>;
}

/** The names of the file bound exactly once, with the value they are bound to. */
export function moduleConstants(root: Node): ModuleConstants {
  const values = new Map<string, Node>();
  const seen = new Set<string>();
  const bind = (name: string, value: Node | undefined): void => {
    if (seen.has(name)) values.delete(name);
    else if (value) values.set(name, unwrap(value));
    seen.add(name);
  };
  for (const d of descendantsOfType(root, ['variable_declarator'])) {
    const name = d.childForFieldName('name');
    if (name?.type === 'identifier') bind(name.text, d.childForFieldName('value') ?? undefined);
  }
  for (const a of descendantsOfType(root, ['assignment_expression', 'augmented_assignment_expression'])) {
    // `x = …` rebinds x; `opts.gid = …` changes what x holds.
    let left = a.childForFieldName('left');
    while (left && (left.type === 'member_expression' || left.type === 'subscript_expression')) left = left.childForFieldName('object');
    if (left?.type === 'identifier') bind(left.text, undefined);
  }
  return { values };
}

/** What the code shows about an id: the account it belongs to, its number. */
export interface TargetFacts {
  targetUser?: string;
  targetValue?: number;
}

/** A passwd lookup by name: `posix.getpwnam('nobody')` → 'nobody'. */
function lookedUpAccount(expr: Node, bindings: ModuleBindings, constants: ModuleConstants): string | undefined {
  const e = resolve(expr, constants);
  if (e.type !== 'call_expression' || bindings.qualify(e.childForFieldName('function')!) !== 'posix.getpwnam') return undefined;
  return literalString(callArguments(e)[0], constants);
}

/** The value a name bound once stands for (`const opts = { uid }` → the object), else the expression itself. */
export function resolve(expr: Node, constants: ModuleConstants, depth = 0): Node {
  const e = unwrap(expr);
  const bound = e.type === 'identifier' ? constants.values.get(e.text) : undefined;
  return bound && depth < 4 ? resolve(bound, constants, depth + 1) : e;
}

function literalString(expr: Node | undefined, constants: ModuleConstants): string | undefined {
  return expr ? stringValue(resolve(expr, constants)) : undefined;
}

/**
 * The account and number a target id names. A string names the account for a uid (Node looks it up with
 * getpwnam); for a gid it names a group, which is no account.
 */
export function targetFacts(target: Node | undefined, idKind: IdKind, bindings: ModuleBindings, constants: ModuleConstants): TargetFacts {
  if (!target) return {};
  const e = resolve(target, constants);
  const value = numericValue(e);
  if (value !== undefined) return { targetValue: value };
  const name = stringValue(e);
  if (name !== undefined) return idKind === 'uid' ? { targetUser: name } : {};
  if (e.type === 'member_expression' && e.childForFieldName('property')?.text === idKind) {
    const user = lookedUpAccount(e.childForFieldName('object')!, bindings, constants);
    return user !== undefined ? { targetUser: user } : {};
  }
  if (e.type === 'call_expression' && bindings.qualify(e.childForFieldName('function')!) === `userid.${idKind}`) {
    const user = idKind === 'uid' ? literalString(callArguments(e)[0], constants) : undefined;
    return user !== undefined ? { targetUser: user } : {};
  }
  return {};
}

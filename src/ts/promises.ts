/** Promise chains: a `.catch()` (or the second argument of `.then()`) that swallows a failure. */
import type { Node } from 'web-tree-sitter';
import type { ModuleBindings } from './bindings.js';
import { callArguments, isFunction, namedChildren, unwrap } from './syntax.js';

/** Does the statement end the path: `throw`, `process.exit()`, `process.abort()`, or an `if` whose branches all do? */
function ends(stmt: Node, bindings: ModuleBindings): boolean {
  switch (stmt.type) {
    case 'throw_statement':
      return true;
    case 'statement_block':
      return namedChildren(stmt).some((s) => ends(s, bindings));
    case 'expression_statement':
      return endsProcess(namedChildren(stmt)[0], bindings);
    case 'if_statement': {
      const alt = stmt.childForFieldName('alternative');
      const other = alt ? namedChildren(alt)[0] : undefined;
      return ends(stmt.childForFieldName('consequence')!, bindings) && other !== undefined && ends(other, bindings);
    }
    default:
      return false;
  }
}

function endsProcess(expr: Node | undefined, bindings: ModuleBindings): boolean {
  const e = expr ? unwrap(expr) : undefined;
  if (e?.type !== 'call_expression') return false;
  const q = bindings.qualify(e.childForFieldName('function')!);
  return q === 'process.exit' || q === 'process.abort';
}

/** Why a rejection handler swallows the failure, or undefined when it ends the process, rethrows or is unknown. */
function swallows(handler: Node, bindings: ModuleBindings): string | undefined {
  const h = unwrap(handler);
  if (isFunction(h)) {
    const body = h.childForFieldName('body');
    if (!body) return undefined;
    const stops = body.type === 'statement_block' ? ends(body, bindings) : endsProcess(body, bindings);
    if (stops) return undefined;
    return namedChildren(body).length === 0 ? 'its failure is swallowed by an empty .catch() handler and execution continues' : 'its failure is caught by a .catch() handler that does not end the process, and execution continues';
  }
  // `.catch(console.error)`: logged, then the program runs on.
  if (/^console\.\w+$/.test(h.text)) return `its failure is only logged by .catch(${h.text}) and execution continues`;
  return undefined;
}

/** The promise `call` returns is followed by a handler that swallows its rejection: why, else undefined. */
export function swallowingCatch(call: Node, bindings: ModuleBindings): string | undefined {
  let node = call;
  for (;;) {
    let p = node.parent;
    while (p?.type === 'parenthesized_expression' || p?.type === 'await_expression') p = p.parent;
    if (p?.type !== 'member_expression') return undefined;
    const method = p.childForFieldName('property')?.text;
    const outer = p.parent;
    if (outer?.type !== 'call_expression' || outer.childForFieldName('function')?.id !== p.id) return undefined;
    const args = callArguments(outer);
    const handler = method === 'catch' ? args[0] : method === 'then' ? args[1] : undefined;
    if (handler) return swallows(handler, bindings);
    if (method !== 'then' && method !== 'finally') return undefined;
    node = outer;
  }
}

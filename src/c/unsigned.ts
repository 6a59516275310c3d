/**
 * Variables declared with an unsigned integer type (`unsigned int depth;`, `size_t n;`, `uid_t u;`). Such a value is
 * never negative, so a comparison of it with a bound of 0 or more by `<`, `<=`, `>`, `>=` decides as for its largest
 * value where the analysis would try a negative one: `depth > 0` is `depth != 0`, `depth <= 0` is `depth == 0`.
 * Only plain scalars are read (no pointer, array or member), by name: a name declared with another type anywhere in
 * the function (or twice at file scope with different types) is not taken as unsigned.
 */
import type { Node } from 'web-tree-sitter';

/** The unsigned integer types of the C library and POSIX, by their typedef names. */
const UNSIGNED_TYPEDEFS = new Set([
  'size_t', 'uid_t', 'gid_t', 'uint8_t', 'uint16_t', 'uint32_t', 'uint64_t', 'uintmax_t', 'uintptr_t',
  'u_char', 'u_short', 'u_int', 'u_long', 'u_int8_t', 'u_int16_t', 'u_int32_t', 'u_int64_t',
]);

function isUnsignedType(type: Node | null): boolean {
  if (!type) return false;
  if (type.type === 'sized_type_specifier') return type.children.some((c) => c?.type === 'unsigned' || c?.text === 'unsigned');
  return type.type === 'type_identifier' && UNSIGNED_TYPEDEFS.has(type.text);
}

/** The scalar names a declaration (or a parameter) declares, with whether their type is unsigned. */
function declared(decl: Node): [string, boolean][] {
  const unsigned = isUnsignedType(decl.childForFieldName('type'));
  const out: [string, boolean][] = [];
  for (const d of decl.childrenForFieldName('declarator')) {
    if (!d) continue;
    const inner = d.type === 'init_declarator' ? d.childForFieldName('declarator') : d;
    // `unsigned *p`, `unsigned a[2]`: not a scalar of the type; the name is still declared (it hides a global).
    if (inner?.type === 'identifier') out.push([inner.text, unsigned]);
    else if (inner) {
      const name = inner.descendantsOfType('identifier')[0]?.text;
      if (name) out.push([name, false]);
    }
  }
  return out;
}

/** Names with one type throughout: true when unsigned; a name seen with two different answers is not unsigned. */
function merge(pairs: [string, boolean][]): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const [name, unsigned] of pairs) out.set(name, (out.get(name) ?? unsigned) && unsigned);
  return out;
}

const FILE_SCOPE = new Set(['translation_unit', 'preproc_if', 'preproc_ifdef', 'preproc_else', 'preproc_elif', 'preproc_elifdef', 'linkage_specification', 'declaration_list']);

/** The variables a file declares at file scope with an unsigned type (`static unsigned int depth;`), sorted. */
export function unsignedGlobals(declarations: readonly Node[]): string[] {
  const pairs: [string, boolean][] = [];
  for (const decl of declarations) {
    let p = decl.parent;
    while (p && FILE_SCOPE.has(p.type) && p.type !== 'translation_unit') p = p.parent;
    if (p?.type === 'translation_unit') pairs.push(...declared(decl));
  }
  return [...merge(pairs)].filter(([, u]) => u).map(([n]) => n).sort();
}

/** The unsigned variables a function sees: its own parameters and locals, and the file's that none of them hides. */
export function unsignedVariables(def: Node, globals: ReadonlySet<string> | undefined): Set<string> {
  const decls = def.descendantsOfType(['parameter_declaration', 'declaration']).filter((n): n is Node => n !== null);
  const own = merge(decls.flatMap(declared));
  const out = new Set([...own].filter(([, u]) => u).map(([n]) => n));
  for (const g of globals ?? []) if (!own.has(g)) out.add(g);
  return out;
}

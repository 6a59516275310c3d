/**
 * What a function declares its own names to be, read from its parameters and locals: the struct type of a struct
 * variable or pointer (`struct msg *m`, `setup_t s`), and the local arrays (`char buf[64]`). An array is an
 * address, never NULL; a member of a struct may be one (`m->login` for `struct msg { char login[64]; }`), which only
 * the unit's struct definitions tell (c/members.ts `arrayMembers`). A name declared twice with different answers
 * (two blocks of the function) has none.
 */
import type { Node } from 'web-tree-sitter';

export interface DeclaredTypes {
  /** Parameter or local → the struct type (tag or typedef name) it is declared with, itself or through one pointer. */
  structs: Map<string, string>;
  /** Locals declared as arrays (not parameters: an array parameter is a pointer, which may be NULL). */
  arrays: Set<string>;
}

/** The type name of a declaration's type: a struct or union's tag, or a typedef name. */
function typeName(type: Node | null): string | undefined {
  if (!type) return undefined;
  if (type.type === 'struct_specifier' || type.type === 'union_specifier') return type.childForFieldName('name')?.text;
  return type.type === 'type_identifier' ? type.text : undefined;
}

export function declaredTypes(def: Node): DeclaredTypes {
  const structs = new Map<string, string | null>();
  const arrays = new Map<string, boolean>();
  for (const decl of def.descendantsOfType(['parameter_declaration', 'declaration'])) {
    if (!decl) continue;
    const type = typeName(decl.childForFieldName('type'));
    const parameter = decl.type === 'parameter_declaration';
    for (const d of decl.childrenForFieldName('declarator')) {
      if (!d) continue;
      const inner = d.type === 'init_declarator' ? d.childForFieldName('declarator') : d;
      // `struct msg m`, `struct msg *m`: the name and its type; any other form (`**m`, `m[2]`, a function) none.
      const pointee = inner?.type === 'pointer_declarator' ? inner.childForFieldName('declarator') : inner;
      const name = pointee?.type === 'identifier' ? pointee.text : inner?.descendantsOfType('identifier')[0]?.text;
      if (!name) continue;
      const struct = pointee?.type === 'identifier' && type ? type : null;
      structs.set(name, structs.has(name) && structs.get(name) !== struct ? null : struct);
      const array = !parameter && inner?.type === 'array_declarator' && inner.childForFieldName('declarator')?.type === 'identifier';
      arrays.set(name, (arrays.get(name) ?? array) && array);
    }
  }
  return {
    structs: new Map([...structs].filter((e): e is [string, string] => e[1] !== null)),
    arrays: new Set([...arrays].filter(([, a]) => a).map(([n]) => n)),
  };
}

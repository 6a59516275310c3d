/**
 * Functions reached through struct members: dispatch tables and handler pointers. `ops->change(op)` calls whatever
 * the program stored in the member `change` — by assignment (`p->change = change_uid;`), by a designated
 * initialiser (`.check = unix_check`), or by position in a brace initialiser of a variable declared with a struct
 * type (its tag or typedef name) whose definition declares a function pointer there (`Auth list[] = { { "unix",
 * unix_parse, unix_check, unix_exit }, … }` for `typedef struct { const char *name; void (*parse)(…); void
 * (*check)(…); void (*exit)(void); } Auth;`). Read from the text of every file of the unit (headers
 * and every `#if` branch included), and only for names the unit defines as functions: the member may hold any of
 * them, so a call through it is a call of one of them. Only a member filled in one file counts: a backend list or
 * the handler a module sets. A member that many files fill (each module's command table of a plugin registry) is
 * dispatched by a key the analysis does not follow (the command), and taking every handler for every call would
 * make up paths no run takes.
 */
import { ownCopy, perText } from '../text-memory.js';
import { splitOutside } from './split.js';
import { blankedKeepingLines } from '../line-index.js';

/** Comments, string and character literals, and preprocessor lines blanked (spaces; newlines kept). */
function blankLiterals(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:[^"\\\n]|\\[\s\S])*"|'(?:[^'\\\n]|\\[\s\S])*'|^[ \t]*#(?:[^\n\\]|\\[\s\S])*/gm, blankedKeepingLines);
}

/** Split at commas (or `;`) outside parentheses and brackets. */
const splitTop = (text: string, sep: ',' | ';'): string[] => splitOutside(text, sep, '()[]');

/** The fields of one struct definition, in order: each field's name when it is a function pointer, else null. */
type Layout = (string | null)[];

interface FileMembers {
  /** `member = name` (assignment or designated initialiser): member → names assigned. */
  assigned: [string, string][];
  /** Struct layouts with at least one function-pointer field, by tag and by typedef name. */
  layouts: [string, Layout][];
  /** Brace initialiser groups of plain elements, with the type the initialised variable is declared with. */
  groups: [string, (string | null)[]][];
}

const ASSIGNED = /(?:\.|->)\s*([A-Za-z_]\w*)\s*=(?!=)\s*(?:\(\s*[\w\s*]+\)\s*)?&?\s*([A-Za-z_]\w*)\s*(?=[;,}])/g;
const STRUCT_BODY = /\b(?:struct|union)\s*([A-Za-z_]\w*)?\s*\{([^{}]*)\}\s*([A-Za-z_]\w*)?/g;
/** `struct auth list[] = {`, `static Authentication auth_list[] = {`: the word before the variable is its type. */
const INITIALISED = /\b([A-Za-z_]\w*)\s+\**\s*[A-Za-z_]\w*\s*(?:\[[^\]=;{}]*\]\s*)*=\s*\{/g;
const FUNCTION_POINTER = /\(\s*\*\s*([A-Za-z_]\w*)\s*\)\s*\(/;

const membersOfText = perText((raw: string): FileMembers => {
  const text = blankLiterals(raw);
  const assigned: [string, string][] = [];
  for (const m of text.matchAll(ASSIGNED)) assigned.push([m[1]!, m[2]!]);
  const layouts: [string, Layout][] = [];
  for (const m of text.matchAll(STRUCT_BODY)) {
    const layout: Layout = [];
    for (const member of splitTop(m[2]!, ';')) {
      if (!member) continue;
      const pointer = FUNCTION_POINTER.exec(member);
      if (pointer) layout.push(pointer[1]!);
      // `int a, b;` declares two fields
      else for (let k = splitTop(member, ',').length; k > 0; k--) layout.push(null);
    }
    if (!layout.some((f) => f !== null)) continue;
    if (m[1]) layouts.push([m[1], layout]);
    if (m[3]) layouts.push([m[3], layout]);
  }
  const groups: [string, (string | null)[]][] = [];
  for (const m of text.matchAll(INITIALISED)) {
    const type = m[1]!;
    // The innermost brace groups of the initialiser: one per struct (the initialiser itself for a single struct).
    let depth = 0;
    let open = -1;
    for (let i = m.index + m[0].length - 1; i < text.length; i++) {
      const c = text[i];
      if (c === '{') {
        depth++;
        open = i;
      } else if (c === '}') {
        if (open >= 0) {
          const elements = splitTop(text.slice(open + 1, i), ',');
          if (elements.length && elements[elements.length - 1] === '') elements.pop();
          if (elements.length && !elements.some((e) => e.startsWith('.') || e.includes(';'))) groups.push([type, elements.map((e) => /^&?\s*([A-Za-z_]\w*)$/.exec(e)?.[1] ?? null)]);
        }
        open = -1;
        if (--depth === 0) break;
      } else if (c === ';' && depth === 0) break;
    }
  }
  return { assigned, layouts, groups };
});

/** Member name → the unit's functions that may be stored in it. */
export function memberFunctions(texts: Iterable<string>, functionNames: ReadonlySet<string>): Map<string, string[]> {
  const found = new Map<string, Set<string>>();
  /** The file each member was filled in; -1 once a second file fills it. */
  const filledIn = new Map<string, number>();
  let file = 0;
  const bind = (member: string, fn: string): void => {
    const first = filledIn.get(member);
    filledIn.set(member, first === undefined || first === file ? file : -1);
    (found.get(member) ?? found.set(member, new Set()).get(member)!).add(fn);
  };
  const files = [...texts].map(membersOfText);
  const layouts = new Map<string, Layout[]>();
  for (const f of files) for (const [name, layout] of f.layouts) (layouts.get(name) ?? layouts.set(name, []).get(name)!).push(layout);
  for (const [index, f] of files.entries()) {
    file = index;
    for (const [member, name] of f.assigned) if (functionNames.has(name)) bind(member, name);
    for (const [type, group] of f.groups) {
      if (!group.some((e) => e !== null && functionNames.has(e))) continue;
      // The layouts of the declared type the group fits: its functions sit where the layout has function pointers.
      for (const layout of layouts.get(type) ?? []) {
        if (group.length > layout.length) continue;
        if (!group.every((e, i) => e === null || !functionNames.has(e) || layout[i] !== null)) continue;
        group.forEach((e, i) => {
          if (e !== null && functionNames.has(e)) bind(layout[i]!, e);
        });
      }
    }
  }
  return new Map([...found].filter(([k]) => filledIn.get(k)! >= 0).map(([k, v]) => [k, [...v].sort()]));
}

/** `p->member(` or `s.member(` (also `(*p)->member(`) in a text: a call through the member. */
export function callsMember(text: string, member: string): boolean {
  return new RegExp(`(?:\\.|->)\\s*${member}\\s*\\(`).test(text);
}

/** A struct body's members declared as arrays (`char login[64];`, `int a, b[2];`), not function pointers. */
function arrayMembersOfBody(body: string): { arrays: string[]; others: string[] } {
  const arrays: string[] = [];
  const others: string[] = [];
  for (const member of splitTop(body, ';')) {
    if (!member || member.includes('(')) continue;
    for (const declarator of splitTop(member, ',')) {
      const array = /([A-Za-z_]\w*)\s*(?:\[[^\]]*\]\s*)+$/.exec(declarator);
      if (array) arrays.push(array[1]!);
      else {
        const name = /([A-Za-z_]\w*)\s*(?::\s*\w+\s*)?$/.exec(declarator);
        if (name) others.push(name[1]!);
      }
    }
  }
  return { arrays, others };
}

/** The names a text may define struct types by (`struct msg {`, `} msg_t;`), kept per text in an editor's host. */
const structNamesOf = perText((text: string): string[] => {
  if (!text.includes('struct') && !text.includes('union')) return [];
  const names = new Set<string>();
  for (const m of text.matchAll(/\b(?:struct|union)\s+([A-Za-z_]\w*)\s*\{|\}\s*([A-Za-z_]\w*)\s*[;,]/g)) names.add(m[1] ?? m[2]!);
  return [...names];
});

/** Each struct body of a text with the names it goes by (tag, typedef name) and its array and other members. */
const structBodiesOf = perText((raw: string): { names: string[]; arrays: string[]; others: string[] }[] =>
  [...blankLiterals(raw).matchAll(STRUCT_BODY)].map((m) => ({ names: [m[1], m[3]].filter((t): t is string => !!t), ...arrayMembersOfBody(m[2]!) })),
);

/** What `arrayMembers` reads of a text, written out: its struct bodies ('' when it defines none; remembered per text). */
export const structMembersOf = perText((raw: string): string => (structNamesOf(raw).length ? JSON.stringify(structBodiesOf(raw)) : ''));

/**
 * Of the struct types `types` (tags or typedef names), the members the unit's texts define as arrays, as
 * `type.member`: an array member's value is an address, never NULL. A member that some definition of the same type
 * name declares otherwise is left out. Only texts that define one of the types are read whole.
 */
export function arrayMembers(texts: Iterable<string>, types: ReadonlySet<string>): Set<string> {
  const arrays = new Set<string>();
  const others = new Set<string>();
  if (!types.size) return arrays;
  for (const raw of texts) {
    if (!structNamesOf(raw).some((t) => types.has(t))) continue;
    for (const body of structBodiesOf(raw)) {
      for (const t of body.names) {
        if (!types.has(t)) continue;
        for (const a of body.arrays) arrays.add(ownCopy(`${t}.${a}`)); // kept by the project: not a view into the text
        for (const o of body.others) others.add(`${t}.${o}`);
      }
    }
  }
  for (const o of others) arrays.delete(o);
  return arrays;
}

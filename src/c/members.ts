/**
 * Functions reached through struct members: dispatch tables and handler pointers. `ops->change(op)` calls whatever
 * the program stored in the member `change` — by assignment (`p->change = change_uid;`), by a designated
 * initialiser (`.check = unix_check`), or by position in a brace initialiser of a struct whose definition declares
 * a function pointer there (`{ "unix", unix_parse, unix_check, unix_exit }` for `struct auth { const char *name;
 * void (*parse)(…); void (*check)(…); void (*exit)(void); }`). Read from the text of every file of the unit (headers
 * and every `#if` branch included), and only for names the unit defines as functions: the member may hold any of
 * them, so a call through it is a call of one of them.
 */
import { perText } from '../text-memory.js';

/** Comments, string and character literals blanked (spaces; newlines kept). */
function blankLiterals(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:[^"\\\n]|\\[\s\S])*"|'(?:[^'\\\n]|\\[\s\S])*'/g, (m) => (m.includes('\n') ? m.replace(/[^\n]/g, ' ') : ' '.repeat(m.length)));
}

/** Split at commas (or `;`) outside parentheses and brackets. */
function splitTop(text: string, sep: ',' | ';'): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === sep && depth === 0) {
      parts.push(text.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(text.slice(from));
  return parts.map((p) => p.trim());
}

/** The fields of one struct definition, in order: each field's name when it is a function pointer, else null. */
type Layout = (string | null)[];

interface FileMembers {
  /** `member = name` (assignment or designated initialiser): member → names assigned. */
  assigned: [string, string][];
  /** Struct layouts with at least one function-pointer field. */
  layouts: Layout[];
  /** Brace initialiser groups made of plain elements: each element's identifier (or null when it is no identifier). */
  groups: (string | null)[][];
}

const ASSIGNED = /(?:\.|->)\s*([A-Za-z_]\w*)\s*=(?!=)\s*(?:\(\s*[\w\s*]+\)\s*)?&?\s*([A-Za-z_]\w*)\s*(?=[;,}])/g;
const STRUCT_BODY = /\b(?:struct|union)\s*(?:[A-Za-z_]\w*\s*)?\{([^{}]*)\}/g;
const GROUP = /[=,{]\s*\{([^{}]*)\}/g;
const FUNCTION_POINTER = /\(\s*\*\s*([A-Za-z_]\w*)\s*\)\s*\(/;

const membersOfText = perText((raw: string): FileMembers => {
  const text = blankLiterals(raw);
  const assigned: [string, string][] = [];
  for (const m of text.matchAll(ASSIGNED)) assigned.push([m[1]!, m[2]!]);
  const layouts: Layout[] = [];
  const bodies = new Set<number>();
  for (const m of text.matchAll(STRUCT_BODY)) {
    bodies.add(m.index + m[0].indexOf('{'));
    const layout: Layout = [];
    for (const member of splitTop(m[1]!, ';')) {
      if (!member || member.startsWith('#')) continue;
      const pointer = FUNCTION_POINTER.exec(member);
      if (pointer) layout.push(pointer[1]!);
      // `int a, b;` declares two fields
      else for (let k = splitTop(member, ',').length; k > 0; k--) layout.push(null);
    }
    if (layout.some((f) => f !== null)) layouts.push(layout);
  }
  const groups: (string | null)[][] = [];
  if (layouts.length || /\(\s*\*/.test(text)) {
    for (const m of text.matchAll(GROUP)) {
      if (bodies.has(m.index + m[0].indexOf('{'))) continue;
      const elements = splitTop(m[1]!, ',');
      if (elements.length && elements[elements.length - 1] === '') elements.pop();
      if (!elements.length || elements.some((e) => e.startsWith('.') || e.includes(';'))) continue;
      groups.push(elements.map((e) => /^&?\s*([A-Za-z_]\w*)$/.exec(e)?.[1] ?? null));
    }
  }
  return { assigned, layouts, groups };
});

/** Member name → the unit's functions that may be stored in it. */
export function memberFunctions(texts: Iterable<string>, functionNames: ReadonlySet<string>): Map<string, string[]> {
  const found = new Map<string, Set<string>>();
  const bind = (member: string, fn: string): void => void (found.get(member) ?? found.set(member, new Set()).get(member)!).add(fn);
  const files = [...texts].map(membersOfText);
  const layouts = files.flatMap((f) => f.layouts);
  for (const f of files) {
    for (const [member, name] of f.assigned) if (functionNames.has(name)) bind(member, name);
    for (const group of f.groups) {
      if (!group.some((e) => e !== null && functionNames.has(e))) continue;
      // Every layout the group fits: its functions sit where the layout has function pointers.
      for (const layout of layouts) {
        if (group.length > layout.length) continue;
        if (!group.every((e, i) => e === null || !functionNames.has(e) || layout[i] !== null)) continue;
        group.forEach((e, i) => {
          if (e !== null && functionNames.has(e)) bind(layout[i]!, e);
        });
      }
    }
  }
  return new Map([...found].map(([k, v]) => [k, [...v].sort()]));
}

/** `p->member(` or `s.member(` (also `(*p)->member(`) in a text: a call through the member. */
export function callsMember(text: string, member: string): boolean {
  return new RegExp(`(?:\\.|->)\\s*${member}\\s*\\(`).test(text);
}

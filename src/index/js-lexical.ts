/** A lexical index of a JavaScript/TypeScript module: whether it can touch privileges, and the modules it loads. */

/** Node's privilege calls and the npm modules that wrap them (`posix`, `chroot`), and `uid:` options of child processes. */
const NODE_PRIVILEGE_TOKENS = /\b(?:set(?:e|re|res)?[ug]id|setgroups|initgroups|chroot)\b|['"](?:node:)?posix['"]|\buid\s*:/;

/** `require('./x')`, `import … from './x'`, `import('./x')`, `export … from './x'`: relative specifiers only. */
const RELATIVE_SPECIFIER = /(?:\brequire\s*\(\s*|\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"\n]*)\1/g;

export interface JsLexicalIndex {
  privileged: boolean;
  /** Relative specifiers as written. */
  specifiers: string[];
}

/** `privilegeFunctions`: names the configuration gives privilege meaning (checking wrappers, drop helpers). */
export function scanJs(text: string, privilegeFunctions: readonly string[] = []): JsLexicalIndex {
  const specifiers: string[] = [];
  for (const m of text.matchAll(RELATIVE_SPECIFIER)) specifiers.push(m[2]!);
  return { privileged: NODE_PRIVILEGE_TOKENS.test(text) || privilegeFunctions.some((name) => mentions(text, name)), specifiers };
}

/** The text names the function: `drop`, or the last part of `lib.drop`, as a whole word. */
function mentions(text: string, name: string): boolean {
  const last = name.slice(name.lastIndexOf('.') + 1);
  for (let at = text.indexOf(last); at >= 0; at = text.indexOf(last, at + 1)) {
    if (!/[\w$]/.test(text[at - 1] ?? '') && !/[\w$]/.test(text[at + last.length] ?? '')) return true;
  }
  return false;
}

const EXTENSIONS = /\.(?:[cm]?[jt]s|tsx|jsx)$/;

/** The files of `paths` a relative specifier of `from` can name (with or without extension, or a folder's index). */
export function specifierTargets(from: string, specifier: string, byStem: ReadonlyMap<string, string[]>): string[] {
  const dir = from.slice(0, from.lastIndexOf('/') + 1);
  const joined = normalise(dir + specifier);
  const stem = joined.replace(EXTENSIONS, '');
  return [...(byStem.get(stem) ?? []), ...(byStem.get(`${stem}/index`) ?? [])];
}

/** Module paths by their path without extension. */
export function stemIndex(paths: Iterable<string>): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const p of paths) {
    const stem = normalise(p).replace(EXTENSIONS, '');
    const list = m.get(stem) ?? [];
    list.push(p);
    m.set(stem, list);
  }
  return m;
}

function normalise(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '.' || part === '') {
      if (!out.length && part === '') out.push('');
      continue;
    }
    if (part === '..' && out.length && out[out.length - 1] !== '..' && out[out.length - 1] !== '') out.pop();
    else out.push(part);
  }
  return out.join('/');
}

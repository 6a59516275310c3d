import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Edit, Language, Parser, type Node, type ParseState, type Point, type Tree } from 'web-tree-sitter';
import { lineAt, lineStartsOf } from './line-index.js';
import { mirrorTree } from './syntax-mirror.js';

export type GrammarName = 'c' | 'typescript' | 'tsx';

const require = createRequire(import.meta.url);

const grammarFiles: Record<GrammarName, string> = {
  c: 'tree-sitter-c/tree-sitter-c.wasm',
  typescript: 'tree-sitter-typescript/tree-sitter-typescript.wasm',
  tsx: 'tree-sitter-typescript/tree-sitter-tsx.wasm',
};

/** A grammar's wasm file: beside this module when it is bundled (the Action's dist/ carries them), else from its npm package. */
function grammarPath(name: GrammarName): string {
  const packaged = grammarFiles[name];
  const beside = fileURLToPath(new URL(path.posix.basename(packaged), import.meta.url));
  return existsSync(beside) ? beside : require.resolve(packaged);
}

let runtimeReady: Promise<void> | undefined;
const languages = new Map<GrammarName, Promise<Language>>();

/** Initialise the wasm runtime once per process: concurrent init() calls are not safe. */
export function initRuntime(): Promise<void> {
  runtimeReady ??= Parser.init();
  return runtimeReady;
}

export function loadGrammar(name: GrammarName): Promise<Language> {
  let lang = languages.get(name);
  if (!lang) {
    lang = initRuntime().then(() => Language.load(grammarPath(name)));
    languages.set(name, lang);
  }
  return lang;
}

export async function createParser(name: GrammarName): Promise<Parser> {
  const language = await loadGrammar(name);
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

/** A limit that stops one file's analysis (time, size): its message is the diagnostic, and the other files go on. */
export class InputLimitError extends Error {}

/** How a text is parsed besides its deadline (`parseBefore`). */
export interface ParseWay {
  /**
   * The key of the text's previous version (a file's path): with tree memory turned on (`rememberTrees`), the text
   * is parsed incrementally from the tree of the key's previous text (an editor's host parses a file after each edit).
   */
  memoryKey?: string;
  /**
   * A tree of a text of the same length whose line breaks are where this text's are (the same file read another way:
   * its Unix build): the text is parsed from it, again only where the two differ. Used when no tree is remembered.
   */
  from?: { tree: Tree; text: string };
}

/** Parse, giving up at `deadline` (a Date.now() value): null when the parse was stopped. */
export function parseBefore(parser: Parser, text: string, deadline: number, way: ParseWay = {}): Tree | null {
  // The callback's result stops the parse when true (web-tree-sitter 0.27 types it as returning void).
  const progressCallback = (() => Date.now() > deadline) as unknown as (state: ParseState) => void;
  const { memoryKey } = way;
  const prior = memoryKey !== undefined && memoryLimit ? treeMemory.get(memoryKey) : undefined;
  let old: Tree | undefined;
  if (prior) {
    old = prior.tree.copy();
    old.edit(treeEdit(prior.text, text, editBetween(prior.text, text)));
  } else if (way.from) old = editedForSameLength(way.from.tree, way.from.text, text);
  const tree = parser.parse(text, old ?? null, { progressCallback });
  old?.delete();
  if (!tree) {
    parser.reset(); // the next parse must start afresh, not resume this one
    return tree;
  }
  if (memoryKey !== undefined && memoryLimit) remember(memoryKey, text, tree);
  return tree;
}

/**
 * A copy of `tree` (the parse of `before`) edited where `after` differs, for an incremental parse of `after`: the
 * two have the same length and their line breaks at the same places (else undefined). Differences
 * fewer than `GAP` characters apart are one edit.
 */
function editedForSameLength(tree: Tree, before: string, after: string): Tree | undefined {
  if (before.length !== after.length) return undefined;
  const edits: [number, number][] = [];
  const GAP = 80;
  for (let i = 0; i < before.length; i++) {
    if (before.charCodeAt(i) === after.charCodeAt(i)) continue;
    let end = i;
    for (; end < before.length && before.charCodeAt(end) !== after.charCodeAt(end); end++) if (before.charCodeAt(end) === 10 || after.charCodeAt(end) === 10) return undefined;
    const last = edits[edits.length - 1];
    if (last && i - last[1] < GAP) last[1] = end;
    else edits.push([i, end]);
    i = end - 1;
  }
  const copy = tree.copy();
  const starts = lineStartsOf(before);
  const point = (offset: number): Point => {
    const row = lineAt(starts, offset);
    return { row, column: offset - starts[row]! };
  };
  for (const [start, end] of edits) copy.edit(new Edit({ startIndex: start, oldEndIndex: end, newEndIndex: end, startPosition: point(start), oldEndPosition: point(end), newEndPosition: point(end) }));
  return copy;
}

/** The last tree parsed for each key, most recent last (a Map keeps insertion order). */
const treeMemory = new Map<string, { text: string; tree: Tree }>();
let memoryLimit = 0;

/** Keep the trees of the last `limit` files parsed (0: keep none), for incremental parses of their next texts. */
export function rememberTrees(limit: number): void {
  memoryLimit = Math.max(memoryLimit, limit);
}

/** How many files' trees are kept (0: none; an editor's host turns it on). */
export function treesRemembered(): number {
  return memoryLimit;
}

function remember(key: string, text: string, tree: Tree): void {
  const prior = treeMemory.get(key);
  if (prior) {
    prior.tree.delete();
    treeMemory.delete(key);
  }
  treeMemory.set(key, { text, tree: tree.copy() });
  for (const [oldest, entry] of treeMemory) {
    if (treeMemory.size <= memoryLimit) break;
    entry.tree.delete();
    treeMemory.delete(oldest);
  }
}

/** The one edit that turns `before` into `after`: their common prefix and suffix stay. */
export function editBetween(before: string, after: string): { start: number; oldEnd: number; newEnd: number } {
  const shorter = Math.min(before.length, after.length);
  const BLOCK = 512; // compared a block at a time first: a file is long, an edit is short
  let start = 0;
  while (start + BLOCK <= shorter && before.slice(start, start + BLOCK) === after.slice(start, start + BLOCK)) start += BLOCK;
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  while (tail + BLOCK <= shorter - start && before.slice(before.length - tail - BLOCK, before.length - tail) === after.slice(after.length - tail - BLOCK, after.length - tail)) tail += BLOCK;
  while (tail < shorter - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  return { start, oldEnd: before.length - tail, newEnd: after.length - tail };
}

/** The tree-sitter edit for `editBetween(before, after)`. */
export function treeEdit(before: string, after: string, edit: { start: number; oldEnd: number; newEnd: number }): Edit {
  return new Edit({
    startIndex: edit.start,
    oldEndIndex: edit.oldEnd,
    newEndIndex: edit.newEnd,
    startPosition: pointAt(before, edit.start),
    oldEndPosition: pointAt(before, edit.oldEnd),
    newEndPosition: pointAt(after, edit.newEnd),
  });
}

function pointAt(text: string, index: number): { row: number; column: number } {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: index - lineStart };
}

/**
 * Syntax errors nested deeper than this are not analysed. The parser runtime (web-tree-sitter's WebAssembly) has a
 * 64 KB stack, and some node lookups (`parent` among them) recurse once per level over the zero-width nodes error
 * recovery inserts: around 250 levels they overflow it and silently damage the runtime for every later file
 * (tree-sitter issue #5807). Real code stays far below (at most 118 in the bench corpus).
 */
export const MAX_ERROR_NESTING = 200;

/**
 * Whether `mirrorIfSafe` refuses the tree (a tree with errors that goes deeper than MAX_ERROR_NESTING), without
 * copying it: the same cursor walk, with only the depth counted, and into no node whose descendants are too few to
 * reach that depth below it (a statement's, mostly: the tree stores each node's count).
 */
export function tooDeepToAnalyse(tree: Tree): boolean {
  if (!tree.rootNode.hasError) return false;
  const cursor = tree.walk();
  try {
    for (let depth = 0; ; ) {
      if (depth > MAX_ERROR_NESTING) return true;
      // A node of n nodes in all (itself counted) has none deeper than n - 1 levels below it.
      if (depth + cursor.currentNode.descendantCount - 1 > MAX_ERROR_NESTING && cursor.gotoFirstChild()) {
        depth++;
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return false;
        depth--;
      }
    }
  } finally {
    cursor.delete();
  }
}

/**
 * The tree's copy (syntax-mirror.ts), or why it must not be analysed: syntax errors nested deeper than
 * MAX_ERROR_NESTING. The copy's walk counts the depth (a cursor walk, no node lookup that recurses), and a tree
 * with errors is not copied past it.
 */
export function mirrorIfSafe(tree: Tree, text: string): Node | InputLimitError {
  const root = mirrorTree(tree, text, tree.rootNode.hasError ? MAX_ERROR_NESTING : Infinity);
  return root ?? new InputLimitError(`syntax errors nested more than ${MAX_ERROR_NESTING} levels deep; skipped (the parser cannot analyse them safely)`);
}

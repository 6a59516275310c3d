import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Language, Parser, type ParseState, type Tree } from 'web-tree-sitter';

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

/** Parse, giving up at `deadline` (a Date.now() value): null when the parse was stopped. */
export function parseBefore(parser: Parser, text: string, deadline: number): Tree | null {
  // The callback's result stops the parse when true (web-tree-sitter 0.27 types it as returning void).
  const progressCallback = (() => Date.now() > deadline) as unknown as (state: ParseState) => void;
  const tree = parser.parse(text, null, { progressCallback });
  if (!tree) parser.reset(); // the next parse must start afresh, not resume this one
  return tree;
}

/**
 * Syntax errors nested deeper than this are not analysed. The parser runtime (web-tree-sitter's WebAssembly) has a
 * 64 KB stack, and some node lookups (`parent` among them) recurse once per level over the zero-width nodes error
 * recovery inserts: around 250 levels they overflow it and silently damage the runtime for every later file
 * (tree-sitter issue #5807). Real code stays far below (at most 118 in the bench corpus).
 */
export const MAX_ERROR_NESTING = 200;

/** How deep the tree goes, counted without recursion; stops counting past `limit`. */
export function treeDepth(tree: Tree, limit: number): number {
  const cursor = tree.walk();
  let depth = 0;
  let max = 0;
  try {
    for (;;) {
      if (cursor.gotoFirstChild()) {
        depth++;
        if (depth > max) max = depth;
        if (max > limit) return max;
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return max;
        depth--;
      }
    }
  } finally {
    cursor.delete();
  }
}

/** The reason a parsed tree must not be analysed, or undefined when it is safe to walk. */
export function unsafeTree(tree: Tree): InputLimitError | undefined {
  if (!tree.rootNode.hasError || treeDepth(tree, MAX_ERROR_NESTING) <= MAX_ERROR_NESTING) return undefined;
  return new InputLimitError(`syntax errors nested more than ${MAX_ERROR_NESTING} levels deep; skipped (the parser cannot analyse them safely)`);
}

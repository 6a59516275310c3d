import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Language, Parser } from 'web-tree-sitter';

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

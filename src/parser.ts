import { createRequire } from 'node:module';
import { Language, Parser } from 'web-tree-sitter';

export type GrammarName = 'c' | 'typescript' | 'tsx';

const require = createRequire(import.meta.url);

const grammarFiles: Record<GrammarName, string> = {
  c: 'tree-sitter-c/tree-sitter-c.wasm',
  typescript: 'tree-sitter-typescript/tree-sitter-typescript.wasm',
  tsx: 'tree-sitter-typescript/tree-sitter-tsx.wasm',
};

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
    lang = initRuntime().then(() => Language.load(require.resolve(grammarFiles[name])));
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

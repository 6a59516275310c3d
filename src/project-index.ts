/**
 * The engine's incremental API, for editors and long-lived hosts: a project index holds the texts of a project's
 * files and the models parsed from them; `update()` takes one file's current text (an editor buffer) and returns
 * that file's findings, judged against the current state of the rest of the project. Only files whose parsed text
 * changed are parsed again (the lexical index decides which functions to parse, so an edit that does not touch
 * privilege code elsewhere re-parses only its own file); the rest of the unit is re-analysed from the models kept.
 */
import path from 'node:path';
import { defaultConfig, type PrivlintConfig } from './config.js';
import { analyzeUnit, compareFindings, loadSources, type SourceFile, type UnitResult } from './engine.js';
import { contentDigest, MemoryStore } from './engine/cache.js';
import { rememberTrees } from './parser.js';
import { UnitFinder } from './engine/units.js';
import { displayPath, languageOf } from './files.js';
import { diagnosticsOfParse, noreturnNamesInText } from './c/frontend.js';
import type { MacroDefinition } from './c/control-macros.js';
import { lexicalFingerprint, scanC, type CLexicalIndex, type LexicalFunction } from './index/c-lexical.js';
import { blankExcept, selectionReadsName, type SelectionVocabulary } from './index/selection.js';
import { isIdentPart } from './c/lexing.js';
import { callVocabulary } from './call-meaning.js';
import { nextTextRound, wordsOf } from './text-memory.js';
import type { Diagnostic } from './model.js';
import type { Finding } from './rules/rule.js';

const indexes = new Map<string, Promise<ProjectIndex>>();

/**
 * A C file whose last analysis found nothing a finding can be placed at (`UnitResult.quietFocus`), with the lexical
 * fingerprint of that text and which of its functions were parsed, while no other text of the project has changed
 * (`changes`). A later text with the same fingerprint keeps the file's functions, and the names each one uses and
 * calls, so the analysis would keep the same functions of it (the selection reads the lexical index) and find no
 * new event in them: no finding. Its diagnostics are those of the parse of its new text as the analysis would
 * parse it (the same functions blanked).
 *
 * A later text whose lexical index differs only by names added to what a function or the top level uses, each of
 * them declared there and named nowhere else in the project (`unseenNames`), is answered so too: see there.
 */
interface QuietFile {
  file: string;
  fingerprint: string;
  /** The fingerprint with each function's names sorted (`namesShape`), and the names each uses and the top level uses. */
  shape: string;
  uses: ReadonlySet<string>[];
  topLevelUses: ReadonlySet<string>;
  /** Every word of the project's other texts (unchanged while this stands), read when a new name is first typed. */
  otherWords?: Set<string>;
  kept: number[] | 'whole';
  /** The headers' macros the file is parsed with (c/parse-text.ts): the other texts are unchanged, so are they. */
  macros: ReadonlyMap<string, MacroDefinition>;
  changes: number;
}

export class ProjectIndex {
  private readonly store = new MemoryStore<UnitResult>();
  /** Texts recorded that differ from those held before: any of them may change what another file's analysis reads. */
  private changes = 0;
  private quiet: QuietFile | undefined;
  /** (tests, bench) Updates answered from `quiet` without analysing the unit. */
  quietAnswers = 0;

  private constructor(
    /** The project's folder (its unit). */
    readonly root: string,
    private readonly config: PrivlintConfig,
    private readonly cwd: string,
    private readonly texts: Map<string, string>,
  ) {
    // A project index parses the file being edited again and again: from the tree of its previous text.
    rememberTrees(32);
  }

  /** The index of the project around `file` (absolute or relative to the working directory), opened once per process and configuration. */
  static forFile(file: string, config: PrivlintConfig = defaultConfig(), cwd = process.cwd()): Promise<ProjectIndex> {
    const absolute = path.resolve(cwd, file);
    const root = new UnitFinder(cwd).unitOf(absolute) || path.dirname(absolute);
    const key = `${root}\0${cwd}\0${JSON.stringify(config)}`;
    let index = indexes.get(key);
    if (!index) {
      index = ProjectIndex.open(root, config, cwd);
      indexes.set(key, index);
    }
    return index;
  }

  /** Read every file of the project at `root`. */
  static async open(root: string, config: PrivlintConfig = defaultConfig(), cwd = process.cwd()): Promise<ProjectIndex> {
    const { sources } = await loadSources([root], config, cwd);
    return new ProjectIndex(root, config, cwd, new Map(sources.map((s) => [s.path, s.text])));
  }

  /**
   * The file's findings and diagnostics with its text as given (or as it is on disk when no text is given), and
   * whether the analysis parsed it (a file that is not parsed can have no findings).
   */
  async update(file: string, text?: string): Promise<{ findings: Finding[]; diagnostics: Diagnostic[]; parsed: boolean }> {
    nextTextRound();
    const quietAnswer = text === undefined ? undefined : await this.quietAnswer(file, text);
    const shown = this.record(file, text);
    if (quietAnswer) {
      this.quiet!.changes = this.changes;
      this.quietAnswers++;
      return { findings: [], diagnostics: quietAnswer, parsed: true };
    }
    const sources: SourceFile[] = [...this.texts].map(([p, t]) => ({ path: p, text: t }));
    // Only this file's findings are asked for: programs that do not run its code are not checked (EngineOptions.focus).
    const result = await analyzeUnit(sources, this.config, { store: this.store, focus: shown });
    const findings = result.findings.filter((f) => f.loc.file === shown).sort(compareFindings);
    const diagnostics = result.diagnostics.filter((d) => d.file === shown);
    this.quiet = result.quietFocus && !findings.length ? await this.quietFrom(shown, result.quietFocus, diagnostics) : undefined;
    return { findings, diagnostics, parsed: result.analysed.includes(shown) };
  }

  /**
   * Remember a quiet file (see QuietFile), if the text blanked here is the one the analysis parsed and its parse
   * alone gives the diagnostics the analysis gave: then the parse alone stands for the analysis of its next texts.
   */
  private async quietFrom(shown: string, { kept, parsedDigest, controlMacros }: NonNullable<UnitResult['quietFocus']>, diagnostics: Diagnostic[]): Promise<QuietFile | undefined> {
    const text = this.texts.get(shown)!;
    const index = scanC(text);
    const parsed = parsedText(text, index.functions, kept);
    if (contentDigest(parsed) !== parsedDigest) return undefined;
    const macros = new Map(controlMacros);
    const alone = await diagnosticsOfParse(shown, parsed, macros);
    if (!alone || JSON.stringify(alone) !== JSON.stringify(diagnostics)) return undefined;
    return {
      file: shown, fingerprint: lexicalFingerprint(text, noreturnNamesInText, index), shape: namesShape(text, index),
      uses: index.functions.map((f) => f.uses), topLevelUses: index.topLevelUses, kept, macros, changes: this.changes,
    };
  }

  /** The diagnostics of a quiet file's new text, when its findings are known to be none (see QuietFile). */
  private async quietAnswer(file: string, text: string): Promise<Diagnostic[] | undefined> {
    const quiet = this.quiet;
    const shown = displayPath(path.resolve(this.cwd, file), this.cwd);
    if (!quiet || quiet.file !== shown || quiet.changes !== this.changes || languageOf(shown) !== 'c') return undefined;
    const index = scanC(text);
    if (lexicalFingerprint(text, noreturnNamesInText, index) !== quiet.fingerprint && !this.unseenNames(quiet, text, index)) return undefined;
    return diagnosticsOfParse(shown, parsedText(text, index.functions, quiet.kept), quiet.macros);
  }

  /**
   * Whether `text` differs from the quiet file's analysed text, in its lexical index, only by names added to what its
   * functions or its top level use, each of them a name nobody can observe: declared where it stands (`int n = 1;`,
   * `static char *p;`: a variable, not a call, a label or a read) and named nowhere else in the text or in any
   * other text of the project, in lower case, and none of the names the selection's tables or the vocabulary hold.
   * Then the analysis would keep the same functions (every test of a function's names the selection makes is
   * against those tables, the vocabulary and the unit's own functions, macros and members, and a name written once
   * is none of those), the same calls (the lexical index counts them) and so the same events of the same kinds,
   * since nothing reads the new variable: no finding can be placed in the file, as before. The diagnostics are
   * those of the parse of the new text, as for any quiet answer.
   */
  private unseenNames(quiet: QuietFile, text: string, index: CLexicalIndex): boolean {
    const { functions } = index;
    if (functions.length !== quiet.uses.length) return false;
    /** Each new name with where it must be declared: in its function's range, or outside every function. */
    const added: [string, LexicalFunction | undefined][] = [];
    functions.forEach((f, i) => {
      for (const u of f.uses) if (!quiet.uses[i]!.has(u)) added.push([u, f]);
    });
    for (const u of index.topLevelUses) if (!quiet.topLevelUses.has(u)) added.push([u, undefined]);
    if (!added.length || namesShape(text, index, quiet) !== quiet.shape) return false;
    quiet.otherWords ??= this.wordsOfOthers(quiet.file);
    const vocabulary: SelectionVocabulary = { noreturn: this.config.noreturn, inputFunctions: this.config.inputFunctions, calls: callVocabulary(this.config) };
    return added.every(([name, f]) => {
      // A type's keyword new to the top level (`static long n;`): the selection reads the top level's names only in a
      // file whose braces do not balance, and then only for privilege calls and the unit's functions.
      if (!f && !index.unbalanced && TYPE_WORDS.has(name)) return true;
      if (!/^[A-Za-z_]\w*$/.test(name) || !/[a-z]/.test(name) || C_WORDS.has(name) || quiet.otherWords!.has(name) || selectionReadsName(name, vocabulary)) return false;
      const at = onlyPlace(text, name);
      if (at === undefined) return false;
      const inside = f ? at >= f.start && at < f.end : !functions.some((g) => at >= g.start && at < g.end);
      return inside && declaredAt(text, at, name);
    });
  }

  /** Every word of the project's texts but `file`'s. */
  private wordsOfOthers(file: string): Set<string> {
    const words = new Set<string>();
    for (const [p, t] of this.texts) if (p !== file) for (const w of wordsOf(t)) words.add(w);
    return words;
  }

  /** Take the file's current text without analysing anything (the next update judges with it); its shown path. */
  record(file: string, text?: string): string {
    const shown = displayPath(path.resolve(this.cwd, file), this.cwd);
    if (text !== undefined && this.texts.get(shown) !== text) {
      this.texts.set(shown, text);
      this.changes++;
    }
    return shown;
  }

  /** Forget a file (deleted or closed without saving): the rest is judged without it. */
  remove(file: string): void {
    if (this.texts.delete(displayPath(path.resolve(this.cwd, file), this.cwd))) this.changes++;
  }
}

/**
 * The lexical fingerprint with each function's names, and the top level's, sorted (the selection reads them as
 * sets); with `only`, of each function only the names it used then.
 */
function namesShape(text: string, index: CLexicalIndex, only?: Pick<QuietFile, 'uses' | 'topLevelUses'>): string {
  const names = (uses: ReadonlySet<string>, kept?: ReadonlySet<string>): Set<string> => new Set([...uses].filter((u) => !kept || kept.has(u)).sort());
  return lexicalFingerprint(text, noreturnNamesInText, {
    ...index,
    functions: index.functions.map((f, i) => ({ ...f, uses: names(f.uses, only?.uses[i]) })),
    topLevelUses: names(index.topLevelUses, only?.topLevelUses),
  });
}

/** C's keywords and the words that stand before a declared name without being its type (then it is no variable declared). */
const C_WORDS = new Set([
  'return', 'goto', 'case', 'default', 'sizeof', 'else', 'do', 'if', 'while', 'for', 'switch', 'break', 'continue', 'typedef', 'struct',
  'union', 'enum', 'typeof', '__typeof__', '__typeof', '_Alignof', 'alignof', '__alignof__', 'asm', '__asm__', '__asm', '_Generic',
  '_Static_assert', 'static_assert', '__attribute__', '__attribute', '__extension__', 'defined', 'int', 'char', 'short', 'long', 'float',
  'double', 'void', 'signed', 'unsigned', 'const', 'volatile', 'static', 'extern', 'register', 'auto', 'inline', 'restrict', '_Bool',
]);
const TYPE_WORDS = new Set(['int', 'char', 'short', 'long', 'float', 'double', 'void', 'signed', 'unsigned', 'const', 'volatile', 'static', 'extern', 'register', 'auto', 'inline', 'restrict', '_Bool']);

const isWordChar = (c: number): boolean => isIdentPart(c) || c === 36; // `$`, which some compilers take in names

/** Where the only occurrence of `name` as a whole word in `text` is (in code, a comment or a string); undefined when it occurs again. */
function onlyPlace(text: string, name: string): number | undefined {
  let found: number | undefined;
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) {
    if ((at > 0 && isWordChar(text.charCodeAt(at - 1))) || isWordChar(text.charCodeAt(at + name.length))) continue;
    if (found !== undefined) return undefined;
    found = at;
  }
  return found;
}

/**
 * Whether the name at `at` is declared there, as a variable, with no call: after it `=` (not `==`), `;`, `,` or `[`,
 * and no parenthesis up to the next `;`; before it, back
 * to the statement's start (`;`, `{`, `}`, the end of a preprocessor line or of the text), only words that are no
 * keyword but a type's, `*` and blanks, at least one word. Anything else (a comment, a parenthesis, an operator) is
 * not taken for a declaration.
 */
function declaredAt(text: string, at: number, name: string): boolean {
  let j = at + name.length;
  while (j < text.length && isBlank(text.charCodeAt(j))) j++;
  const next = text[j];
  if (!(next === ';' || next === ',' || next === '[' || (next === '=' && text[j + 1] !== '='))) return false;
  // The declaration calls nothing: no parenthesis up to its end.
  const end = text.indexOf(';', j);
  if (end < 0 || text.slice(j, end).includes('(')) return false;
  let words = 0;
  for (let i = at - 1; i >= 0; ) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      if (directiveLineEndsAt(text, i)) break;
      i--;
    } else if (isBlank(c) || c === 42 /* * */) i--;
    else if (isWordChar(c)) {
      let start = i;
      while (start > 0 && isWordChar(text.charCodeAt(start - 1))) start--;
      const word = text.slice(start, i + 1);
      // `struct s x;` declares x, `struct x;` a tag.
      const tagWord = word === 'struct' || word === 'union' || word === 'enum';
      if (!/^[A-Za-z_]\w*$/.test(word) || (C_WORDS.has(word) && !TYPE_WORDS.has(word) && !(tagWord && words > 0))) return false;
      words++;
      i = start - 1;
    } else if (c === 59 /* ; */ || c === 123 /* { */ || c === 125 /* } */) break;
    else return false;
  }
  return words > 0;
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 12 || c === 11;
}

/** Whether the line that ends at the newline `nl` is a preprocessor line, or continues one (`\` at the end of the one before). */
function directiveLineEndsAt(text: string, nl: number): boolean {
  let start = text.lastIndexOf('\n', nl - 1) + 1;
  const continued = (lineStart: number): boolean => text.charCodeAt(lineStart - 2) === 92 /* \ */ || (text.charCodeAt(lineStart - 2) === 13 && text.charCodeAt(lineStart - 3) === 92);
  while (start > 1 && continued(start)) start = text.lastIndexOf('\n', start - 2) + 1;
  return /^[ \t]*#/.test(text.slice(start, nl));
}

/** The text the analysis parses of a file: the file, or the file with the functions not `kept` blanked. */
function parsedText(text: string, functions: LexicalFunction[], kept: number[] | 'whole'): string {
  if (kept === 'whole') return text;
  const keep = new Set(kept.map((i) => functions[i]!));
  return blankExcept(text, functions, keep);
}

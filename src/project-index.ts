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
import { PlacedMemory } from './engine/placed.js';
import { editBetween, rememberTrees } from './parser.js';
import { positionAt } from './fix/edit.js';
import { blankedKeepingLines } from './line-index.js';
import { UnitFinder } from './engine/units.js';
import { displayPath, languageOf } from './files.js';
import { diagnosticsOfParse, noreturnNamesInText } from './c/frontend.js';
import type { MacroDefinition } from './c/control-macros.js';
import { lexicalFingerprint, scanC, type CLexicalIndex, type LexicalFunction } from './index/c-lexical.js';
import { blankExcept, selectionReadsName, type SelectionVocabulary } from './index/selection.js';
import { commentsBlanked, isIdentPart } from './c/lexing.js';
import { conditionalShape } from './c/unix-build.js';
import { callVocabulary } from './call-meaning.js';
import { nextTextRound, wordsOf } from './text-memory.js';
import type { Diagnostic } from './model.js';
import type { Finding } from './rules/rule.js';

const indexes = new Map<string, Promise<ProjectIndex>>();

/**
 * A C file (not a header) that the last analysis did not parse and found nothing in, with its text then and that
 * text's lexical fingerprint (made when first needed), while no other text of the project has changed (`changes`).
 * The fingerprint is all the analysis reads from a file it does not parse (index/c-lexical.ts): a later text with
 * the same one gets the same empty answer without an analysis (an editor's edits of a file far from privilege code).
 */
interface UnparsedFile {
  text: string;
  fingerprint?: string;
  /** The lexical names of that text (made when a later text's fingerprint differs): see `unseenNames`. */
  names?: LexicalNames;
  changes: number;
}

/**
 * What `unseenNames` compares a later text with: the lexical fingerprint of a text with each function's names sorted
 * (`namesShape`), and the names each function and the top level use.
 */
interface LexicalNames {
  shape: string;
  uses: ReadonlySet<string>[];
  topLevelUses: ReadonlySet<string>;
  /** The text and its lexical index: a name it held that a later text no longer does is looked for there. */
  text: string;
  index: CLexicalIndex;
}

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
interface QuietFile extends LexicalNames {
  file: string;
  fingerprint: string;
  kept: number[] | 'whole';
  /**
   * The `#if` groups of the text and of the text parsed (`conditionalShape`): the lexical index counts the calls of
   * every branch, but the Unix build and the tree's reading keep some branches only; while these stay, the same
   * branches are kept, with the same calls (`#if 0` made `#if 1` over a privilege call does not keep the answer).
   */
  conditions: string;
  /** The headers' macros the file is parsed with (c/parse-text.ts): the other texts are unchanged, so are they. */
  macros: ReadonlyMap<string, MacroDefinition>;
  changes: number;
  /** The last text parsed for it (its functions blanked but those kept), what the parse said, and where its trees had errors. */
  lastParse: ParsedQuietly;
}

interface ParsedQuietly {
  parsed: string;
  /** `parsed` with its comments blanked (c/lexing.ts), made when first compared. */
  code?: string;
  diagnostics: Diagnostic[];
  errors: [number, number][];
}

export class ProjectIndex {
  private readonly store = new MemoryStore<UnitResult>();
  /** Texts recorded that differ from those held before: any of them may change what another file's analysis reads. */
  private changes = 0;
  private quiet: QuietFile | undefined;
  /** The files answered `UnparsedFile`s, by shown path (only those recorded since the last change stand). */
  private readonly unparsed = new Map<string, UnparsedFile>();
  /** Every word of the texts but one file's (`wordsOfOthers`): let go when another file's text changes. */
  private otherWords: { file: string; words: Set<string> } | undefined;
  /** (tests, bench) Updates answered from `quiet` without analysing the unit. */
  quietAnswers = 0;
  /** (tests, bench) Of those, the ones answered from the last parse, without parsing (`sameParseAfterSpaces`). */
  lastParseAnswers = 0;
  /** (tests, bench) Updates answered from `unparsed`'s fingerprint, without parsing or analysing anything. */
  unparsedAnswers = 0;
  /** (tests, bench) Updates whose text was analysed without the declarations `unseenDeclarations` found. */
  unseenDeclarationAnswers = 0;
  /** The last analysis, to be placed again after an edit that moved code without changing it (engine/placed.ts). */
  private readonly placed = new PlacedMemory();
  /** (tests, bench) Analyses answered by placing the last findings again. */
  get placedAnswers(): number {
    return this.placed.answers;
  }

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
    const unparsed = text === undefined ? undefined : this.sameAsUnparsed(file, text);
    if (unparsed && text !== undefined) {
      this.record(file, text);
      unparsed.text = text;
      unparsed.changes = this.changes;
      this.unparsedAnswers++;
      return { findings: [], diagnostics: [], parsed: false };
    }
    const quietAnswer = text === undefined ? undefined : await this.quietAnswer(file, text);
    const before = this.texts.get(displayPath(path.resolve(this.cwd, file), this.cwd));
    const shown = this.record(file, text);
    if (quietAnswer) {
      this.quiet!.changes = this.changes;
      this.quietAnswers++;
      return { findings: [], diagnostics: quietAnswer, parsed: true };
    }
    const now = this.texts.get(shown)!;
    const unseen = text !== undefined && before !== undefined && languageOf(shown) === 'c' ? this.unseenDeclarations(shown, before, now) : undefined;
    // Only this file's findings are asked for: programs that do not run its code are not checked (EngineOptions.focus).
    const analyse = (read: string) => analyzeUnit([...this.texts].map(([p, t]): SourceFile => ({ path: p, text: p === shown ? read : t })), this.config, { store: this.store, focus: shown, placed: this.placed });
    let read = unseen?.text ?? now;
    let result = await analyse(read);
    if (unseen && result.findings.some((f) => readsBlankedLine(f, shown, now, unseen.blanked))) result = await analyse((read = now));
    else if (unseen) this.unseenDeclarationAnswers++;
    const findings = result.findings.filter((f) => f.loc.file === shown).sort(compareFindings);
    const diagnostics = result.diagnostics.filter((d) => d.file === shown);
    this.quiet = result.quietFocus && !findings.length ? await this.quietFrom(shown, result.quietFocus, diagnostics, read) : undefined;
    const parsed = result.analysed.includes(shown);
    const nothing = !parsed && !findings.length && !diagnostics.length && languageOf(shown) === 'c' && shown.endsWith('.c');
    for (const [f, u] of this.unparsed) if (u.changes !== this.changes || f === shown) this.unparsed.delete(f);
    if (nothing) this.unparsed.set(shown, { text: this.texts.get(shown)!, changes: this.changes });
    return { findings, diagnostics, parsed };
  }

  /**
   * The file's `UnparsedFile`, when nothing else changed since and `text` has the lexical fingerprint of its text, or
   * differs from it only by names nobody can observe (`unseenNames`): the selection keeps none of its functions then
   * either, and the file, not parsed, has neither findings nor diagnostics.
   */
  private sameAsUnparsed(file: string, text: string): UnparsedFile | undefined {
    const shown = displayPath(path.resolve(this.cwd, file), this.cwd);
    const unparsed = this.unparsed.get(shown);
    if (!unparsed || unparsed.changes !== this.changes) return undefined;
    if (text === unparsed.text) return unparsed;
    const index = scanC(text);
    unparsed.fingerprint ??= lexicalFingerprint(unparsed.text, noreturnNamesInText);
    if (lexicalFingerprint(text, noreturnNamesInText, index) === unparsed.fingerprint) return unparsed;
    unparsed.names ??= lexicalNames(unparsed.text, scanC(unparsed.text));
    return this.unseenNames(shown, unparsed.names, text, index) ? unparsed : undefined;
  }

  /**
   * Remember a quiet file (see QuietFile), if the text blanked here is the one the analysis parsed and its parse
   * alone gives the diagnostics the analysis gave: then the parse alone stands for the analysis of its next texts.
   */
  private async quietFrom(shown: string, { kept, parsedDigest, controlMacros }: NonNullable<UnitResult['quietFocus']>, diagnostics: Diagnostic[], read: string): Promise<QuietFile | undefined> {
    const text = this.texts.get(shown)!;
    const index = scanC(text);
    // The text the analysis read: the file's, or it without declarations nobody can observe (blanked, offsets kept).
    const parsed = parsedText(read, index.functions, kept);
    if (contentDigest(parsed) !== parsedDigest) return undefined;
    const macros = new Map(controlMacros);
    const errors: [number, number][] = [];
    const alone = await diagnosticsOfParse(shown, parsed, macros, errors);
    if (!alone || JSON.stringify(alone) !== JSON.stringify(diagnostics)) return undefined;
    return {
      file: shown, fingerprint: lexicalFingerprint(text, noreturnNamesInText, index), ...lexicalNames(text, index), kept, macros, changes: this.changes,
      conditions: conditionsOf(text, read === text ? parsed : parsedText(text, index.functions, kept)), lastParse: { parsed, diagnostics: alone, errors },
    };
  }

  /** The diagnostics of a quiet file's new text, when its findings are known to be none (see QuietFile). */
  private async quietAnswer(file: string, text: string): Promise<Diagnostic[] | undefined> {
    const quiet = this.quiet;
    const shown = displayPath(path.resolve(this.cwd, file), this.cwd);
    if (!quiet || quiet.file !== shown || quiet.changes !== this.changes || languageOf(shown) !== 'c') return undefined;
    const index = scanC(text);
    const unseen: { name: string; at: number }[] = [];
    if (lexicalFingerprint(text, noreturnNamesInText, index) !== quiet.fingerprint && !this.unseenNames(shown, quiet, text, index, unseen)) return undefined;
    const parsed = parsedText(text, index.functions, quiet.kept);
    if (conditionsOf(text, parsed) !== quiet.conditions) return undefined;
    // A name nobody can observe in a plain declaration of its own is no token of the parse's, but for its diagnostics:
    // the parse without the declaration is the last one when it is, and white space or comments aside, the same.
    const declarations = unseen.map(({ name, at }) => declarationOf(parsed, at, name));
    const same = sameParseAfterSpaces(quiet.lastParse, parsed) ?? (unseen.length && declarations.every((d) => d) ? sameParseAfterSpaces(quiet.lastParse, withBlanks(parsed, declarations as [number, number][])) : undefined);
    if (same) {
      quiet.lastParse = same;
      this.lastParseAnswers++;
      return same.diagnostics;
    }
    const errors: [number, number][] = [];
    const diagnostics = await diagnosticsOfParse(shown, parsed, quiet.macros, errors);
    if (diagnostics) quiet.lastParse = { parsed, diagnostics, errors };
    return diagnostics;
  }

  /**
   * Whether `text` (the file `shown`'s) differs from an earlier text of it (a quiet or an unparsed file's), in its
   * lexical index, only by names added to (or gone from) what its functions or its top level use (and, for a
   * function, assign), each of them a name nobody can observe (a gone one: in the earlier text), or by one name
   * typed over in place (`renamedName`). A name nobody can observe is written
   * once in the text and named in no other text of the project, in lower case, no keyword, none of the names the
   * selection's tables or the vocabulary hold, and standing in a statement or declaration that calls nothing,
   * outside any parenthesis and preprocessor line (`inCallFreeStatement`: `int n = 1;`, `static char *p;`).
   * Then the analysis would keep the same functions: every test of a function's names the selection makes is
   * against those tables, the vocabulary and the unit's own functions, macros and members, and a name written once
   * is none of those. It would find the same calls in them (the lexical index counts each name called), each with
   * the same arguments' text, so events of the same kinds: a finding is placed only at a privilege call, a
   * directory opened (by the arguments' text) or a call whose result must be checked (by its callee), and the
   * file had none (a file not parsed has none either way). The diagnostics are those of the parse of the new text,
   * as for any quiet answer (a file not parsed has none).
   */
  private unseenNames(shown: string, earlier: LexicalNames, text: string, index: CLexicalIndex, places?: { name: string; at: number }[]): boolean {
    const { functions } = index;
    if (functions.length !== earlier.uses.length) return false;
    /** Each new name with where it must be declared: in its function's range, or outside every function. */
    const added: [string, LexicalFunction | undefined][] = [];
    /** Each name gone, with where the earlier text declared it. */
    const gone: [string, LexicalFunction | undefined][] = [];
    functions.forEach((f, i) => {
      const before = earlier.uses[i]!;
      for (const u of f.uses) if (!before.has(u)) added.push([u, f]);
      for (const u of before) if (!f.uses.has(u)) gone.push([u, earlier.index.functions[i]]);
    });
    for (const u of index.topLevelUses) if (!earlier.topLevelUses.has(u)) added.push([u, undefined]);
    for (const u of earlier.topLevelUses) if (!index.topLevelUses.has(u)) gone.push([u, undefined]);
    if (!added.length && !gone.length) return false;
    // Both texts' fingerprints with only the names they share: a name typed over (`edit_1` become `edit_12`) is one gone and one added.
    const earlierShape = gone.length ? namesShape(earlier.text, earlier.index, { uses: functions.map((f) => f.uses), topLevelUses: index.topLevelUses }) : earlier.shape;
    if (namesShape(text, index, earlier) !== earlierShape) return false;
    const within = (at: number, f: LexicalFunction | undefined, whereIndex: CLexicalIndex): boolean => (f ? at >= f.start && at < f.end : !whereIndex.functions.some((g) => at >= g.start && at < g.end));
    // A name typed over where a call's arguments or a condition hold it (`probe(arg_b)` become `probe(arg_buf)`): one
    // gone and one added, each written once and nobody else's, in the same statement but for the name.
    const renamed = this.renamedName(shown, earlier, gone, text, index, added);
    const unseenIn = (where: string, whereIndex: CLexicalIndex, record: boolean) => ([name, f]: [string, LexicalFunction | undefined]): boolean => {
      // A type's keyword new to the top level (`static long n;`): the selection reads the top level's names only in a
      // file whose braces do not balance, and then only for privilege calls and the unit's functions.
      if (!f && !whereIndex.unbalanced && TYPE_WORDS.has(name)) return true;
      if (renamed?.has(name)) return true;
      const at = this.unobservedPlace(shown, where, name);
      if (at === undefined) return false;
      if (record) places?.push({ name, at });
      return within(at, f, whereIndex);
    };
    // A name gone was one nobody could observe in the earlier text: its answer stood for the text without it.
    return gone.every(unseenIn(earlier.text, earlier.index, false)) && added.every(unseenIn(text, index, true));
  }

  /**
   * The one name gone and the one added (both: the earlier text's and the text's) when they are a name typed over in
   * place: each a lone name (`loneName`) of the same function, or both of the top level, and the statement that holds
   * one is, but for the name, the statement that held the other (`statementAround`), on no preprocessor line. The
   * program is the same but for the spelling of a variable nobody else names: a call's argument or a condition's
   * operand that was a variable nobody sets still is one. Undefined otherwise.
   */
  private renamedName(shown: string, earlier: LexicalNames, gone: [string, LexicalFunction | undefined][], text: string, index: CLexicalIndex, added: [string, LexicalFunction | undefined][]): Set<string> | undefined {
    if (gone.length !== 1 || added.length !== 1) return undefined;
    const [[was, wasIn], [now, nowIn]] = [gone[0]!, added[0]!];
    const wasAt = this.loneName(shown, earlier.text, was);
    const nowAt = this.loneName(shown, text, now);
    if (wasAt === undefined || nowAt === undefined) return undefined;
    // The same function (by its place in the file's list), or both outside every function.
    const owner = (at: number, functions: readonly LexicalFunction[]): number => functions.findIndex((g) => at >= g.start && at < g.end);
    const wasOwner = owner(wasAt, earlier.index.functions);
    if (wasOwner !== owner(nowAt, index.functions) || wasOwner !== (wasIn ? earlier.index.functions.indexOf(wasIn) : -1) || (nowIn ? index.functions.indexOf(nowIn) : -1) !== wasOwner) return undefined;
    const before = statementAround(earlier.text, wasAt, was);
    return before !== undefined && before === statementAround(text, nowAt, now) ? new Set([was, now]) : undefined;
  }

  /**
   * Where `name` stands in `text` (the file `shown`'s) when it is a name nobody can observe: in lower case, no keyword,
   * none of the names the selection's tables or the vocabulary hold, written once in the text, in a statement or
   * declaration that calls nothing (`inCallFreeStatement`), and named in no other text of the project.
   */
  private unobservedPlace(shown: string, text: string, name: string): number | undefined {
    const at = this.loneName(shown, text, name);
    return at !== undefined && inCallFreeStatement(text, at, name) ? at : undefined;
  }

  /**
   * Where `name` stands in `text` (the file `shown`'s) when it is a lone name: in lower case, no keyword, none of the
   * names the selection's tables or the vocabulary hold, written once in the text, and named in no other text of the project.
   */
  private loneName(shown: string, text: string, name: string): number | undefined {
    const vocabulary: SelectionVocabulary = { noreturn: this.config.noreturn, inputFunctions: this.config.inputFunctions, calls: callVocabulary(this.config) };
    if (!/^[A-Za-z_]\w*$/.test(name) || !/[a-z]/.test(name) || C_WORDS.has(name) || TYPE_WORDS.has(name) || selectionReadsName(name, vocabulary)) return undefined;
    const at = onlyPlace(text, name);
    return at !== undefined && !this.wordsOfOthers(shown).has(name) ? at : undefined;
  }

  /**
   * The declarations a C file's new text adds of names nobody can observe, and the text without them (blanked, every
   * other offset kept): `int n = 1;`, `static char *p;`, `uid_t spare;` typed into a function or at the top level,
   * each declaring one name that the text writes only there and no other text of the project names, in lower case,
   * no keyword, none of the names the selection's tables or the vocabulary hold, its initialiser (if any) a number,
   * a character or a name, outside parentheses and preprocessor lines. Nothing reads such a variable and its
   * declaration does nothing else, so the analysis of the text without it finds what the analysis of the text finds
   * (the selection tests a function's names only against those tables, the vocabulary and the unit's own names);
   * and the models are those of the text before, moved, so that the last findings are placed again
   * (engine/placed.ts) instead of the unit analysed. A finding whose edit touches a blanked declaration is made from
   * the text as it is (update()). Undefined when the text adds no such declaration.
   */
  private unseenDeclarations(shown: string, before: string, text: string): { text: string; blanked: [number, number][] } | undefined {
    if (before === text) return undefined;
    const old = scanC(before);
    const index = scanC(text);
    const known = new Set([...old.topLevelUses, ...old.functions.flatMap((f) => [...f.uses])]);
    const added = new Set([...index.topLevelUses, ...index.functions.flatMap((f) => [...f.uses])].filter((u) => !known.has(u)));
    const blanked: [number, number][] = [];
    for (const name of added) {
      const at = this.unobservedPlace(shown, text, name);
      const span = at === undefined ? undefined : declarationOf(text, at, name);
      if (span) blanked.push(span);
    }
    return blanked.length ? { text: withBlanks(text, blanked), blanked } : undefined;
  }

  /** Every word of the project's texts but `file`'s (kept while they stay the same). */
  private wordsOfOthers(file: string): Set<string> {
    if (this.otherWords?.file === file) return this.otherWords.words;
    const words = new Set<string>();
    for (const [p, t] of this.texts) if (p !== file) for (const w of wordsOf(t)) words.add(w);
    this.otherWords = { file, words };
    return words;
  }

  /** Take the file's current text without analysing anything (the next update judges with it); its shown path. */
  record(file: string, text?: string): string {
    const shown = displayPath(path.resolve(this.cwd, file), this.cwd);
    if (text !== undefined && this.texts.get(shown) !== text) {
      this.texts.set(shown, text);
      this.changes++;
      if (this.otherWords?.file !== shown) this.otherWords = undefined;
    }
    return shown;
  }

  /** Forget a file (deleted or closed without saving): the rest is judged without it. */
  remove(file: string): void {
    const shown = displayPath(path.resolve(this.cwd, file), this.cwd);
    if (!this.texts.delete(shown)) return;
    this.changes++;
    if (this.otherWords?.file !== shown) this.otherWords = undefined;
  }
}

/**
 * The lexical fingerprint with each function's names, and the top level's, sorted (the selection reads them as
 * sets); with `only`, of each function only the names it used then, and of the names it assigns only those (the
 * scanner may take a declaration for an assignment: a new name assigned is a new global nobody else names).
 */
function namesShape(text: string, index: CLexicalIndex, only?: Pick<LexicalNames, 'uses' | 'topLevelUses'>): string {
  const names = (uses: ReadonlySet<string>, kept?: ReadonlySet<string>): Set<string> => new Set([...uses].filter((u) => !kept || kept.has(u)).sort());
  return lexicalFingerprint(text, noreturnNamesInText, {
    ...index,
    functions: index.functions.map((f, i) => ({ ...f, uses: names(f.uses, only?.uses[i]), assigns: only ? new Set([...f.assigns].filter((a) => !f.uses.has(a) || only.uses[i]!.has(a))) : f.assigns })),
    topLevelUses: names(index.topLevelUses, only?.topLevelUses),
  });
}

/** The lexical names of a text whose lexical index is `index` (see `unseenNames`). */
function lexicalNames(text: string, index: CLexicalIndex): LexicalNames {
  return { shape: namesShape(text, index), uses: index.functions.map((f) => f.uses), topLevelUses: index.topLevelUses, text, index };
}

/** C's keywords: never a name of the program's. */
const C_WORDS = new Set([
  'return', 'goto', 'case', 'default', 'sizeof', 'else', 'do', 'if', 'while', 'for', 'switch', 'break', 'continue', 'typedef', 'struct',
  'union', 'enum', 'typeof', '__typeof__', '__typeof', '_Alignof', 'alignof', '__alignof__', 'asm', '__asm__', '__asm', '_Generic',
  '_Static_assert', 'static_assert', '__attribute__', '__attribute', '__extension__', 'defined',
]);
/** The keywords of a declaration's type. */
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
 * Whether the name at `at` stands in code outside every parenthesis and preprocessor line, in a statement or
 * declaration that calls nothing: from the one before (`;`, `{`, `}`, a preprocessor line or the text's start) to
 * its `;` no parenthesis, no brace, no `#` and no preprocessor line. So it is no call's argument (a call's event can
 * depend on its arguments' text: `open(p, O_DIRECTORY)`), in no initialiser (one can store functions in a struct's
 * members, which the selection reads: c/members.ts) and in no `#if` condition (the branch a Unix build keeps could
 * change what is parsed).
 */
function inCallFreeStatement(text: string, at: number, name: string): boolean {
  if (directiveLineEndsAt(text, lineEnd(text, at))) return false;
  const stops = (c: number): 'end' | 'bad' | undefined => (c === 59 /* ; */ || c === 123 /* { */ || c === 125 /* } */ ? 'end' : c === 40 || c === 41 || c === 35 /* ( ) # */ ? 'bad' : undefined);
  for (let i = at - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 10 && directiveLineEndsAt(text, i)) break;
    const stop = stops(c);
    if (stop === 'bad') return false;
    if (stop === 'end') break;
  }
  for (let i = at + name.length; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 && /^[ \t]*#/.test(text.slice(i + 1, lineEnd(text, i + 1)))) return false;
    if (c === 59 /* ; */) return true;
    if (stops(c)) return false; // a brace after it: an initialiser's (`struct ops o = { f, g };` stores functions in members), or a block's
  }
  return false;
}

/**
 * The statement around the name at `at` with the name left out: from the one before (`;`, `{`, `}`, a preprocessor
 * line or the text's start) to its end (`;`, `{` or `}`). Undefined on a preprocessor line (an `#if` condition: the
 * branch a Unix build keeps may depend on the name).
 */
function statementAround(text: string, at: number, name: string): string | undefined {
  if (directiveLineEndsAt(text, lineEnd(text, at))) return undefined;
  const ends = (c: number): boolean => c === 59 /* ; */ || c === 123 /* { */ || c === 125; /* } */
  let start = at;
  while (start > 0 && !ends(text.charCodeAt(start - 1)) && !(text.charCodeAt(start - 1) === 10 && directiveLineEndsAt(text, start - 1))) start--;
  let end = at + name.length;
  while (end < text.length && !ends(text.charCodeAt(end))) end++;
  return `${text.slice(start, at)}\0${text.slice(at + name.length, end + 1)}`;
}

/**
 * Whether a finding in `file` is placed, cites a place or makes an edit on a line of `text` that holds one of the
 * `blanked` ranges: its message, fix text or edit may then read that line (a fix is indented as the line is).
 */
function readsBlankedLine(f: Finding, file: string, text: string, blanked: readonly [number, number][]): boolean {
  const lineOf = (offset: number): number => positionAt(text, offset).line;
  const lines = blanked.map(([a, b]) => [lineOf(a), lineOf(b)] as const);
  const onLines = (from: number, to: number): boolean => lines.some(([a, b]) => from <= b && a <= to);
  if (f.loc.file === file && onLines(f.loc.line, f.loc.endLine)) return true;
  if (f.related.some((r) => r.loc.file === file && onLines(r.loc.line, r.loc.endLine))) return true;
  return !!f.autofix?.edits.some((e) => e.file === file && onLines(lineOf(e.start), lineOf(e.end)));
}

/**
 * The last parse of a quiet file again, for a text to parse that differs from its text, comments blanked, only in
 * white space inside one run of it (a comment typed, or any edit inside a function that is blanked when parsed):
 * when the run is and stays white space on both sides of the edit, lies outside every error of the trees (their
 * ERROR nodes and missing tokens, of the first parse and of the Unix build's retry) and starts on no preprocessor
 * line, the tokens and the lines that end directives are the same, so are the trees but for the comments (extras,
 * anywhere between tokens), their errors' sizes, the choice between them and the diagnostics, when the edit adds or
 * removes no line or no diagnostic is on a line after it. Undefined otherwise.
 */
function sameParseAfterSpaces(last: ParsedQuietly, parsed: string): ParsedQuietly | undefined {
  if (last.parsed === parsed) return last;
  const old = (last.code ??= commentsBlanked(last.parsed));
  const code = commentsBlanked(parsed);
  if (code === old) return { ...last, parsed, code };
  const { start, oldEnd, newEnd } = editBetween(old, code);
  const white = /^\s*$/;
  if (!white.test(old.slice(start, oldEnd)) || !white.test(code.slice(start, newEnd))) return undefined;
  let from = start;
  while (from > 0 && /\s/.test(old[from - 1]!)) from--;
  let to = oldEnd;
  while (to < old.length && /\s/.test(old[to]!)) to++;
  const delta = newEnd - oldEnd;
  // The run stays a run of white space between the same two tokens, and as many of its lines stay.
  if (to - from === 0 || to - from + delta <= 0) return undefined;
  const lines = (t: string): number => t.split('\n').length - 1;
  const addedLines = lines(code.slice(start, newEnd)) - lines(old.slice(start, oldEnd));
  const oldRunLines = lines(old.slice(from, to));
  if ((oldRunLines > 0) !== (oldRunLines + addedLines > 0)) return undefined;
  const lineStart = old.lastIndexOf('\n', from - 1) + 1;
  if (/^[ \t]*#/.test(old.slice(lineStart, from)) || (lineStart > 1 && old[lineStart - 2] === '\\')) return undefined;
  if (last.errors.some(([a, b]) => a <= to && from <= b)) return undefined;
  if (addedLines !== 0) {
    const editLine = lines(old.slice(0, start)) + 1;
    if (last.diagnostics.some((d) => d.line !== undefined && d.line >= editLine)) return undefined;
  }
  return { parsed, code, diagnostics: last.diagnostics, errors: last.errors.map(([a, b]): [number, number] => (a >= to ? [a + delta, b + delta] : [a, b])) };
}

/** The text with these ranges blanked (line breaks kept). */
function withBlanks(text: string, ranges: readonly [number, number][]): string {
  let out = '';
  let from = 0;
  for (const [a, b] of [...ranges].sort((x, y) => x[0] - y[0])) {
    out += text.slice(from, a) + blankedKeepingLines(text.slice(a, b));
    from = b;
  }
  return out + text.slice(from);
}

/** A declaration of one variable, of a type of keywords, `struct`/`union`/`enum` tags or a `_t` name, with at most a constant, a character or a name for its value. */
const PLAIN_DECLARATION = /^(?:(?:static|const|volatile|register|unsigned|signed|short|long|int|char|float|double|_Bool|(?:struct|union|enum)\s+[A-Za-z_]\w*|[A-Za-z_]\w*_t)\s+)+\**\s*([A-Za-z_]\w*)\s*(?:\[\s*\d*\s*\]\s*)?(?:=\s*(?:-?\s*\d+[uUlL]*|'[^'\\]'|[A-Za-z_]\w*)\s*)?;$/;

/**
 * The range of the statement that declares `name` (written at `at`) when it is a plain declaration of that one
 * variable (`PLAIN_DECLARATION`), from its first character to its `;`: the statement begins after the `;`, `{`
 * or `}` before it and the comments that follow that (`inCallFreeStatement` has found no parenthesis or
 * preprocessor line on the way).
 */
function declarationOf(text: string, at: number, name: string): [number, number] | undefined {
  let start = at;
  while (start > 0 && !/[;{}]/.test(text[start - 1]!)) start--;
  for (;;) {
    while (start < at && /\s/.test(text[start]!)) start++;
    const close = text.startsWith('/*', start) ? text.indexOf('*/', start + 2) : -1;
    if (close >= 0 && close < at) start = close + 2;
    else if (text.startsWith('//', start) && lineEnd(text, start) < at) start = lineEnd(text, start);
    else break;
  }
  const end = text.indexOf(';', at);
  if (end < 0) return undefined;
  const m = PLAIN_DECLARATION.exec(text.slice(start, end + 1));
  return m?.[1] === name ? [start, end + 1] : undefined;
}

/** The offset of the newline that ends the line holding `at` (the text's length on its last line). */
function lineEnd(text: string, at: number): number {
  const nl = text.indexOf('\n', at);
  return nl < 0 ? text.length : nl;
}

/** Whether the line that ends at the newline `nl` is a preprocessor line, or continues one (`\` at the end of the one before). */
function directiveLineEndsAt(text: string, nl: number): boolean {
  let start = text.lastIndexOf('\n', nl - 1) + 1;
  const continued = (lineStart: number): boolean => text.charCodeAt(lineStart - 2) === 92 /* \ */ || (text.charCodeAt(lineStart - 2) === 13 && text.charCodeAt(lineStart - 3) === 92);
  while (start > 1 && continued(start)) start = text.lastIndexOf('\n', start - 2) + 1;
  return /^[ \t]*#/.test(text.slice(start, nl));
}

/** The `#if` groups of a file's text and of the text parsed of it (see QuietFile). */
function conditionsOf(text: string, parsed: string): string {
  return parsed === text ? conditionalShape(text) : `${conditionalShape(text)}\0${conditionalShape(parsed)}`;
}

/** The text the analysis parses of a file: the file, or the file with the functions not `kept` blanked. */
function parsedText(text: string, functions: LexicalFunction[], kept: number[] | 'whole'): string {
  if (kept === 'whole') return text;
  const keep = new Set(kept.map((i) => functions[i]!));
  return blankExcept(text, functions, keep);
}

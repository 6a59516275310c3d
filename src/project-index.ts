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
import { lexicalFingerprint, scanC, type LexicalFunction } from './index/c-lexical.js';
import { blankExcept } from './index/selection.js';
import { nextTextRound } from './text-memory.js';
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
 */
interface QuietFile {
  file: string;
  fingerprint: string;
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
    return { file: shown, fingerprint: lexicalFingerprint(text, noreturnNamesInText, index), kept, macros, changes: this.changes };
  }

  /** The diagnostics of a quiet file's new text, when its findings are known to be none (see QuietFile). */
  private async quietAnswer(file: string, text: string): Promise<Diagnostic[] | undefined> {
    const quiet = this.quiet;
    const shown = displayPath(path.resolve(this.cwd, file), this.cwd);
    if (!quiet || quiet.file !== shown || quiet.changes !== this.changes || languageOf(shown) !== 'c') return undefined;
    const index = scanC(text);
    if (lexicalFingerprint(text, noreturnNamesInText, index) !== quiet.fingerprint) return undefined;
    return diagnosticsOfParse(shown, parsedText(text, index.functions, quiet.kept), quiet.macros);
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

/** The text the analysis parses of a file: the file, or the file with the functions not `kept` blanked. */
function parsedText(text: string, functions: LexicalFunction[], kept: number[] | 'whole'): string {
  if (kept === 'whole') return text;
  const keep = new Set(kept.map((i) => functions[i]!));
  return blankExcept(text, functions, keep);
}

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
import { MemoryStore } from './engine/cache.js';
import { rememberTrees } from './parser.js';
import { UnitFinder } from './engine/units.js';
import { displayPath } from './files.js';
import type { Diagnostic } from './model.js';
import type { Finding } from './rules/rule.js';

const indexes = new Map<string, Promise<ProjectIndex>>();

export class ProjectIndex {
  private readonly store = new MemoryStore<UnitResult>();

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
    const shown = this.record(file, text);
    const sources: SourceFile[] = [...this.texts].map(([p, t]) => ({ path: p, text: t }));
    // Only this file's findings are asked for: programs that do not run its code are not checked (EngineOptions.focus).
    const result = await analyzeUnit(sources, this.config, { store: this.store, focus: shown });
    return {
      findings: result.findings.filter((f) => f.loc.file === shown).sort(compareFindings),
      diagnostics: result.diagnostics.filter((d) => d.file === shown),
      parsed: result.analysed.includes(shown),
    };
  }

  /** Take the file's current text without analysing anything (the next update judges with it); its shown path. */
  record(file: string, text?: string): string {
    const shown = displayPath(path.resolve(this.cwd, file), this.cwd);
    if (text !== undefined) this.texts.set(shown, text);
    return shown;
  }

  /** Forget a file (deleted or closed without saving): the rest is judged without it. */
  remove(file: string): void {
    this.texts.delete(displayPath(path.resolve(this.cwd, file), this.cwd));
  }
}

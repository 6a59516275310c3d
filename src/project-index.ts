/**
 * A project held in memory for front doors that see one file at a time (the ESLint plugin): the files under the
 * project root, read once, and the findings of one file judged against the current texts of all the others.
 *
 * This is the simple implementation: every new combination of texts is analysed whole with `analyzeSources`, as the
 * CLI analyses `privlint <root>`; results are cached by the texts' hashes, so asking again about unchanged texts is
 * cheap. The interface (`forFile`, `update`) is what the engine's incremental index will keep.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { loadConfig } from './config-file.js';
import type { PrivlintConfig } from './config.js';
import { analyzeSources, loadSources, type SourceFile } from './engine.js';
import type { Diagnostic } from './model.js';
import type { Finding } from './rules/rule.js';

/** Files or folders whose presence makes a directory a project root. */
const ROOT_MARKERS = ['package.json', '.git', 'configure.ac', 'CMakeLists.txt', 'Makefile', 'meson.build', 'privlint.json'];

/** Results kept per project, newest last: an editor alternates between a few versions of a buffer. */
const CACHED_RESULTS = 4;

export interface FileResult {
  findings: Finding[];
  diagnostics: Diagnostic[];
}

interface ProjectResult {
  findings: Finding[];
  diagnostics: Diagnostic[];
}

/** The nearest ancestor directory of `file` holding a project marker; else the file's own directory. */
export async function findProjectRoot(file: string): Promise<string> {
  const start = path.dirname(path.resolve(file));
  for (let dir = start; ; dir = path.dirname(dir)) {
    for (const marker of ROOT_MARKERS) {
      try {
        await fs.access(path.join(dir, marker));
        return dir;
      } catch {
        // not here
      }
    }
    if (path.dirname(dir) === dir) return start;
  }
}

const hashOf = (text: string): string => createHash('sha1').update(text).digest('hex');

export class ProjectIndex {
  private static readonly indexes = new Map<string, Promise<ProjectIndex>>();

  /** Texts by shown path (relative to the root, `/`-separated, as `privlint .` run in the root shows them). */
  private readonly texts = new Map<string, string>();
  private readonly hashes = new Map<string, string>();
  private readonly results = new Map<string, ProjectResult>();

  private constructor(
    /** Absolute path of the project root. */
    readonly root: string,
    readonly config: PrivlintConfig,
    /** Problems met while reading the project (unreadable files, symlink loops), by shown path. */
    private readonly readDiagnostics: Diagnostic[],
  ) {}

  /** The project around `file`: the files under its project root (nearest ancestor with package.json, .git, configure.ac, CMakeLists.txt, Makefile, meson.build or privlint.json; else the file's directory), read once, with their texts cached. */
  static forFile(file: string, config?: PrivlintConfig): Promise<ProjectIndex> {
    return findProjectRoot(file).then((root) => {
      const key = `${root}\0${config ? JSON.stringify(config) : ''}`;
      let index = ProjectIndex.indexes.get(key);
      if (!index) {
        // another configuration for this root (privlint.json was edited): that index is given up
        for (const other of ProjectIndex.indexes.keys()) if (other.startsWith(`${root}\0`)) ProjectIndex.indexes.delete(other);
        index = ProjectIndex.read(root, config);
        ProjectIndex.indexes.set(key, index);
        index.catch(() => ProjectIndex.indexes.delete(key)); // a bad privlint.json may be fixed: try again next time
      }
      return index;
    });
  }

  private static async read(root: string, given?: PrivlintConfig): Promise<ProjectIndex> {
    const config = given ?? (await loadConfig(root)).config;
    const { sources, diagnostics } = await loadSources([root], config, root);
    const index = new ProjectIndex(root, config, diagnostics);
    for (const src of sources) index.setText(src.path, src.text);
    return index;
  }

  /** Replace one file's text (an editor buffer) and return the findings and diagnostics whose primary location is in that file, judged against the current texts of the rest of the project. */
  async update(file: string, text: string): Promise<FileResult> {
    const shown = this.shownPath(file);
    this.setText(shown, text);
    const result = await this.analyse();
    return {
      findings: result.findings.filter((f) => f.loc.file === shown),
      diagnostics: result.diagnostics.filter((d) => d.file === shown),
    };
  }

  /** `file` as the findings name it: relative to the root (absolute when it lies outside). */
  shownPath(file: string): string {
    const rel = path.relative(this.root, path.resolve(file));
    return (rel.startsWith('..') || path.isAbsolute(rel) ? path.resolve(file) : rel).split(path.sep).join('/');
  }

  private setText(shown: string, text: string): void {
    if (this.texts.get(shown) === text) return;
    this.texts.set(shown, text);
    this.hashes.set(shown, hashOf(text));
  }

  /** The whole project's findings for the current texts, from the cache when these texts were analysed before. */
  private async analyse(): Promise<ProjectResult> {
    const paths = [...this.texts.keys()].sort();
    const key = hashOf(paths.map((p) => `${p}\0${this.hashes.get(p)}`).join('\n'));
    const cached = this.results.get(key);
    if (cached) {
      this.results.delete(key); // most recently used last
      this.results.set(key, cached);
      return cached;
    }
    const sources: SourceFile[] = paths.map((p) => ({ path: p, text: this.texts.get(p)! }));
    const analysed = await analyzeSources(sources, this.config);
    const result = { findings: analysed.findings, diagnostics: [...this.readDiagnostics, ...analysed.diagnostics] };
    this.results.set(key, result);
    while (this.results.size > CACHED_RESULTS) this.results.delete(this.results.keys().next().value!);
    return result;
  }
}

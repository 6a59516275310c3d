/** The one engine behind the CLI, the ESLint plugin and the Action: sources in, findings and diagnostics out. */
import { Project } from './analysis/project.js';
import { ResultJudge } from './analysis/results.js';
import { buildSupergraphs, type Supergraph } from './analysis/supergraph.js';
import { analyzeCFile, noreturnNamesInText } from './c/frontend.js';
import { analyzeNodeFile } from './ts/frontend.js';
import { linkNodeModules } from './ts/modules.js';
import { defaultConfig, type PrivlintConfig } from './config.js';
import { collectFiles, displayPath, languageOf, readSource } from './files.js';
import { annotateFunctions } from './enclosing.js';
import { InputLimitError } from './parser.js';
import type { Diagnostic, FileModel } from './model.js';
import { attachEdits, type PendingFix } from './fix/resolve.js';
import { enabledRules } from './rules/sets.js';
import type { Finding, Rule } from './rules/rule.js';

export interface SourceFile {
  /** Path as shown in reports (relative to the working directory). */
  path: string;
  text: string;
}

export interface AnalysisResult {
  findings: Finding[];
  diagnostics: Diagnostic[];
  /** Files read (shown paths), whether or not they needed deep analysis. */
  files: string[];
  /** Files parsed and modelled. */
  analysed: string[];
  rules: readonly Rule[];
}

/** Tokens without which a file can neither change privileges nor hold a chroot (C calls, Node's process.* and npm modules, `uid:` options). */
const PRIVILEGE_TOKENS = /\b(?:set(?:e|re|res)?[ug]id|setgroups|initgroups|chroot)\b|['"](?:node:)?posix['"]|\buid\s*:/;
/** Small projects are analysed whole; large ones only where privilege code and its callers and callees are. */
const WHOLE_PROJECT_LIMIT = 300;

export async function analyzePaths(paths: string[], config: PrivlintConfig = defaultConfig(), cwd = process.cwd()): Promise<AnalysisResult> {
  const { sources, diagnostics, files } = await loadSources(paths, config, cwd);
  const result = await analyzeSources(sources, config);
  result.diagnostics.unshift(...diagnostics);
  result.files = files;
  return result;
}

/** The files the paths name (directories walked), read; those that cannot be read are diagnostics. */
export async function loadSources(paths: string[], config: PrivlintConfig, cwd: string): Promise<{ sources: SourceFile[]; diagnostics: Diagnostic[]; files: string[] }> {
  const { files, diagnostics } = await collectFiles(paths.length ? paths : ['.'], config.ignore, cwd, { gitignore: config.respectGitignore, ignoreBase: config.baseDir });
  const sources: SourceFile[] = [];
  for (const file of files) {
    const loaded = await readSource(file, displayPath(file, cwd));
    if ('text' in loaded) sources.push(loaded);
    else diagnostics.push(loaded);
  }
  return { sources, diagnostics, files: files.map((f) => displayPath(f, cwd)) };
}

export interface PreparedProject {
  project: Project;
  judge: ResultJudge;
  graphs: Supergraph[];
  diagnostics: Diagnostic[];
  models: FileModel[];
  timing: (label: string) => void;
}

/** Parse and summarise sources as one project: everything the rules need. */
export async function prepareProject(sources: SourceFile[], config: PrivlintConfig = defaultConfig()): Promise<PreparedProject> {
  const started = Date.now();
  let nextId = 1;
  const nextEventId = (): number => nextId++;
  const diagnostics: Diagnostic[] = [];
  const models = new Map<string, FileModel>();
  const stringMacros = headerStringMacros(sources);
  const parse = async (src: SourceFile): Promise<void> => {
    if (models.has(src.path)) return;
    try {
      const lang = languageOf(src.path);
      if (!lang) return;
      const model = lang === 'c' ? await analyzeCFile(src.path, src.text, nextEventId, { stringMacros }) : await analyzeNodeFile(src.path, src.text, nextEventId);
      diagnostics.push(...model.diagnostics);
      models.set(src.path, model);
    } catch (e) {
      const message = e instanceof InputLimitError ? e.message : e instanceof RangeError ? 'nesting too deep to analyse; skipped' : `internal error while analysing: ${(e as Error).message}`;
      diagnostics.push({ file: src.path, level: 'error', message });
    }
  };
  for (const src of selectSources(sources)) await parse(src);
  if (sources.length > WHOLE_PROJECT_LIMIT) {
    for (let round = 0; round < 3; round++) {
      const more = relatedSources(sources, [...models.values()], models);
      if (!more.length) break;
      for (const src of more) await parse(src);
    }
  }
  const timing = process.env.PRIVLINT_TIMING ? (label: string): void => void process.stderr.write(`[privlint] ${label}: ${Date.now() - started} ms\n`) : (): void => {};
  timing(`parsed ${models.size} files`);
  const files = [...models.values()];
  linkNodeModules(files);
  // Headers that were not parsed still tell which functions never return.
  const unparsedNoreturn = sources.filter((s) => !models.has(s.path) && /noreturn|NORETURN|__dead/.test(s.text)).flatMap((s) => noreturnNamesInText(s.text));
  const project = new Project(files, unparsedNoreturn.length ? { ...config, noreturn: [...config.noreturn, ...unparsedNoreturn] } : config);
  timing('project summaries');
  const judge = new ResultJudge(project);
  timing('result judge');
  const graphs = buildSupergraphs(project);
  timing(`${graphs.length} supergraphs, ${graphs.reduce((n, g) => n + g.nodes.length, 0)} nodes`);
  return { project, judge, graphs, diagnostics, models: files, timing };
}

/** Analyse sources as one project. */
export async function analyzeSources(sources: SourceFile[], config: PrivlintConfig = defaultConfig()): Promise<AnalysisResult> {
  const { project, judge, graphs, diagnostics, models, timing } = await prepareProject(sources, config);
  const findings: Finding[] = [];
  const pendingFixes: PendingFix[] = [];
  const seen = new Set<string>();
  const rules = enabledRules(config);
  for (const rule of rules) {
    timing(`rule ${rule.id}`);
    const configured = config.rules[rule.id];
    rule.check({
      project,
      judge,
      graphs,
      report(f) {
        const key = `${rule.id}|${f.loc.file}|${f.loc.line}|${f.loc.column}`;
        if (seen.has(key)) return;
        seen.add(key);
        const severity = configured && configured !== 'off' ? configured : (f.severity ?? rule.severity);
        const { edit, ...rest } = f;
        const finding: Finding = { ...rest, ruleId: rule.id, severity };
        findings.push(finding);
        if (edit) pendingFixes.push({ finding, intent: edit });
      },
    });
  }
  await attachEdits(pendingFixes, new Map(sources.map((s) => [s.path, s.text])));
  findings.sort(compareFindings);
  annotateFunctions(findings, models);
  diagnostics.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0)));
  return { findings, diagnostics, files: sources.map((s) => s.path), analysed: models.map((f) => f.path), rules };
}

export function compareFindings(a: Finding, b: Finding): number {
  if (a.loc.file !== b.loc.file) return a.loc.file < b.loc.file ? -1 : 1;
  return a.loc.line - b.loc.line || a.loc.column - b.loc.column || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0);
}

function selectSources(sources: SourceFile[]): SourceFile[] {
  if (sources.length <= WHOLE_PROJECT_LIMIT) return sources;
  return sources.filter((s) => PRIVILEGE_TOKENS.test(s.text));
}

/** In a large tree: files that call functions of the analysed files, or define functions they call (a linear text scan). */
function relatedSources(sources: SourceFile[], models: FileModel[], parsed: Map<string, FileModel>): SourceFile[] {
  const defined = new Set(models.flatMap((m) => m.functions.map((f) => f.name)));
  defined.delete('main');
  const called = new Set(models.flatMap((m) => m.functions.flatMap((f) => f.cfg.nodes.flatMap((n) => n.events.flatMap((e) => (e.kind === 'call' ? [e.callee] : []))))));
  for (const d of defined) called.delete(d);
  return sources.filter((s) => {
    if (parsed.has(s.path)) return false;
    for (const m of s.text.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) {
      const name = m[1]!;
      if (defined.has(name)) return true; // calls (or declares) a function of the analysed files
      if (called.has(name)) {
        // a definition: the name starts its line's declarator and no ';' follows on that line
        const lineEnd = s.text.indexOf('\n', m.index!);
        const rest = s.text.slice(m.index!, lineEnd < 0 ? undefined : lineEnd);
        const lineStart = s.text.lastIndexOf('\n', m.index!) + 1;
        if (!rest.includes(';') && !/[=;{}]/.test(s.text.slice(lineStart, m.index!))) return true;
      }
    }
    return false;
  });
}

/** `#define NAME "text"` in the project's headers, for files that use the name (`getpwnam(RUNAS_USER)`). */
function headerStringMacros(sources: SourceFile[]): Map<string, string> {
  const macros = new Map<string, string>();
  for (const src of sources) {
    if (!src.path.endsWith('.h') || !src.text.includes('#')) continue;
    for (const m of src.text.matchAll(/^[ \t]*#[ \t]*define[ \t]+(\w+)[ \t]+"([^"\\\n]*)"[ \t]*$/gm)) {
      const [, name, value] = m;
      macros.set(name!, macros.has(name!) && macros.get(name!) !== value ? '' : value!);
    }
  }
  for (const [name, value] of macros) if (!value) macros.delete(name); // defined differently in different headers
  return macros;
}

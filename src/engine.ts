/** The one engine behind the CLI, the ESLint plugin and the Action: sources in, findings and diagnostics out. */
import { Project } from './analysis/project.js';
import { ResultJudge } from './analysis/results.js';
import { buildSupergraph, supergraphs, type Supergraph } from './analysis/supergraph.js';
import { callVocabulary } from './call-meaning.js';
import { mayDeclareNoreturn, noreturnNamesInText, noreturnShapesInText } from './c/frontend.js';
import { headerControlMacros } from './c/control-macros.js';
import { headerValueMacros } from './c/value-macros.js';
import { constantsUsedBy, headerNumericConstants, headerNumericConstantsFor } from './c/constants.js';
import { counterGlobals, unassignedGlobals, unitScans, zeroStructGlobals } from './c/globals.js';
import { linkNodeModules } from './ts/modules.js';
import { defaultConfig, type PrivlintConfig, type SeverityLevel } from './config.js';
import { collectFiles, deferredSource, displayPath, languageOf, readDeferredText, readSourceBytes, sourceText } from './files.js';
import { annotateFunctions } from './enclosing.js';
import { groupByUnit, UnitFinder } from './engine/units.js';
import { callCountsAndDefinitions, definitionsDigest, membersOf, selectForParsing, type SelectableSource, type Selection } from './index/selection.js';
import { arrayMembers, structMembersOf } from './c/members.js';
import { scanC } from './index/c-lexical.js';
import { perText, wordsOf } from './text-memory.js';
import { isDiagnostic, IDS_PER_FILE, parseFile, type ParseTask } from './engine/parse-file.js';
import { WorkerLost, WorkerPool } from './engine/pool.js';
import { withSmallYoungGeneration } from './engine/heap-growth.js';
import { contentDigest, DiskStore, engineBuild, hash, relocate, type ModelStore, type ResultStore } from './engine/cache.js';
import type { Diagnostic, FileModel, FunctionModel, MessageShape, SourceLoc } from './model.js';
import { attachEdits, type PendingFix } from './fix/resolve.js';
import { enabledRules } from './rules/sets.js';
import { withSharedWalks } from './rules/support.js';
import { analysisWithin, cutByTimeLimit, deadlineIn, largestFile, largestInGraphs, leavingOutWhatOverruns, unitTimeLimitMs, type Culprit } from './time-limit.js';
import { PLACED_AT, REPORTED_AT, written, type Finding, type ReportedFinding, type Rule } from './rules/rule.js';
import { movedFindings, movedPlaces, type Moves, type Placed, type PlacedFinding, type PlacedMemory } from './engine/placed.js';

export interface SourceFile {
  /** Path as shown in reports (relative to the working directory). */
  path: string;
  text: string;
  /** The unit (project) the file belongs to: units are analysed apart (see engine/units.ts). */
  unit?: string;
  /** A deferred source (`loadSources(…, { deferTexts })`, see `deferredSource`): its length in bytes, known without reading it. */
  size?: number;
  /** A deferred source: whether its text names a privlint- directive (suppressions are read only from those). */
  directives?: boolean;
  /** A deferred source: the file its text is read from, each time it is needed (`withTexts`). */
  file?: string;
  /** A deferred source: the digest of its content when it was loaded (`contentDigest`). */
  digest?: string;
}

export interface LoadOptions {
  /**
   * Read and check every file, but keep no text: each source's `text` reads its file again when asked for (see
   * `deferredSource`). For one-shot runs over large trees; a host that edits texts keeps them.
   */
  deferTexts?: boolean;
}

/**
 * The unit's sources with their texts read (once: a deferred source reads its file at each `text`). A file that
 * can no longer be read since it was loaded is left out, with a diagnostic; the others are analysed.
 */
export function withTexts(sources: SourceFile[]): { sources: SourceFile[]; diagnostics: Diagnostic[] } {
  const read: SourceFile[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const s of sources) {
    if (s.file === undefined) {
      read.push(s);
      continue;
    }
    const { size: _size, directives: _directives, digest: _digest, file, ...plain } = s;
    try {
      read.push({ ...plain, text: readDeferredText({ path: s.path, file }) });
    } catch (e) {
      diagnostics.push({ file: s.path, level: 'error', message: `${(e as Error).message}; skipped` });
    }
  }
  return { sources: read, diagnostics };
}

/** A source's text (a deferred source's read again), or undefined when its file can no longer be read. */
export function textOf(source: SourceFile): string | undefined {
  try {
    return source.file === undefined ? source.text : readDeferredText({ path: source.path, file: source.file });
  } catch {
    return undefined;
  }
}

/** The unit's result, with the diagnostics of the files that could not be read for it. */
export function withReadDiagnostics(result: UnitResult, diagnostics: Diagnostic[]): UnitResult {
  return diagnostics.length ? { ...result, diagnostics: [...diagnostics, ...result.diagnostics] } : result;
}

/** A source's length in characters, without reading a deferred text. */
export function sourceSize(source: SourceFile): number {
  return source.size ?? source.text.length;
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

export interface EngineOptions {
  /** Parse only the functions that can affect a finding (default). false parses every file whole. */
  prefilter?: boolean;
  /** Worker threads (default 1: everything in this thread). Output is the same for any number. */
  jobs?: number;
  /** (internal) The workers of this run. */
  pool?: WorkerPool;
  /** A folder where models and unit results are remembered between runs (`--cache`). */
  cacheLocation?: string;
  /** (internal) Where models and unit results are remembered: the cache folder, or the project index's memory. */
  store?: ModelStore & ResultStore<UnitResult>;
  /**
   * (internal) Only the findings located in this file are wanted (the project index answering for one edited file):
   * a program graph that covers none of the file's functions is not checked, since every finding is located at an
   * event of a function its graph covers; and the rules ask their path questions only of the file's events
   * (`RuleContext.decidedAt`).
   */
  focus?: string;
  /**
   * (internal) The project index's memory of its last analysis for `focus`: an analysis whose inputs are the same but
   * for the places of the focus file's code is answered from it (engine/placed.ts), and each analysis is kept there.
   */
  placed?: PlacedMemory;
  /** (tests) Check every program graph, also those without an event any rule reports at (`REPORTED_AT`). */
  everyGraph?: boolean;
  /** Told as work is done: files parsed, units analysed. */
  onProgress?: (event: ProgressEvent) => void;
}

export interface ProgressEvent {
  phase: 'parse' | 'unit';
  done: number;
  total: number;
}

/** What one unit's analysis gives: plain data, the same whether computed here, in a worker or read from a cache. */
export interface UnitResult {
  findings: Finding[];
  diagnostics: Diagnostic[];
  analysed: string[];
  /**
   * Asked for one C file's findings (`EngineOptions.focus`): the file was parsed and holds nothing a finding can be
   * placed at (no event of a kind in `PLACED_AT`, no call whose result must be checked), which of its functions
   * were parsed (their places in its lexical index, or all of them), the digest of the text parsed and the headers'
   * macros it was parsed with. The project
   * index answers later texts of the file from this while its lexical index stays the same (project-index.ts).
   */
  quietFocus?: { kept: number[] | 'whole'; parsedDigest: string; controlMacros: ParseTask['controlMacros'] };
}

export async function analyzePaths(paths: string[], config: PrivlintConfig = defaultConfig(), cwd = process.cwd(), options: EngineOptions = {}): Promise<AnalysisResult> {
  const { sources, diagnostics, files } = await loadSources(paths, config, cwd, { deferTexts: true });
  const result = await analyzeSources(sources, config, options);
  result.diagnostics.unshift(...diagnostics);
  result.files = files;
  return result;
}

/** The files the paths name (directories walked), read, each with its unit; those that cannot be read are diagnostics. */
export function loadSources(paths: string[], config: PrivlintConfig, cwd: string, options: LoadOptions = {}): Promise<{ sources: SourceFile[]; diagnostics: Diagnostic[]; files: string[] }> {
  return withSmallYoungGeneration(() => loadAll(paths, config, cwd, options));
}

async function loadAll(paths: string[], config: PrivlintConfig, cwd: string, options: LoadOptions): Promise<{ sources: SourceFile[]; diagnostics: Diagnostic[]; files: string[] }> {
  const { files, diagnostics } = await collectFiles(paths.length ? paths : ['.'], config.ignore, cwd, { gitignore: config.respectGitignore, ignoreBase: config.baseDir });
  const sources: SourceFile[] = [];
  const units = new UnitFinder(cwd);
  for (const file of files) {
    const shown = displayPath(file, cwd);
    const bytes = readSourceBytes(file, shown);
    if (!Buffer.isBuffer(bytes)) {
      diagnostics.push(bytes);
      continue;
    }
    const unit = displayPath(units.unitOf(file), cwd);
    sources.push(options.deferTexts ? Object.assign(deferredSource(shown, bytes, file), { unit }) : { path: shown, text: sourceText(bytes), unit });
  }
  return { sources, diagnostics, files: files.map((f) => displayPath(f, cwd)) };
}

export interface PreparedProject {
  project: Project;
  judge: ResultJudge;
  diagnostics: Diagnostic[];
  models: FileModel[];
  timing: (label: string) => void;
  /** When the analysis of the unit's programs must end (its time limit, counted from the end of parsing). */
  deadline: number;
  /** What each file parsed was parsed from: its text (its irrelevant functions blanked) and the project's context. */
  tasks: readonly ParseTask[];
}

/**
 * What a unit's analysis reads from its sources: the files to parse (the text of each, its blanked functions
 * left out), the macros of the others, and what headers and texts tell (string and control macros, noreturn names).
 * The analysis depends on the sources through these alone (and the texts of the files parsed, where edits are
 * made): two sets of sources that give the same inputs give the same result.
 */
export interface UnitInputs {
  sources: SourceFile[];
  textNoreturn: string[];
  /** Of those, the ones whose declared parameters take an error message (the fix writer's way of dying). */
  textMessages: Record<string, MessageShape>;
  selection: Selection;
  tasks: ParseTask[];
  /** Nesting counters of the C files (c/globals.ts `counterGlobals`), with the value each starts with. */
  counters: [string, number][];
  /** File-scope struct variables of the C files that start as zeros (c/globals.ts `zeroStructGlobals`). */
  zeroStructs: string[];
  /** Files read and how many functions were kept, for PRIVLINT_TIMING. */
  indexed: string;
  /** The sources the selection read (languages known), for `inputsKey`. */
  selectable: SelectableSource[];
}

export function unitInputs(sources: SourceFile[], config: PrivlintConfig, options: EngineOptions = {}): UnitInputs {
  const stringMacros = headerStringMacros(sources);
  const constants = headerNumericConstants(sources);
  const constantsFor = headerNumericConstantsFor(sources);
  const controlMacros = [...headerControlMacros(sources)];
  const valueMacros = headerValueMacros(sources);
  // Headers and files that are not parsed still tell which functions never return.
  const declared = sources.flatMap((s) => noreturnDeclaredIn(s.text) ?? []);
  const textNoreturn = declared.flatMap((d) => d.names);
  const textMessages: Record<string, MessageShape> = Object.assign({}, ...declared.map((d) => d.shapes));
  const vocabulary = callVocabulary(config);
  const selectable = sources.flatMap((s) => {
    const language = languageOf(s.path);
    return language ? [{ path: s.path, text: s.text, language }] : [];
  });
  const selection = options.prefilter === false
    ? { parse: new Map(selectable.map((s) => [s.path, s.text])), macros: [], functionsKept: 0, functionsFound: 0 }
    : selectForParsing(selectable, { noreturn: [...config.noreturn, ...textNoreturn], inputFunctions: config.inputFunctions, calls: vocabulary });
  // File-scope variables nothing sets, of those the parsed C code names.
  // The names each C file parsed uses, found once: for the globals, the struct member calls and the constants below.
  const wordsParsed = new Map(selectable.flatMap((s) => {
    const text = s.language === 'c' ? selection.parse.get(s.path) : undefined;
    return text === undefined ? [] : [[s.path, wordsOf(text)] as const];
  }));
  // Each C text's file-scope definitions, read once for the three below.
  const scans = unitScans();
  const globals = unassignedGlobals(sources, constants, [...wordsParsed.values()], scans);
  const counters = [...counterGlobals(sources, constants, [...wordsParsed.values()], scans)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const zeroStructs = [...zeroStructGlobals(sources, [...wordsParsed.values()], scans)].sort();
  // Struct members the unit stores its functions in: calls through them reach those functions.
  selection.members ??= membersOf(selectable);
  if (!selection.callCounts || !selection.definitions) {
    const lexical = callCountsAndDefinitions(selectable);
    selection.callCounts ??= lexical.callCounts;
    selection.definitions ??= lexical.definitions;
  }
  const members = selection.members;
  const tasks: ParseTask[] = [];
  // One list for every task (never changed): the parse key digests it once (`sharedParseDigest`).
  const macroList = [...stringMacros];
  selectable.forEach((src, index) => {
    const text = selection.parse.get(src.path);
    if (text === undefined) return;
    const words = wordsParsed.get(src.path);
    const memberCalls = words && members.size ? [...words].filter((w) => members.has(w)).sort() : [];
    tasks.push({ path: src.path, text, language: src.language, idBase: (index + 1) * IDS_PER_FILE, stringMacros: macroList, ...(words ? { numericConstants: constantsUsedBy(words, constantsFor(src.path)), globalConstants: constantsUsedBy(words, globals), ...(memberCalls.length ? { memberCalls } : {}) } : {}), controlMacros, valueMacros, vocabulary });
  });
  const indexed = `indexed ${sources.length} files: ${selection.parse.size} to parse, ${selection.functionsKept} of ${selection.functionsFound} functions`;
  return { sources, textNoreturn, textMessages, selection, tasks, indexed, counters, zeroStructs, selectable };
}

/**
 * A digest of the unit's inputs (see UnitInputs), with the texts of the files parsed (`all`); and the same without
 * the focus file's texts (`placeFree`: what the analysis read apart from the focus file's models, its struct arrays
 * and the places of its code, see engine/placed.ts).
 */
function inputsKeys(inputs: UnitInputs, config: PrivlintConfig, options: EngineOptions): { all: string; placeFree: string } {
  const texts = new Map(inputs.sources.map((s) => [s.path, s.text]));
  const [first] = inputs.tasks;
  const common = [
    engineBuild(), 'inputs', JSON.stringify(config), String(options.prefilter !== false), `focus\0${options.focus ?? ''}`, JSON.stringify(inputs.textNoreturn), JSON.stringify(inputs.textMessages), JSON.stringify(inputs.selection.macros),
    JSON.stringify(first?.stringMacros ?? []), JSON.stringify(first?.controlMacros ?? []), JSON.stringify(first?.valueMacros ?? []),
    // The call counts and definitions are made from the C sources' lexical indexes: their digest stands for them.
    JSON.stringify(inputs.counters), JSON.stringify(inputs.zeroStructs), JSON.stringify([...inputs.selection.members ?? []]), definitionsDigest(inputs.selectable),
    // The struct array members are read from every C text, the ones not parsed too (a header's struct definitions).
    ...inputs.sources.filter((s) => languageOf(s.path) === 'c').map((s) => structMembersOf(s.text)),
  ];
  const tasks = inputs.tasks.map((t) => `${t.path}\0${t.language}\0${t.idBase}\0${JSON.stringify(t.numericConstants ?? [])}\0${JSON.stringify(t.globalConstants ?? [])}\0${JSON.stringify(t.memberCalls ?? [])}`);
  const digests = inputs.tasks.map((t) => `${textDigest(t.text)}\0${textDigest(texts.get(t.path) ?? '')}`);
  // Every text but the focus file's, the unit's other texts (not parsed) included: they hold what the analysis reads of macros and globals.
  const others = inputs.sources.filter((s) => s.path !== options.focus).map((s) => `${s.path}\0${textDigest(s.text)}`);
  // The common part (tens of kilobytes of JSON) digested once for both.
  const shared = hash(...common);
  return {
    all: hash(shared, ...tasks.map((t, i) => `${t}\0${digests[i]}`)),
    placeFree: hash(shared, 'place-free', String(options.everyGraph === true), ...tasks, ...others),
  };
}

/** The struct types whose members the parsed C code assigns to variables (`CfgNode.memberValues`). */
function memberValueTypes(files: readonly FileModel[]): Set<string> {
  const types = new Set<string>();
  for (const f of files) if (f.language === 'c') for (const fn of f.functions) for (const n of fn.cfg.nodes) for (const m of n.memberValues ?? []) types.add(m.type);
  return types;
}

/**
 * PRIVLINT_TIMING's report of a unit's steps. Made apart from `prepareProject`: the analysis keeps this function to
 * the end, and a closure made there would keep every variable of that function its closures share (the texts
 * parsed, the selection).
 */
function unitTimer(): (label: string) => void {
  if (!process.env.PRIVLINT_TIMING) return (): void => {};
  const started = Date.now();
  return (label) => void process.stderr.write(`[privlint] ${label}: ${Date.now() - started} ms, heap ${Math.round(process.memoryUsage().heapUsed / 1e6)} MB, rss ${Math.round(process.memoryUsage().rss / 1e6)} MB\n`);
}

/** A unit's files parsed: what `prepareProject` summarises. */
interface ParsedUnit {
  diagnostics: Diagnostic[];
  /** The models parsed, in the unit's order (a stored C model is the stored object). */
  files: FileModel[];
  /** The struct members the unit defines as arrays, among those its parsed code assigns (`arrayMembers`). */
  arrays: Set<string>;
  inputs: Pick<UnitInputs, 'textNoreturn' | 'textMessages' | 'selection' | 'tasks' | 'counters' | 'zeroStructs'>;
  timing: (label: string) => void;
}

/** Parse (only what can matter) and summarise the sources of one unit: everything the rules need. */
export async function prepareProject(sources: SourceFile[], config: PrivlintConfig = defaultConfig(), options: EngineOptions = {}, given?: UnitInputs): Promise<PreparedProject> {
  return projectOf(await parseUnit(sources, config, options, given), config);
}

/** Parse the files of a unit that can matter (or take their stored models). */
async function parseUnit(sources: SourceFile[], config: PrivlintConfig, options: EngineOptions, given?: UnitInputs): Promise<ParsedUnit> {
  const timing = unitTimer();
  const diagnostics: Diagnostic[] = [];
  const models = new Map<string, FileModel>();
  const inputs = given?.sources === sources ? given : unitInputs(sources, config, options);
  const { tasks } = inputs;
  timing(inputs.indexed);
  let done = 0;
  const parseOne = async (t: ParseTask): Promise<FileModel | Diagnostic> => {
    const key = options.store && hash(engineBuild(), t.path, t.language, textDigest(t.text), sharedParseDigest(t), JSON.stringify(t.numericConstants ?? []), JSON.stringify(t.globalConstants ?? []), JSON.stringify(t.memberCalls ?? []));
    const cached = key ? options.store!.getModel(key) : undefined;
    // Node models refer to each other's functions once linked: only C files are parsed in workers.
    const inWorker = (pool: WorkerPool): Promise<FileModel | Diagnostic> =>
      pool.run<FileModel | Diagnostic>({ kind: 'parse', task: t }).catch((e: unknown) => {
        if (e instanceof WorkerLost) return parseFile(t);
        throw e;
      });
    const result = cached ? relocate(cached.model, cached.idBase, t.idBase) : options.pool && t.language === 'c' ? await inWorker(options.pool) : await parseFile(t);
    if (key && !cached && !isDiagnostic(result)) options.store!.setModel(key, result, t.idBase);
    options.onProgress?.({ phase: 'parse', done: ++done, total: tasks.length });
    return result;
  };
  const parsed = await Promise.all(tasks.map(parseOne));
  for (const result of parsed) {
    if (isDiagnostic(result)) diagnostics.push(result);
    else {
      diagnostics.push(...result.diagnostics);
      models.set(result.path, result);
    }
  }
  timing(`parsed ${models.size} files`);
  const files = [...models.values()];
  const arrays = arrayMembers(sources.filter((s) => languageOf(s.path) === 'c').map((s) => s.text), memberValueTypes(files));
  return { diagnostics, files, arrays, inputs, timing };
}

/** The project's summaries of a unit's models. */
function projectOf({ diagnostics, files, arrays, inputs, timing }: ParsedUnit, config: PrivlintConfig): PreparedProject {
  const { textNoreturn, textMessages, selection, tasks, counters, zeroStructs } = inputs;
  linkNodeModules(files);
  const deadline = deadlineIn(unitTimeLimitMs());
  const blame = (): Culprit | undefined => largestFile(files);
  const project = analysisWithin(deadline, blame, () => new Project(files, textNoreturn.length ? { ...config, noreturn: [...config.noreturn, ...textNoreturn] } : config, selection.macros, textMessages, selection.members, { callCounts: selection.callCounts, definitions: selection.definitions, counters: new Map(counters), zeroStructs: new Set(zeroStructs), arrayMembers: arrays }));
  timing('project summaries');
  const judge = analysisWithin(deadline, blame, () => new ResultJudge(project));
  timing('result judge');
  return { project, judge, diagnostics, models: project.files, timing, deadline, tasks };
}

/** Analyse sources: each unit apart (programs are separate), results merged in a stable order. */
export async function analyzeSources(sources: SourceFile[], config: PrivlintConfig = defaultConfig(), options: EngineOptions = {}): Promise<AnalysisResult> {
  const groups = groupByUnit(sources);
  if (options.cacheLocation && !options.store) options = { ...options, store: DiskStore.open(options.cacheLocation) };
  const pool = options.pool ?? WorkerPool.create(options.jobs ?? 1);
  try {
    let results: UnitResult[];
    let done = 0;
    const unitDone = (r: UnitResult): UnitResult => {
      options.onProgress?.({ phase: 'unit', done: ++done, total: groups.length });
      return r;
    };
    if (pool && groups.length > 1 && (!options.store || options.cacheLocation)) {
      // Units to the workers, each analysed whole there (with the same cache folder).
      const plain = { prefilter: options.prefilter, cacheLocation: options.cacheLocation };
      // A deferred source is cloned without its text: the worker reads the texts of its unit. A unit whose worker
      // died (its heap bound) is analysed again here.
      const inWorker = (g: (typeof groups)[number]): Promise<UnitResult> =>
        pool.run<UnitResult>({ kind: 'unit', sources: g.sources, config, options: plain }).catch((e: unknown) => {
          if (!(e instanceof WorkerLost)) throw e;
          const read = withTexts(g.sources);
          return analyzeUnit(read.sources, config, { ...options, pool: undefined }).then((r) => withReadDiagnostics(r, read.diagnostics));
        });
      // The largest units are handed out first, so that a big one does not start last and keep the run waiting;
      // each worker is handed its next unit when it is done; results stay in the units' order.
      const size = (g: (typeof groups)[number]): number => g.sources.reduce((n, s) => n + sourceSize(s), 0);
      const order = groups.map((_, i) => i).sort((a, b) => size(groups[b]!) - size(groups[a]!) || a - b);
      results = new Array<UnitResult>(groups.length);
      let next = 0;
      const handOut = async (): Promise<void> => {
        while (next < order.length) {
          const i = order[next++]!;
          results[i] = unitDone(storedUnitResult(groups[i]!.sources, config, options) ?? (await inWorker(groups[i]!)));
        }
      };
      await Promise.all(Array.from({ length: pool.size }, handOut));
    } else {
      results = [];
      for (const group of groups) {
        const stored = storedUnitResult(group.sources, config, options);
        if (stored) {
          results.push(unitDone(stored));
          continue;
        }
        const read = withTexts(group.sources);
        results.push(unitDone(withReadDiagnostics(await analyzeUnit(read.sources, config, { ...options, pool }), read.diagnostics)));
      }
    }
    return mergeUnitResults(results, sources.map((s) => s.path), enabledRules(config));
  } finally {
    if (pool && !options.pool) await pool.close();
  }
}

export function mergeUnitResults(results: UnitResult[], files: string[], rules: readonly Rule[]): AnalysisResult {
  const findings = results.flatMap((r) => r.findings).sort(compareFindings);
  const diagnostics = results.flatMap((r) => r.diagnostics).sort(compareDiagnostics);
  return { findings, diagnostics, files, analysed: results.flatMap((r) => r.analysed).sort(), rules };
}

/** Where a unit's result is stored: privlint's build, the configuration, the options and each file's path and content. */
function unitResultKey(files: { path: string; digest: string }[], config: PrivlintConfig, options: EngineOptions): string {
  return hash(engineBuild(), JSON.stringify(config), String(options.prefilter !== false), `focus\0${options.focus ?? ''}`, ...files.map((f) => `${f.path}\0${f.digest}`).sort());
}

/**
 * A unit's stored result, found from the digests its deferred sources were loaded with: an unchanged unit is
 * neither read again nor handed to a worker.
 */
function storedUnitResult(sources: SourceFile[], config: PrivlintConfig, options: EngineOptions): UnitResult | undefined {
  if (!options.store || !sources.every((s) => s.digest !== undefined)) return undefined;
  return options.store.getResult(unitResultKey(sources.map((s) => ({ path: s.path, digest: s.digest! })), config, options));
}

/** Analyse the sources of one unit as one project (or read its result from the store, when nothing changed). */
export async function analyzeUnit(sources: SourceFile[], config: PrivlintConfig, options: EngineOptions = {}): Promise<UnitResult> {
  if (!options.store) return computeUnit(sources, config, options);
  const key = unitResultKey(sources.map((s) => ({ path: s.path, digest: textDigest(s.text) })), config, options);
  const cached = options.store.getResult(key);
  if (cached) return cached;
  // Texts changed where the analysis does not read them (a file that is not parsed, outside its macros): the
  // result of the same inputs stands. An editor's host meets this at each keystroke in such a file.
  const inputs = unitInputs(sources, config, options);
  const { all: inputKey, placeFree } = inputsKeys(inputs, config, options);
  const same = options.store.getResult(inputKey);
  if (same) {
    options.store.setResult(key, same);
    return same;
  }
  const result = await computeUnit(sources, config, options, inputs, placeFree);
  if (!result.diagnostics.some(cutByTimeLimit)) {
    options.store.setResult(key, result);
    options.store.setResult(inputKey, result);
  }
  return result;
}

/** A unit's analysis; one stopped by its time limit is done again without the file behind it (time-limit.ts). */
function computeUnit(sources: SourceFile[], config: PrivlintConfig, options: EngineOptions, inputs?: UnitInputs, placeFree?: string): Promise<UnitResult> {
  return leavingOutWhatOverruns(sources, (kept) => computeUnitOnce(kept, config, options, inputs, kept === sources ? placeFree : undefined));
}

async function computeUnitOnce(sources: SourceFile[], config: PrivlintConfig, options: EngineOptions, inputs?: UnitInputs, placeFree?: string): Promise<UnitResult> {
  const parsedUnit = await parseUnit(sources, config, options, inputs);
  // Placed again: the last analysis of the same inputs, its focus file's code moved (engine/placed.ts).
  const placing = options.placed && options.focus !== undefined && placeFree !== undefined && languageOf(options.focus) === 'c' ? { memory: options.placed, focus: options.focus, key: placeFree } : undefined;
  const last = placing?.memory.last;
  if (placing) placing.memory.last = undefined;
  const again = placing && last?.focus === placing.focus && (await placedAgain(last!, placing.key, parsedUnit, sources));
  if (again) {
    placing!.memory.answers++;
    placing!.memory.last = again.placed;
    return again.result;
  }
  const { files: parsedFiles, arrays } = parsedUnit;
  const prepared = projectOf(parsedUnit, config);
  const { project, judge, diagnostics, models, timing, deadline } = prepared;
  // The texts the files were parsed from are read again only to answer for one file (`quietFile`): a whole run's
  // analysis does not hold them (busybox: 5 MB more live, and the names taken from them keep the sources' texts).
  const tasks = options.focus === undefined ? [] : prepared.tasks;
  prepared.tasks = [];
  const findings: Finding[] = [];
  const pendingFixes: PendingFix[] = [];
  /** The finding kept for each rule and place: the first, unless a later one there is more severe. */
  const seen = new Map<string, Finding>();
  /** Each finding kept as it was reported, to be placed again (`EngineOptions.placed`). */
  const reported = new Map<Finding, PlacedFinding>();
  const rules = enabledRules(config);
  // Asked for one file's findings (the project index), those of the other files are neither sought nor kept.
  const wanted = (loc: SourceLoc): boolean => options.focus === undefined || loc.file === options.focus;
  // Out of time, the file to leave out is the one with the most of the program being checked.
  let checking: Supergraph | undefined;
  const blame = (): Culprit | undefined => largestInGraphs(checking ? [checking] : []) ?? largestFile(models);
  const entryGraphs = entryGraphFinder(project);
  const entryGraphsWith = function* (eventId: number): Iterable<Supergraph> {
    for (const g of entryGraphs.with(eventId)) yield (checking = g);
  };
  const check = (graphs: Supergraph[], projectPass: boolean): void =>
    withSharedWalks(() => {
      for (const rule of rules) {
        const configured = config.rules[rule.id];
        rule.check({
          project,
          judge,
          graphs,
          projectPass,
          entryGraphsWith,
          // Decided once what is kept there is as severe as the rule can be (drop-after-input's note for one
          // program does not stop the question for another, whose answer there is an error).
          decidedAt: (loc) => {
            const kept = seen.get(`${rule.id}|${loc.file}|${loc.line}|${loc.column}`);
            return !wanted(loc) || (kept !== undefined && severityRank(kept.severity) >= severityRank(configured && configured !== 'off' ? configured : rule.severity));
          },
          report(f) {
            const key = `${rule.id}|${f.loc.file}|${f.loc.line}|${f.loc.column}`;
            if (!wanted(f.loc)) return;
            const severity = configured && configured !== 'off' ? configured : (f.severity ?? rule.severity);
            const kept = seen.get(key);
            if (kept && severityRank(kept.severity) >= severityRank(severity)) return;
            const { edit, ...rest } = f;
            const finding = writtenOut({ ...rest, ruleId: rule.id, severity }, f);
            if (placing) reported.set(finding, { base: { ...finding }, message: f.message, related: f.related, ...(edit ? { intent: edit } : {}) });
            if (kept) {
              findings.splice(findings.indexOf(kept), 1);
              const fix = pendingFixes.findIndex((p) => p.finding === kept);
              if (fix >= 0) pendingFixes.splice(fix, 1);
            }
            seen.set(key, finding);
            findings.push(finding);
            if (edit) pendingFixes.push({ finding, intent: edit });
          },
        });
      }
    });
  let graphCount = 0;
  let nodeCount = 0;
  analysisWithin(deadline, blame, () => {
    check([], true);
    checking = undefined;
    // Asked for one file's findings where the file has no place for one (it only calls other files' privilege
    // code), no program's graph is made.
    const focusFile = options.focus === undefined ? undefined : models.find((m) => m.path === options.focus);
    if (focusFile && !focusFile.functions.some((fn) => fn.cfg.nodes.some((n) => n.events.some((e) => PLACED_AT.has(e.kind))))) return;
    // One program's graph at a time: made, checked by every rule in one shared pass, and let go.
    // A program entry's graph the project pass still holds is the one this would make: the same object, so that
    // what the rules derive from it (its flags, their tests) is derived once. (No question about entries is asked
    // after the project pass.)
    for (const g of supergraphs(project, { made: entryGraphs.take })) {
      if (options.focus !== undefined && ![...g.covered].some((fn) => fn.file === options.focus)) continue;
      // A program whose graph holds no uid, gid, groups or chroot change has no path to report on (a shell's
      // callbacks whose only privilege code lies past the end of their graph). Asked for one file's findings, a
      // graph with no place for one in that file is not checked either (the file only leads to other files' drops).
      if (!options.everyGraph && !g.nodes.some((n) => n.events.some((e) => REPORTED_AT.has(e.kind)))) continue;
      if (options.focus !== undefined && !g.nodes.some((n) => n.events.some((e) => PLACED_AT.has(e.kind) && wanted(e.loc)))) continue;
      graphCount++;
      nodeCount += g.nodes.length;
      checking = g;
      check([g], false);
      checking = undefined;
    }
  });
  timing(`${graphCount} supergraphs, ${nodeCount} nodes`);
  timing('rules');
  // Kept to be placed again, before the edits and functions are added to the findings.
  const placedFindings = placing ? findings.map((f) => reported.get(f)!) : [];
  await attachEdits(pendingFixes, new Map(sources.map((s) => [s.path, s.text])));
  annotateFunctions(findings, models);
  const quietFocus = options.focus === undefined ? undefined : quietFile(options.focus, project, judge, sources, tasks);
  const analysed = models.map((f) => f.path);
  // A quiet file's next texts are answered from their parse (project-index.ts); one stopped by its time limit is not kept.
  if (placing && !quietFocus && !diagnostics.some(cutByTimeLimit) && parsedFiles.every((f) => f.language === 'c')) {
    placing.memory.last = { focus: placing.focus, key: placing.key, models: parsedFiles, arrays, analysed, findings: placedFindings };
  }
  return { findings, diagnostics, analysed, ...(quietFocus ? { quietFocus } : {}) };
}

/**
 * A parsed C file no finding can be placed in: none of its functions' events is of a kind a rule reports at
 * (`PLACED_AT`) or is a call whose result must be checked (unchecked-return's own places); with the functions of
 * its lexical index that were parsed.
 */
function quietFile(file: string, project: Project, judge: ResultJudge, sources: SourceFile[], tasks: readonly ParseTask[]): UnitResult['quietFocus'] {
  const task = tasks.find((t) => t.path === file);
  const text = sources.find((s) => s.path === file)?.text;
  if (task === undefined || text === undefined || task.language !== 'c') return undefined;
  const { text: parsed, controlMacros } = task;
  for (const fn of project.functions) {
    if (fn.file !== file) continue;
    for (const node of fn.cfg.nodes) for (const e of node.events) if (PLACED_AT.has(e.kind) || judge.needsCheck(fn, e)) return undefined;
  }
  const parsedDigest = contentDigest(parsed);
  if (parsed === text) return { kept: 'whole', parsedDigest, controlMacros };
  const kept: number[] = [];
  scanC(text).functions.forEach((f, i) => {
    if (parsed.slice(f.start, f.end) === text.slice(f.start, f.end)) kept.push(i);
  });
  return { kept, parsedDigest, controlMacros };
}

/** A reported finding with its messages written out (in place: the finding's keys keep their order). */
function writtenOut(finding: Omit<ReportedFinding, 'edit'> & { ruleId: string; severity: SeverityLevel }, texts: Pick<ReportedFinding, 'message' | 'related'>): Finding {
  const out = finding as unknown as Finding;
  out.message = written(texts.message);
  out.related = texts.related.map((r) => ({ ...r, message: written(r.message) }));
  return out;
}

/**
 * The last analysis's findings placed again (engine/placed.ts), when the unit's models are the same objects but the
 * focus file's, and that one is the last one with its code moved in order (`movedPlaces`); the inputs read
 * apart from the models (`key`: every other text, the selection, macros, constants) and the struct arrays the same.
 * The findings' edits are made again from the new text, their functions found in the new models, the diagnostics
 * are the new parse's.
 */
async function placedAgain(last: Placed, key: string, { files, arrays, diagnostics }: ParsedUnit, sources: SourceFile[]): Promise<{ result: UnitResult; placed: Placed } | undefined> {
  const { focus } = last;
  if (last.key !== key || last.models.length !== files.length || arrays.size !== last.arrays.size || [...arrays].some((a) => !last.arrays.has(a))) return undefined;
  let moves: Moves | undefined;
  for (let i = 0; i < files.length; i++) {
    const old = last.models[i]!;
    const now = files[i]!;
    if (old === now) continue;
    if (moves || old.path !== focus || now.path !== focus || now.language !== 'c') return undefined;
    moves = movedPlaces(old, now, focus);
    if (!moves) return undefined;
  }
  const moved = moves ? movedFindings(last.findings, focus, moves) : last.findings;
  if (!moved) return undefined;
  const findings: Finding[] = [];
  const pending: PendingFix[] = [];
  for (const f of moved) {
    const finding = writtenOut({ ...f.base }, f);
    findings.push(finding);
    if (f.intent) pending.push({ finding, intent: f.intent });
  }
  await attachEdits(pending, new Map(sources.map((s) => [s.path, s.text])));
  annotateFunctions(findings, files);
  return { result: { findings, diagnostics, analysed: last.analysed }, placed: { ...last, models: files, arrays, findings: moved } };
}

function severityRank(severity: SeverityLevel): number {
  return severity === 'error' ? 2 : severity === 'warning' ? 1 : 0;
}

/**
 * The graphs of program entries that reach an event, for questions about the whole program. Each entry's graph is
 * made once to learn which events it reaches; the last few made or asked for are kept, the others let go, and a
 * question makes again only the graphs it needs. `take` hands a kept graph over (to the pass over every program's
 * graph, once the questions are asked) and forgets it.
 */
function entryGraphFinder(project: Project): { with: (eventId: number) => Iterable<Supergraph>; take: (root: FunctionModel) => Supergraph | undefined } {
  let reached: Map<FunctionModel, Set<number>> | undefined;
  const recent: Supergraph[] = [];
  const keep = (g: Supergraph): void => {
    recent.unshift(g);
    recent.length = Math.min(recent.length, 4);
  };
  const kept = (root: FunctionModel): Supergraph | undefined => recent.find((r) => r.root === root);
  function* withEvent(eventId: number): Iterable<Supergraph> {
    if (!reached) {
      reached = new Map();
      for (const g of supergraphs(project, { only: (root) => root.isEntry })) {
        reached.set(g.root, new Set(g.nodes.flatMap((n) => n.events.map((e) => e.id))));
        keep(g);
      }
    }
    for (const [root, ids] of reached) {
      if (!ids.has(eventId)) continue;
      let g = kept(root);
      if (!g) keep((g = buildSupergraph(project, root)));
      yield g;
    }
  }
  const take = (root: FunctionModel): Supergraph | undefined => {
    const i = recent.findIndex((r) => r.root === root);
    return i < 0 ? undefined : recent.splice(i, 1)[0];
  };
  return { with: withEvent, take };
}

export function compareFindings(a: Finding, b: Finding): number {
  if (a.loc.file !== b.loc.file) return a.loc.file < b.loc.file ? -1 : 1;
  return a.loc.line - b.loc.line || a.loc.column - b.loc.column || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0);
}

function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0) || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0);
}

/** The digests of the parse tasks' shared parts, by the three lists (the same objects for every task of a unit). */
const sharedDigests = new WeakMap<object, { controlMacros: unknown; valueMacros: unknown; vocabulary: unknown; digest: string }>();

/**
 * A digest of what every task of a unit shares (string and control macros, the vocabulary: tens of kilobytes
 * written out), made once per unit instead of once per file parsed.
 */
function sharedParseDigest(t: ParseTask): string {
  const known = sharedDigests.get(t.stringMacros);
  if (known && known.controlMacros === t.controlMacros && known.valueMacros === t.valueMacros && known.vocabulary === t.vocabulary) return known.digest;
  const digest = hash(JSON.stringify(t.stringMacros), JSON.stringify(t.controlMacros), JSON.stringify(t.valueMacros ?? []), JSON.stringify(t.vocabulary));
  sharedDigests.set(t.stringMacros, { controlMacros: t.controlMacros, valueMacros: t.valueMacros, vocabulary: t.vocabulary, digest });
  return digest;
}

/** A text's digest (remembered per text in an editor's host, which asks again for every file at each edit). */
const textDigest = perText(contentDigest);

/** The names a text declares never to return, with how each takes a message (remembered per text in an editor's host). */
const noreturnDeclaredIn = perText((text: string): { names: string[]; shapes: Record<string, MessageShape> } | null => {
  if (!mayDeclareNoreturn(text)) return null;
  const names = noreturnNamesInText(text);
  return { names, shapes: noreturnShapesInText(text, names) };
});

/** A header's `#define NAME "text"` (remembered per text in an editor's host). */
const stringMacrosIn = perText((text: string): [string, string][] =>
  text.includes('#') ? [...text.matchAll(/^[ \t]*#[ \t]*define[ \t]+(\w+)[ \t]+"([^"\\\n]*)"[ \t]*$/gm)].map((m) => [m[1]!, m[2]!]) : [],
);

/** `#define NAME "text"` in the project's headers, for files that use the name (`getpwnam(RUNAS_USER)`). */
function headerStringMacros(sources: SourceFile[]): Map<string, string> {
  const macros = new Map<string, string>();
  for (const src of sources) {
    if (!src.path.endsWith('.h')) continue;
    for (const [name, value] of stringMacrosIn(src.text)) macros.set(name, macros.has(name) && macros.get(name) !== value ? '' : value);
  }
  for (const [name, value] of macros) if (!value) macros.delete(name); // defined differently in different headers
  return macros;
}

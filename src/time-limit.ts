/**
 * Time limits, so that one pathological input cannot hang the run or cost the other results (SPEC, "Bad input").
 * Reading one file — parsing it and building its model — has a limit; analysing one unit's programs (the project's
 * summaries, each program's graph, the rules' walks) has another. Work runs under a deadline; the loops that grow
 * with the input (graph nodes made, forward analyses, path walks) call `checkTime()`, which throws once the deadline
 * has passed. A file over its limit is skipped with a diagnostic; a unit over its limit is analysed again without
 * the file that holds most of the program being analysed when time ran out, which gets the diagnostic. Each deadline is the work's own (never shared with other files or
 * units), so what is cut does not depend on --jobs; a result cut by a limit is not cached.
 */
import type { Supergraph } from './analysis/supergraph.js';
import type { SourceFile, UnitResult } from './engine.js';
import type { Diagnostic, FileModel } from './model.js';
import { InputLimitError } from './parser.js';

/**
 * Generous: real code stays well below (the largest bench-corpus unit, util-linux, analyses in 9 minutes on a 2-core
 * machine busy with other work, and its 327 parsed files read in 27 s together). They are there so that nothing
 * hangs for ever.
 */
const DEFAULT_FILE_LIMIT_MS = 2 * 60_000;
const DEFAULT_UNIT_LIMIT_MS = 30 * 60_000;

function configured(name: string): number | undefined {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/** How long reading one file (parse and model) may take: PRIVLINT_FILE_TIME_LIMIT_MS (formerly PRIVLINT_PARSE_TIME_LIMIT_MS), else 2 min. */
export function fileTimeLimitMs(): number {
  return configured('PRIVLINT_FILE_TIME_LIMIT_MS') ?? configured('PRIVLINT_PARSE_TIME_LIMIT_MS') ?? DEFAULT_FILE_LIMIT_MS;
}

/** How long analysing one unit's programs may take, once its files are read: PRIVLINT_UNIT_TIME_LIMIT_MS, else 30 min. */
export function unitTimeLimitMs(): number {
  return configured('PRIVLINT_UNIT_TIME_LIMIT_MS') ?? DEFAULT_UNIT_LIMIT_MS;
}

/** The deadline (a Date.now() value) of work starting now that has `limitMs`. */
export function deadlineIn(limitMs: number): number {
  return Date.now() + limitMs;
}

/** The deadline of the work in progress passed. */
export class TimeLimitError extends Error {}

let currentDeadline = Infinity;
let ticks = 0;
/** The clock is read once per this many checks: a check is a counter increment, as cheap as the loops it sits in. */
const TICKS_PER_CLOCK_READ = 64;

/** Throws TimeLimitError when the work in progress has run past its deadline. */
export function checkTime(): void {
  if (++ticks % TICKS_PER_CLOCK_READ === 0 && Date.now() > currentDeadline) throw new TimeLimitError('time limit reached');
}

/** Run synchronous `work` under `deadline` (and any earlier one it runs within). */
export function withDeadline<T>(deadline: number, work: () => T): T {
  const outer = currentDeadline;
  currentDeadline = Math.min(outer, deadline);
  try {
    return work();
  } finally {
    currentDeadline = outer;
  }
}

const FILE_LIMIT_NOTE = 'the limit for one file (PRIVLINT_FILE_TIME_LIMIT_MS); skipped';
const UNIT_LIMIT_NOTE = 'the limit for one unit (PRIVLINT_UNIT_TIME_LIMIT_MS)';

/** The error for a file whose parse or model building was stopped at its deadline. */
export function fileTimeLimitError(): InputLimitError {
  return new InputLimitError(`reading this file (parsing it and building its model) took longer than ${seconds(fileTimeLimitMs())}, ${FILE_LIMIT_NOTE}`);
}

/** Build a file's model (synchronous) under the file's deadline: past it, the file's time-limit error. */
export function modelWithin<T>(deadline: number, build: () => T): T {
  try {
    return withDeadline(deadline, build);
  } catch (e) {
    throw e instanceof TimeLimitError ? fileTimeLimitError() : e;
  }
}

/** The file a unit's analysis is analysed again without, and why that one. */
export interface Culprit {
  path: string;
  why: string;
}

/** A unit's analysis stopped: at its deadline, or out of stack on a graph too deep to follow. */
export class UnitLimitError extends Error {
  constructor(
    /** What stopped it, as a diagnostic says it. */
    readonly reason: string,
    /** The file to leave out. */
    readonly culprit: Culprit | undefined,
  ) {
    super(reason);
  }
}

/**
 * Run synchronous analysis `work` of a unit under the unit's deadline. Past it, or when the analysis runs out of
 * stack, a UnitLimitError naming the file `blame` gives (asked then: what was being analysed).
 */
export function analysisWithin<T>(deadline: number, blame: () => Culprit | undefined, work: () => T): T {
  try {
    return withDeadline(deadline, work);
  } catch (e) {
    if (e instanceof TimeLimitError) throw new UnitLimitError(`analysing the unit's programs took longer than ${seconds(unitTimeLimitMs())}, ${UNIT_LIMIT_NOTE}`, blame());
    if (e instanceof RangeError && /call stack/i.test(e.message)) throw new UnitLimitError("analysing the unit's programs went deeper than the stack allows (a graph too deep to follow)", blame());
    throw e;
  }
}

const byPath = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The file with the most control-flow nodes (the first in path order among equals). */
export function largestFile(models: readonly FileModel[]): Culprit | undefined {
  let largest: { path: string; nodes: number } | undefined;
  for (const m of [...models].sort((a, b) => byPath(a.path, b.path))) {
    const nodes = m.functions.reduce((n, f) => n + f.cfg.nodes.length, 0);
    if (!largest || nodes > largest.nodes) largest = { path: m.path, nodes };
  }
  return largest && { path: largest.path, why: `the largest of the unit (${largest.nodes} control-flow nodes)` };
}

/** The file that holds the most nodes of the largest of `graphs` (the programs being analysed when time ran out). */
export function largestInGraphs(graphs: readonly Supergraph[]): Culprit | undefined {
  const graph = graphs.reduce<Supergraph | undefined>((big, g) => (!big || g.nodes.length > big.nodes.length ? g : big), undefined);
  if (!graph) return undefined;
  const perFile = new Map<string, number>();
  for (const n of graph.nodes) perFile.set(n.fn.file, (perFile.get(n.fn.file) ?? 0) + 1);
  const [path, nodes] = [...perFile].sort((a, b) => b[1] - a[1] || byPath(a[0], b[0]))[0]!;
  return { path, why: `which holds most of the program being analysed (${nodes} of the ${graph.nodes.length} nodes of the graph of ${graph.root.name}())` };
}

/**
 * Analyse a unit; when a limit stops its analysis, analyse it again without the file its error blames (the one
 * with most of the program being analysed, else the largest), which gets the diagnostic; when that is stopped too,
 * the unit gets one diagnostic and no findings.
 */
export async function leavingOutWhatOverruns(sources: SourceFile[], analyse: (sources: SourceFile[]) => Promise<UnitResult>): Promise<UnitResult> {
  try {
    return await analyse(sources);
  } catch (e) {
    if (!(e instanceof UnitLimitError)) throw e;
    const left = e.culprit;
    if (!left) return unitNotAnalysed(sources, e.reason);
    const note: Diagnostic = { file: left.path, level: 'error', message: `${e.reason}; this file, ${left.why}, was left out and the others were analysed without it` };
    try {
      const rest = await analyse(sources.filter((s) => s.path !== left.path));
      return { ...rest, diagnostics: [note, ...rest.diagnostics] };
    } catch (again) {
      if (!(again instanceof UnitLimitError)) throw again;
      return unitNotAnalysed(sources, `${again.reason}, even without ${left.path}`);
    }
  }
}

function unitNotAnalysed(sources: SourceFile[], reason: string): UnitResult {
  const unit = sources[0]?.unit || '.';
  return { findings: [], diagnostics: [{ file: unit, level: 'error', message: `${reason}; none of the unit's ${sources.length} files was analysed` }], analysed: [] };
}

/** A diagnostic of a time limit: the result depends on the machine's speed, so it is not remembered. */
export function cutByTimeLimit(d: Diagnostic): boolean {
  return d.message.includes(FILE_LIMIT_NOTE) || d.message.includes(UNIT_LIMIT_NOTE);
}

function seconds(ms: number): string {
  return `${ms / 1000} s`;
}

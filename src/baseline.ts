/**
 * The baseline: the findings a codebase had when it adopted privlint, so that CI fails only on new ones.
 * `--write-baseline FILE` records them, `--baseline FILE` leaves them out of the report. Entries hold the parts of
 * their fingerprint (rule, file relative to the baseline's directory, function, code, occurrence), not line
 * numbers: inserted lines, reformatting and functions moved within their file do not change them.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { displayPath } from './files.js';
import { fingerprintOf, type FingerprintParts } from './fingerprint.js';
import type { Finding } from './rules/rule.js';

export class BaselineError extends Error {}

export interface BaselineEntry {
  ruleId: string;
  /** Relative to the baseline file's directory, `/`-separated. */
  file: string;
  function: string;
  code: string;
  occurrence: number;
}

export interface Baseline {
  file: string;
  entries: BaselineEntry[];
}

export interface BaselineSummary {
  file: string;
  /** Findings the baseline holds, left out of the report. */
  known: number;
  /** Baseline entries no finding matched: fixed, or changed beyond recognition. */
  unmatched: number;
}

const FORMAT = 'privlint-baseline';
const VERSION = 1;
const MAX_BASELINE_BYTES = 64 * 1024 * 1024;

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

function rebase(file: string, from: string, to: string): string {
  return toPosix(path.relative(to, path.resolve(from, file)));
}

function isEntry(e: unknown): e is BaselineEntry {
  if (typeof e !== 'object' || e === null) return false;
  const r = e as Record<string, unknown>;
  return ['ruleId', 'file', 'function', 'code'].every((k) => typeof r[k] === 'string') && Number.isInteger(r.occurrence);
}

export async function readBaseline(file: string): Promise<Baseline> {
  let text: string;
  try {
    const st = await fs.stat(file);
    if (st.size > MAX_BASELINE_BYTES) throw new BaselineError(`${file}: too large for a baseline (${st.size} bytes)`);
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if (e instanceof BaselineError) throw e;
    throw new BaselineError(`${file}: cannot read the baseline (${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file; create it with --write-baseline' : (e as Error).message})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new BaselineError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const d = data as { format?: unknown; version?: unknown; findings?: unknown };
  if (typeof data !== 'object' || data === null || d.format !== FORMAT) throw new BaselineError(`${file}: not a privlint baseline (write one with --write-baseline)`);
  if (d.version !== VERSION) throw new BaselineError(`${file}: baseline version ${String(d.version)} is not supported (this privlint writes version ${VERSION})`);
  if (!Array.isArray(d.findings)) throw new BaselineError(`${file}: "findings" must be a list`);
  const bad = d.findings.findIndex((e) => !isEntry(e));
  if (bad >= 0) throw new BaselineError(`${file}: findings[${bad}] must have ruleId, file, function, code (strings) and occurrence (a whole number)`);
  return { file, entries: d.findings as BaselineEntry[] };
}

/** The baseline text for these findings (sorted, so that rewriting an unchanged baseline changes nothing). */
export function baselineText(baselineFile: string, findings: readonly Finding[], parts: ReadonlyMap<Finding, FingerprintParts>, cwd: string): string {
  const dir = path.dirname(path.resolve(cwd, baselineFile));
  const entries = findings.flatMap((f) => {
    const p = parts.get(f);
    return p ? [{ ruleId: p.ruleId, file: rebase(p.file, cwd, dir), function: p.function, code: p.code, occurrence: p.occurrence }] : [];
  });
  const key = (e: BaselineEntry): string => JSON.stringify([e.file, e.ruleId, e.function, e.code, e.occurrence]);
  entries.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return `${JSON.stringify({ format: FORMAT, version: VERSION, tool: 'privlint', findings: entries }, null, 2)}\n`;
}

/** Findings split into new ones and those the baseline holds; entries that matched nothing are counted. */
export function matchBaseline(
  findings: readonly Finding[],
  parts: ReadonlyMap<Finding, FingerprintParts>,
  baseline: Baseline,
  cwd: string,
): { fresh: Finding[]; known: Finding[]; summary: BaselineSummary } {
  const dir = path.dirname(path.resolve(cwd, baseline.file));
  const remaining = new Map<string, number>();
  for (const e of baseline.entries) {
    const fp = fingerprintOf({ ...e, file: displayPath(path.resolve(dir, e.file), cwd) });
    remaining.set(fp, (remaining.get(fp) ?? 0) + 1);
  }
  const fresh: Finding[] = [];
  const known: Finding[] = [];
  for (const f of findings) {
    const p = parts.get(f);
    const fp = p && fingerprintOf(p);
    const left = fp === undefined ? 0 : (remaining.get(fp) ?? 0);
    if (left > 0) {
      remaining.set(fp!, left - 1);
      known.push(f);
    } else fresh.push(f);
  }
  const unmatched = [...remaining.values()].reduce((n, v) => n + v, 0);
  return { fresh, known, summary: { file: baseline.file, known: known.length, unmatched } };
}

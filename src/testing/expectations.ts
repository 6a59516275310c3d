/**
 * In-fixture expectations, Semgrep-style: `ruleid: <id>[, <id>]` in a comment on the line above code that must
 * be flagged, `ok: <id>` above code that must not be. Used by the test harness and the evaluation script.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { analyzePaths, type EngineOptions } from '../engine.js';
import { defaultConfig, type PrivlintConfig } from '../config.js';
import { CONFIG_FILES, parseConfig } from '../config-file.js';
import type { Finding } from '../rules/rule.js';
import { displayPath, languageOf } from '../files.js';

export interface Expectation {
  file: string;
  /** 1-based line the annotation points at. */
  line: number;
  ruleId: string;
  kind: 'ruleid' | 'ok';
}

const ANNOTATION = /(?:\/\*|\/\/)\s*(ruleid|ok)\s*:\s*([\w-]+(?:\s*,\s*[\w-]+)*)/;
const COMMENT_ONLY = /^\s*(?:\/\/.*|\/\*.*\*\/\s*)?$/;

export function parseExpectations(file: string, text: string): Expectation[] {
  const lines = text.split('\n');
  const out: Expectation[] = [];
  lines.forEach((line, i) => {
    const m = ANNOTATION.exec(line);
    if (!m) return;
    let target = i + 1;
    // An annotation alone on its line points at the next line of code; one at the end of code points at that line.
    if (COMMENT_ONLY.test(line)) {
      while (target < lines.length && COMMENT_ONLY.test(lines[target]!)) target++;
      target += 1;
    } else target = i + 1;
    for (const id of m[2]!.split(',').map((s) => s.trim())) out.push({ file, line: target, ruleId: id, kind: m[1] as 'ruleid' | 'ok' });
  });
  return out;
}

export interface UnitResult {
  unit: string;
  expected: Set<string>;
  actual: Set<string>;
  missing: string[];
  unexpected: string[];
  findings: Finding[];
  annotations: number;
}

export const key = (file: string, line: number, ruleId: string): string => `${file}:${line}:${ruleId}`;

/**
 * Fixture units: every source file is analysed alone, except inside a folder named `*.project`, which is
 * analysed whole (with its own privlint.json, if it has one). With `foldersAreProjects`, every folder that holds only files is one project.
 */
export async function fixtureUnits(root: string, foldersAreProjects = false): Promise<string[]> {
  const units: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        const inner = await fs.readdir(full, { withFileTypes: true });
        const holdsOnlyFiles = inner.some((i) => i.isFile() && languageOf(i.name)) && !inner.some((i) => i.isDirectory());
        if (e.name.endsWith('.project') || (foldersAreProjects && holdsOnlyFiles)) units.push(full);
        else await walk(full);
      } else if (languageOf(e.name)) units.push(full);
    }
  };
  await walk(root);
  return units;
}

/** The unit's source files: the file itself, or every one under the project's directory (its subdirectories too). */
async function sourceFiles(unit: string): Promise<string[]> {
  const st = await fs.stat(unit);
  if (!st.isDirectory()) return [unit];
  const entries = await fs.readdir(unit, { withFileTypes: true });
  const nested = await Promise.all(entries.filter((e) => e.isDirectory()).map((e) => sourceFiles(path.join(unit, e.name))));
  return [...entries.filter((e) => e.isFile() && languageOf(e.name)).map((e) => path.join(unit, e.name)), ...nested.flat()];
}

/** A `*.project` fixture's own privlint.json (its vocabulary, its program kind), else the defaults. */
async function unitConfig(unit: string): Promise<PrivlintConfig> {
  const file = path.join(unit, CONFIG_FILES[0]);
  const text = await fs.readFile(file, 'utf8').catch(() => undefined);
  return text === undefined ? defaultConfig() : parseConfig(JSON.parse(text), file);
}

/** Analyse one unit and compare with its annotations, for the given rules and every rule an annotation names. */
export async function checkUnit(unit: string, rules: Set<string>, cwd: string, options: EngineOptions = {}): Promise<UnitResult> {
  const files = await sourceFiles(unit);
  const expectations: Expectation[] = [];
  for (const f of files) expectations.push(...parseExpectations(displayPath(f, cwd), await fs.readFile(f, 'utf8')));
  // Every rule runs (the strict set); only the rules asked about are compared.
  const result = await analyzePaths([path.relative(cwd, unit)], { ...(await unitConfig(unit)), ruleSet: 'strict' }, cwd, options);
  // A rule an annotation names is asserted exactly in that unit too: an annotation is never left unchecked.
  const asked = new Set([...rules, ...expectations.map((e) => e.ruleId)]);
  const findings = result.findings.filter((f) => asked.has(f.ruleId));
  const expected = new Set(expectations.filter((e) => e.kind === 'ruleid' && asked.has(e.ruleId)).map((e) => key(e.file, e.line, e.ruleId)));
  const actual = new Set(findings.map((f) => key(f.loc.file, f.loc.line, f.ruleId)));
  return {
    unit: path.relative(cwd, unit),
    expected,
    actual,
    missing: [...expected].filter((k) => !actual.has(k)),
    unexpected: [...actual].filter((k) => !expected.has(k)),
    findings,
    annotations: expectations.length,
  };
}

/**
 * Fuzzing the whole pipeline (read → parse → analyse → suppress → baseline → report) with mutations of the
 * fixtures: tokens deleted and duplicated, bytes flipped, text truncated, deep nesting, stray suppression comments.
 * Deterministic for a seed. Used by test/fuzz.test.ts (bounded, in CI) and scripts/fuzz.mjs (long runs).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { defaultConfig } from '../config.js';
import { analyzeSources, type SourceFile } from '../engine.js';
import { languageOf } from '../files.js';
import { finishAnalysis } from '../outcome.js';
import { formatJson } from '../report/json.js';
import { toSarif } from '../report/sarif.js';
import { RULES } from '../rules/index.js';

/** mulberry32: a small, fast, seedable generator. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;

const int = (next: Random, n: number): number => Math.floor(next() * n);

/** Tokens: words, numbers, single punctuation, runs of space. */
function tokens(text: string): string[] {
  return text.match(/[A-Za-z_$][\w$]*|\d+|\s+|[^\w\s]/g) ?? [];
}

function deleteTokens(text: string, next: Random): string {
  const t = tokens(text);
  for (let k = 1 + int(next, 4); k > 0 && t.length; k--) t.splice(int(next, t.length), 1 + int(next, 3));
  return t.join('');
}

function duplicateTokens(text: string, next: Random): string {
  const t = tokens(text);
  if (!t.length) return text;
  const i = int(next, t.length);
  const run = t.slice(i, i + 1 + int(next, 12));
  t.splice(int(next, t.length), 0, ...run);
  return t.join('');
}

function flipBytes(text: string, next: Random): string {
  const bytes = Buffer.from(text, 'utf8');
  if (!bytes.length) return text;
  for (let k = 1 + int(next, 8); k > 0; k--) bytes[int(next, bytes.length)] ^= 1 << int(next, 8);
  return new TextDecoder('utf-8').decode(bytes); // invalid sequences become U+FFFD, as a lenient editor would
}

function truncate(text: string, next: Random): string {
  return text.slice(0, int(next, text.length + 1));
}

function deepNesting(text: string, next: Random): string {
  const depth = 50 + int(next, 3000);
  const at = int(next, text.length + 1);
  const [open, close] = [
    ['{ ', ' }'],
    ['if (x) { ', ' }'],
    ['(', ')'],
    ['[', ']'],
    ['/*', '*/'],
  ][int(next, 5)]!;
  const closed = next() < 0.7;
  return `${text.slice(0, at)}${open.repeat(depth)}setuid(0);${closed ? close.repeat(depth) : ''}${text.slice(at)}`;
}

function strayDirective(text: string, next: Random): string {
  const lines = text.split('\n');
  const kinds = ['disable-next-line', 'disable-line', 'disable', 'enable', 'disable-nextline'];
  const ids = [...RULES.map((r) => r.id), 'unchecked-retrun', '', 'privlint/unchecked-return'];
  const reason = ['', ' -- reviewed', ' --', ' -- ' + '-- '.repeat(int(next, 4))][int(next, 4)];
  const comment = next() < 0.5 ? `/* privlint-${kinds[int(next, kinds.length)]} ${ids[int(next, ids.length)]}${reason} */` : `// privlint-${kinds[int(next, kinds.length)]} ${ids[int(next, ids.length)]}${reason}`;
  lines.splice(int(next, lines.length + 1), 0, comment);
  return lines.join('\n');
}

export const MUTATIONS = { deleteTokens, duplicateTokens, flipBytes, truncate, deepNesting, strayDirective } as const;
export type MutationName = keyof typeof MUTATIONS;

export interface FuzzInput {
  index: number;
  /** The mutations applied, in order. */
  mutations: MutationName[];
  sources: SourceFile[];
}

/** The fixture files: every C and TS/JS file under `dir`, as sources (paths relative to `dir`). */
export async function fixtureSources(dir: string): Promise<SourceFile[]> {
  const out: SourceFile[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of (await fs.readdir(d, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) await walk(full);
      else if (languageOf(full)) out.push({ path: path.relative(dir, full).split(path.sep).join('/'), text: await fs.readFile(full, 'utf8') });
    }
  };
  await walk(dir);
  return out;
}

/** The `index`-th input of the campaign `seed`: one or two fixtures, mutated one to three times. */
export function fuzzInput(fixtures: readonly SourceFile[], seed: number, index: number): FuzzInput {
  const next = seededRandom((seed * 1_000_003 + index) >>> 0);
  const names = Object.keys(MUTATIONS) as MutationName[];
  const picked = [fixtures[int(next, fixtures.length)]!, ...(next() < 0.3 ? [fixtures[int(next, fixtures.length)]!] : [])];
  const mutations: MutationName[] = [];
  const sources = picked.map((src, i) => {
    let text = src.text;
    for (let k = 1 + int(next, 3); k > 0; k--) {
      const m = names[int(next, names.length)]!;
      mutations.push(m);
      text = MUTATIONS[m](text, next);
    }
    return { path: `${i}-${path.basename(src.path)}`, text };
  });
  return { index, mutations, sources: sources.filter((s, i) => sources.findIndex((o) => o.path === s.path) === i) };
}

/** Everything a run would print for these sources (JSON and SARIF), with unused suppressions reported. */
export async function reportsFor(sources: SourceFile[]): Promise<string> {
  const config = { ...defaultConfig(), ruleSet: 'strict' as const };
  const outcome = finishAnalysis(await analyzeSources(sources, config), sources, { config, cwd: process.cwd(), reportUnusedSuppressions: true });
  const lines = (file: string): string[] | undefined => sources.find((s) => s.path === file)?.text.split('\n');
  return `${formatJson(outcome)}${JSON.stringify(toSarif(outcome, { version: '0', helpBase: 'https://example.invalid/', lines }))}`;
}

/** What went wrong with one input, or undefined: an exception, an internal error, or two runs that differ. */
export async function checkInput(input: FuzzInput): Promise<string | undefined> {
  let first: string;
  try {
    first = await reportsFor(input.sources);
  } catch (e) {
    return `threw: ${(e as Error).stack ?? String(e)}`;
  }
  const internal = /internal error[^"]*/.exec(first);
  if (internal) return `internal error diagnostic: ${internal[0]}`;
  const second = await reportsFor(input.sources);
  if (second !== first) return 'two runs over the same input gave different reports';
  return undefined;
}

/**
 * A bounded, fixed-seed fuzz campaign over mutated fixtures (token deletion and duplication, byte flips,
 * truncation, deep nesting, stray suppression comments): no exception, no internal error, no hang, and the same
 * reports twice. About 20 s; `node scripts/fuzz.mjs` runs long campaigns.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build, run } from './cli-helpers.js';
import { commentsOf } from '../src/comments.js';
import { checkInput, fixtureSources, fuzzInput, MUTATIONS, seededRandom } from '../src/testing/fuzz.js';

const SEED = 20240601;
const INPUTS = 200;
/** One input may take this long (both runs); the slowest take about 1 s here. */
const PER_INPUT_MS = 15_000;

describe('fuzzing', () => {
  it(`${INPUTS} mutated inputs: no crash, no internal error, no hang, identical reports across runs`, async () => {
    const fixtures = await fixtureSources(path.resolve(__dirname, '..', 'fixtures'));
    expect(fixtures.length).toBeGreaterThan(50);
    const failures: string[] = [];
    const used = new Set<string>();
    for (let i = 0; i < INPUTS; i++) {
      const input = fuzzInput(fixtures, SEED, i);
      for (const m of input.mutations) used.add(m);
      const started = Date.now();
      const problem = await checkInput(input);
      const ms = Date.now() - started;
      if (problem) failures.push(`input ${i} (${input.mutations.join(' + ')}): ${problem.split('\n')[0]}`);
      if (ms > PER_INPUT_MS) failures.push(`input ${i} (${input.mutations.join(' + ')}): took ${ms} ms`);
    }
    expect(failures).toEqual([]);
    expect([...used].sort()).toEqual(Object.keys(MUTATIONS).sort());
  }, 120_000);

  it('mutated inputs as separate projects give byte-identical SARIF with --jobs 1, 2 and 3', async () => {
    build();
    const fixtures = await fixtureSources(path.resolve(__dirname, '..', 'fixtures'));
    const dir = mkdtempSync(path.join(tmpdir(), 'privlint-fuzz-jobs-'));
    for (let i = 0; i < 40; i++) {
      const unit = path.join(dir, `p${i}`);
      mkdirSync(unit);
      writeFileSync(path.join(unit, 'Makefile'), 'all:\n');
      for (const src of fuzzInput(fixtures, SEED + 1, i).sources) writeFileSync(path.join(unit, src.path), src.text);
    }
    const sarif = ['1', '2', '3'].map((jobs) => {
      const r = run(['.', '-f', 'sarif', '-o', `jobs${jobs}.sarif`, '--rules', 'strict', '--jobs', jobs], dir);
      expect([0, 1], r.stderr).toContain(r.status);
      return readFileSync(path.join(dir, `jobs${jobs}.sarif`), 'utf8');
    });
    expect(JSON.parse(sarif[0]!).runs[0].results.length).toBeGreaterThan(10);
    expect(sarif[1]).toBe(sarif[0]);
    expect(sarif[2]).toBe(sarif[0]);
  }, 120_000);

  it('the same seed gives the same inputs', async () => {
    const fixtures = await fixtureSources(path.resolve(__dirname, '..', 'fixtures'));
    expect(fuzzInput(fixtures, 5, 17)).toEqual(fuzzInput(fixtures, 5, 17));
    expect(fuzzInput(fixtures, 5, 17)).not.toEqual(fuzzInput(fixtures, 5, 18));
  });

  it('the comment lexer takes any text', () => {
    const next = seededRandom(99);
    const alphabet = ['/', '*', '"', "'", '`', '$', '{', '}', '\\', '\n', 'a', ' ', '[', ']', '(', ')', '=', 'privlint-disable '];
    for (let i = 0; i < 2000; i++) {
      const text = Array.from({ length: Math.floor(next() * 80) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
      for (const lang of ['c', 'node'] as const) {
        const comments = commentsOf(text, lang);
        for (const c of comments) {
          expect(c.line).toBeGreaterThanOrEqual(1);
          expect(c.endLine).toBeGreaterThanOrEqual(c.line);
          expect(text).toContain(c.body);
        }
      }
    }
  });
});

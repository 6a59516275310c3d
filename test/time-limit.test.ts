/** Time limits: deadlines, what a file or a unit over its limit gives, and that a cut result is not remembered. */
import { afterEach, describe, expect, it } from 'vitest';
import { analyzeUnit, type SourceFile, type UnitResult } from '../src/engine.js';
import { defaultConfig } from '../src/config.js';
import { InputLimitError } from '../src/parser.js';
import { analysisWithin, checkTime, cutByTimeLimit, leavingOutWhatOverruns, modelWithin, TimeLimitError, UnitLimitError, withDeadline } from '../src/time-limit.js';
import { slowToAnalyse } from './cli-helpers.js';

const PAST = 0;
const spin = (): never => {
  for (;;) checkTime();
};

afterEach(() => {
  delete process.env.PRIVLINT_UNIT_TIME_LIMIT_MS;
  delete process.env.PRIVLINT_FILE_TIME_LIMIT_MS;
});

describe('time limits', () => {
  it('stop work past its deadline, and only inside it; an inner deadline never outlasts the outer one', () => {
    expect(() => withDeadline(PAST, spin)).toThrow(TimeLimitError);
    for (let i = 0; i < 1000; i++) checkTime(); // no deadline outside
    expect(withDeadline(Date.now() + 60_000, () => 42)).toBe(42);
    expect(() => withDeadline(PAST, () => withDeadline(Date.now() + 60_000, spin))).toThrow(TimeLimitError);
  });

  it('make a file over its limit an input error naming the limit', () => {
    process.env.PRIVLINT_FILE_TIME_LIMIT_MS = '1500';
    expect(() => modelWithin(PAST, spin)).toThrow(new InputLimitError('reading this file (parsing it and building its model) took longer than 1.5 s, the limit for one file (PRIVLINT_FILE_TIME_LIMIT_MS); skipped'));
    expect(() => modelWithin(PAST, () => { throw new Error('other'); })).toThrow('other');
  });

  it('make a unit over its limit, or out of stack, an error blaming a file; other errors pass', () => {
    const blame = (): { path: string; why: string } => ({ path: 'big.c', why: 'the largest' });
    const timeOut = (() => { try { analysisWithin(PAST, blame, spin); } catch (e) { return e; } })() as UnitLimitError;
    expect(timeOut).toBeInstanceOf(UnitLimitError);
    expect(timeOut.culprit).toEqual(blame());
    const deep = (n: number): number => deep(n + 1) + 1;
    expect(() => analysisWithin(Date.now() + 60_000, blame, () => deep(0))).toThrow(UnitLimitError);
    expect(() => analysisWithin(Date.now() + 60_000, blame, () => { throw new RangeError('Invalid array length'); })).toThrow(RangeError);
  });

  it('analyse a unit again without the blamed file, once', async () => {
    const sources: SourceFile[] = ['a.c', 'big.c', 'z.c'].map((path) => ({ path, text: '', unit: 'proj' }));
    const stop = new UnitLimitError('analysing took too long', { path: 'big.c', why: 'the largest' });
    const seen: string[][] = [];
    const result = await leavingOutWhatOverruns(sources, async (kept) => {
      seen.push(kept.map((s) => s.path));
      if (kept.length === 3) throw stop;
      return { findings: [], diagnostics: [], analysed: kept.map((s) => s.path) };
    });
    expect(seen).toEqual([['a.c', 'big.c', 'z.c'], ['a.c', 'z.c']]);
    expect(result.analysed).toEqual(['a.c', 'z.c']);
    expect(result.diagnostics).toEqual([{ file: 'big.c', level: 'error', message: 'analysing took too long; this file, the largest, was left out and the others were analysed without it' }]);
    const never = await leavingOutWhatOverruns(sources, async () => { throw stop; });
    expect(never).toEqual({ findings: [], analysed: [], diagnostics: [{ file: 'proj', level: 'error', message: "analysing took too long, even without big.c; none of the unit's 3 files was analysed" }] });
  });

  it('leave a result cut by a limit out of the cache', async () => {
    process.env.PRIVLINT_UNIT_TIME_LIMIT_MS = '300';
    const stored: UnitResult[] = [];
    const store = { getModel: () => undefined, setModel: () => {}, getResult: () => undefined, setResult: (_: string, r: UnitResult) => void stored.push(r) };
    const cut = await analyzeUnit([{ path: 'slow.c', text: slowToAnalyse('f') }], defaultConfig(), { store });
    expect(cut.diagnostics.map((d) => d.message)).toEqual([expect.stringMatching(/took longer than 0\.3 s, the limit for one unit/)]);
    expect(cut.diagnostics.every(cutByTimeLimit)).toBe(true);
    expect(stored).toEqual([]);
    const whole = await analyzeUnit([{ path: 'ok.c', text: 'int main(void) { return 0; }\n' }], defaultConfig(), { store });
    // stored under the key of its texts and under the key of what the analysis read from them (engine.ts, UnitInputs)
    expect(stored).toEqual([whole, whole]);
  });
});

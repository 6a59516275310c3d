/**
 * Deferred sources (`loadSources(…, { deferTexts: true })`, what the CLI and the Action use): every file is read and
 * checked once, no text is kept, and each unit's texts are read again as it is analysed. The findings are those of
 * the sources read whole; a file gone before its unit is analysed costs only itself, with a diagnostic.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { analyzeSources, loadSources } from '../src/engine.js';
import { defaultConfig } from '../src/config.js';
import { finishAnalysis } from '../src/outcome.js';
import { contentDigest } from '../src/engine/cache.js';

const UNCHECKED = '#include <unistd.h>\nint main(void) { setgid(100); if (setuid(100) != 0) return 1; return 0; }\n';
const SUPPRESSED = '#include <unistd.h>\nint main(void) {\n\tsetgid(100); /* privlint-disable-line unchecked-return -- test */\n\tif (setuid(100) != 0) return 1;\n\treturn 0;\n}\n';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Two units (each a folder with a Makefile), each with a file that has a finding. */
function twoUnits(): string {
  dir = mkdtempSync(path.join(tmpdir(), 'privlint-deferred-'));
  for (const [unit, text] of [['a', UNCHECKED], ['b', SUPPRESSED]] as const) {
    mkdirSync(path.join(dir, unit));
    writeFileSync(path.join(dir, unit, 'Makefile'), 'all:\n');
    writeFileSync(path.join(dir, unit, 'main.c'), text);
  }
  return dir;
}

describe('deferred sources', () => {
  it('keep no text: the size and whether a directive is named are known, the text is read from disk when asked for', async () => {
    const root = twoUnits();
    const { sources } = await loadSources([root], defaultConfig(), root, { deferTexts: true });
    const a = sources.find((s) => s.path === 'a/main.c')!;
    const b = sources.find((s) => s.path === 'b/main.c')!;
    expect(Object.getOwnPropertyDescriptor(a, 'text')?.get).toBeTypeOf('function');
    expect([a.size, a.directives, b.directives]).toEqual([UNCHECKED.length, false, true]);
    writeFileSync(path.join(root, 'a', 'main.c'), `${UNCHECKED}/* changed */\n`);
    expect(a.text).toBe(`${UNCHECKED}/* changed */\n`);
  });

  it('give the findings, suppressions and fingerprints of the same sources read whole', async () => {
    const root = twoUnits();
    const config = defaultConfig();
    const outcome = async (deferTexts: boolean): Promise<unknown> => {
      const { sources } = await loadSources([root], config, root, { deferTexts });
      const result = await analyzeSources(sources, config);
      const o = finishAnalysis(result, sources, { config, cwd: root, reportUnusedSuppressions: true });
      return { findings: o.findings.map((f) => [f.ruleId, f.loc.file, f.loc.line]), suppressed: o.suppressed.map((s) => s.finding.loc.file), fingerprints: [...o.fingerprints.values()] };
    };
    const whole = await outcome(false);
    expect(whole).toMatchObject({ findings: expect.arrayContaining([['unchecked-return', 'a/main.c', 2]]), suppressed: ['b/main.c'] });
    expect(await outcome(true)).toEqual(whole);
  });

  it('a file gone before its unit is analysed gives a diagnostic; the other units are still analysed', async () => {
    const root = twoUnits();
    const config = defaultConfig();
    const { sources } = await loadSources([root], config, root, { deferTexts: true });
    rmSync(path.join(root, 'b', 'main.c'));
    const result = await analyzeSources(sources, config);
    expect(new Set(result.findings.map((f) => f.loc.file))).toEqual(new Set(['a/main.c']));
    expect(result.diagnostics).toEqual([expect.objectContaining({ file: 'b/main.c', level: 'error', message: expect.stringMatching(/^cannot be read again: no longer exists/) })]);
  });

  it.each([1, 2])('a unit whose stored result matches the digests it was loaded with is not read again (--jobs %i)', async (jobs) => {
    const root = twoUnits();
    const config = defaultConfig();
    const cacheLocation = path.join(root, '.cache');
    const first = await analyzeSources((await loadSources([root], config, root, { deferTexts: true })).sources, config, { jobs, cacheLocation });
    expect(new Set(first.findings.map((f) => f.loc.file))).toEqual(new Set(['a/main.c', 'b/main.c']));
    // Loaded as it was stored, then gone: its stored result stands, as if it had been read before it went.
    const { sources } = await loadSources([root], config, root, { deferTexts: true });
    rmSync(path.join(root, 'b', 'main.c'));
    expect(await analyzeSources(sources, config, { jobs, cacheLocation })).toEqual(first);
    // Loaded changed: analysed again (and read again, so its removal now shows).
    writeFileSync(path.join(root, 'b', 'main.c'), UNCHECKED);
    const changed = (await loadSources([root], config, root, { deferTexts: true })).sources;
    rmSync(path.join(root, 'b', 'main.c'));
    const again = await analyzeSources(changed, config, { jobs, cacheLocation });
    expect(again.diagnostics).toEqual([expect.objectContaining({ file: 'b/main.c', message: expect.stringMatching(/^cannot be read again/) })]);
  });

  it('files read one after another into one buffer each keep their own size, digest and text, large before small and small before large', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'privlint-deferred-'));
    // Sizes around the buffer's first size (64 KiB) and past it, in the order the walk reads them (by name).
    const contents = [5, 70_000, 300, 200_000, 65_536, 65_535, 0].map((n, i) => `/* ${i} */\n${'x'.repeat(n)}\nint f${i}(void) { return ${i}; }\n`);
    contents.forEach((text, i) => writeFileSync(path.join(dir!, `f${i}.c`), text));
    const { sources } = await loadSources([dir], defaultConfig(), dir, { deferTexts: true });
    expect(sources.map((s) => s.path)).toEqual(contents.map((_, i) => `f${i}.c`));
    sources.forEach((s, i) => {
      expect(s.size).toBe(Buffer.byteLength(contents[i]!));
      expect(s.digest).toBe(contentDigest(contents[i]!));
      expect(s.text).toBe(contents[i]);
    });
    const whole = await loadSources([dir], defaultConfig(), dir);
    expect(whole.sources.map((s) => s.text)).toEqual(contents);
  });
});

/** One answer only: --jobs, --cache and --shard + merge give the SARIF a plain run gives. */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { build, root, run } from './cli-helpers.js';

/** Three programs in three units (C, C and Node), from the fixtures. */
function threeUnits(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'privlint-scale-'));
  const units: [string, string][] = [
    ['daemon', 'fixtures/c/drop-after-input'],
    ['jail', 'fixtures/c/chroot-without-chdir'],
    ['service', 'fixtures/js/drop-after-input'],
  ];
  for (const [name, from] of units) {
    cpSync(path.join(root, from), path.join(dir, name), { recursive: true });
    writeFileSync(path.join(dir, name, name === 'service' ? 'package.json' : 'Makefile'), name === 'service' ? '{"name":"service"}\n' : 'all:\n');
  }
  return dir;
}

describe('scale options give one answer', () => {
  let dir: string;
  let plain: string;
  beforeAll(() => {
    build();
    dir = threeUnits();
    const r = run(['.', '-f', 'sarif', '-o', 'plain.sarif', '--jobs', '1'], dir);
    expect(r.status, r.stderr).toBe(1);
    plain = readFileSync(path.join(dir, 'plain.sarif'), 'utf8');
    expect(JSON.parse(plain).runs[0].results.length).toBeGreaterThan(10);
  });

  it('--jobs 2 and --jobs 3 write byte-identical SARIF', () => {
    for (const jobs of ['2', '3']) {
      const r = run(['.', '-f', 'sarif', '-o', `jobs${jobs}.sarif`, '--jobs', jobs], dir);
      expect(r.status, r.stderr).toBe(1);
      expect(readFileSync(path.join(dir, `jobs${jobs}.sarif`), 'utf8')).toBe(plain);
    }
  });

  it('PRIVLINT_PREFILTER=off parses every file whole and writes the same SARIF', () => {
    const r = run(['.', '-f', 'sarif', '-o', 'whole.sarif', '--jobs', '1'], dir, { PRIVLINT_PREFILTER: 'off', PRIVLINT_TIMING: '1' });
    expect(r.status, r.stderr).toBe(1);
    expect(readFileSync(path.join(dir, 'whole.sarif'), 'utf8')).toBe(plain);
    // The index reports what the selection kept: nothing is selected when every file is parsed whole.
    const kept = (stderr: string): string[] => [...stderr.matchAll(/to parse, (\d+) of (\d+) functions/g)].map((m) => `${m[1]}/${m[2]}`);
    expect(kept(r.stderr).length).toBeGreaterThan(0);
    expect(kept(r.stderr).every((k) => k === '0/0')).toBe(true);
    const selected = run(['.', '-f', 'json', '--jobs', '1'], dir, { PRIVLINT_TIMING: '1' });
    expect(kept(selected.stderr).some((k) => k !== '0/0')).toBe(true);
  });

  it('the shards merged are the unsharded run', () => {
    const shards = ['1/3', '2/3', '3/3'].map((k, i) => {
      const r = run(['.', '-f', 'sarif', '-o', `shard${i}.sarif`, '--shard', k], dir);
      expect([0, 1]).toContain(r.status);
      return `shard${i}.sarif`;
    });
    const sizes = shards.map((s) => JSON.parse(readFileSync(path.join(dir, s), 'utf8')).runs[0].results.length);
    expect(sizes.filter((n) => n > 0).length).toBeGreaterThan(1); // the work was really split
    const merged = run(['merge', ...shards, '-o', 'merged.sarif'], dir);
    expect(merged.status, merged.stderr).toBe(1);
    expect(readFileSync(path.join(dir, 'merged.sarif'), 'utf8')).toBe(plain);
  });

  it('a cached run, cold then warm, writes the same SARIF', () => {
    for (const pass of ['cold', 'warm']) {
      const r = run(['.', '-f', 'sarif', '-o', `${pass}.sarif`, '--cache', '--cache-location', '.cache'], dir);
      expect(r.status, r.stderr).toBe(1);
      expect(readFileSync(path.join(dir, `${pass}.sarif`), 'utf8')).toBe(plain);
    }
  });

  it('rejects a malformed shard and a bad job count', () => {
    expect(run(['.', '--shard', '4/3'], dir).status).toBe(2);
    expect(run(['.', '--jobs', '0'], dir).status).toBe(2);
  });
});

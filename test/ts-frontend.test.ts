/** The Node front-end as users meet it: fixtures for every rule, mixed C and TS/JS trees, files that do not parse. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config.js';
import { analyzeSources } from '../src/engine.js';
import { RULES } from '../src/rules/index.js';

const root = path.resolve(__dirname, '..');
const bin = path.join(root, 'bin', 'privlint.js');
/** chroot-without-chdir cannot be broken in Node: posix.chroot and the chroot module change into the jail themselves. */
const NO_BAD_CASE = new Set(['chroot-without-chdir']);

beforeAll(() => {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root, stdio: 'ignore' });
});

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'privlint-node-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

const C_BAD = `#include <unistd.h>
int main(void) { setgid(100); if (setuid(100) != 0) return 1; return 0; }
`;
const JS_BAD = `const http = require('http');
http.createServer((req, res) => res.end('ok')).listen(80, () => {
  process.setgid('nogroup');
  process.setuid('nobody');
});
`;
const TS_BAD = `export function drop(uid: number): void {
  process.setgroups([uid]);
  try { process.setuid(uid); } catch {}
  console.log('dropped');
}
`;

describe('Node front-end', () => {
  it('has TS and JS fixtures for every rule: bad (where Node can get it wrong), good and idioms', () => {
    for (const lang of ['ts', 'js']) {
      for (const rule of RULES) {
        const dir = path.join(root, 'fixtures', lang, rule.id);
        const kinds = existsSync(dir) ? readdirSync(dir).map((f) => f.replace(/\..*$/, '')) : [];
        const wanted = NO_BAD_CASE.has(rule.id) ? ['good', 'idioms'] : ['bad', 'good', 'idioms'];
        for (const kind of wanted) expect(kinds, `${lang}/${rule.id}/${kind}`).toContain(kind);
      }
    }
  });

  it('reports C and TS/JS findings of one mixed tree together, in text, json and sarif', () => {
    const dir = tree({ 'native/drop.c': C_BAD, 'server/index.js': JS_BAD, 'lib/drop.ts': TS_BAD });
    const run = (format: string): string => spawnSync(process.execPath, [bin, '-f', format, '.'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } }).stdout;
    const text = run('text');
    expect(text).toMatch(/native\/drop\.c:2:\d+: error: .*\[missing-setgroups\]/);
    expect(text).toMatch(/server\/index\.js:4:3: error: .*\[missing-setgroups\]/);
    expect(text).toMatch(/lib\/drop\.ts:3:9: error: .*\[unchecked-return\]/);
    const json = JSON.parse(run('json')) as { findings: { ruleId: string; file: string }[] };
    expect(new Set(json.findings.map((f) => f.file))).toEqual(new Set(['native/drop.c', 'server/index.js', 'lib/drop.ts']));
    const sarif = JSON.parse(run('sarif')) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    const uris = new Set(sarif.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri));
    expect(uris).toEqual(new Set(['native/drop.c', 'server/index.js', 'lib/drop.ts']));
  });

  it('reports a TS/JS file that does not parse and still analyses the others', async () => {
    const result = await analyzeSources([
      { path: 'broken.js', text: 'function drop( {\n  process.setuid(1000\n' },
      { path: 'ok.js', text: JS_BAD },
    ]);
    expect(result.diagnostics).toContainEqual(expect.objectContaining({ file: 'broken.js', level: 'warning', message: expect.stringMatching(/syntax error/) }));
    expect(result.findings.map((f) => `${f.loc.file}:${f.loc.line}:${f.ruleId}`)).toContain('ok.js:4:missing-setgroups');
  });

  it('says in Node terms why a swallowed failure is unchecked: the call throws, the catch lets the code go on', async () => {
    const result = await analyzeSources([{ path: 'lib/drop.ts', text: TS_BAD }]);
    const messages = result.findings.filter((f) => f.ruleId === 'unchecked-return').map((f) => f.message);
    expect(messages).toEqual([expect.stringContaining('process.setuid(uid): when it throws, the catch swallows the error and the function returns as if it had succeeded')]);
    expect(messages[0]).not.toMatch(/failure branch|return an error/);
  });

  it('writes the fix with the code\'s own process.initgroups() user', async () => {
    const text = `const user = '_svc';\nfunction serve() {}\nprocess.initgroups(user, user);\nprocess.setuid(user);\nserve();\n`;
    const result = await analyzeSources([{ path: 'd.js', text }]);
    const finding = result.findings.find((f) => f.ruleId === 'missing-setgid');
    expect(finding?.loc.line).toBe(4);
    expect(finding?.fix).toContain('process.initgroups(user, gid);');
  });

  it('tells names bound to the process apart from project functions of the same name', async () => {
    const result = await analyzeSources([
      { path: 'a.js', text: `function setuid(u) { console.log(u); }\nsetuid(0);\nprocess.setgid(5);\n` },
    ]);
    expect(result.findings).toEqual([]);
  });

  // (A daemon reading its environment before it drops: drop-after-input is a note of the strict set.)
  it('follows an imported drop helper and knows the importing module is the entry', async () => {
    const result = await analyzeSources([
      { path: 'app/main.mjs', text: `import { drop } from './priv.mjs';\nconst user = process.env.APP_USER;\ndrop(user);\n` },
      { path: 'app/priv.mjs', text: `export function drop(u) {\n  process.initgroups(u, u);\n  process.setgid(u);\n  process.setuid(u);\n}\n` },
    ], { ...defaultConfig(), ruleSet: 'strict' });
    expect(result.findings.map((f) => `${f.loc.file}:${f.loc.line}:${f.ruleId}`)).toEqual(['app/priv.mjs:4:drop-after-input', 'app/priv.mjs:4:unverified-drop']);
  });
});

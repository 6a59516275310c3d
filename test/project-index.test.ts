/** The project index: one file's findings judged against the current texts of the rest of its project. */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzePaths } from '../src/engine.js';
import { findProjectRoot, ProjectIndex } from '../src/project-index.js';

const fixtureProject = path.resolve(__dirname, '../fixtures/c/drop-after-input/three-files.project');

function copyOfFixture(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'privlint-index-'));
  cpSync(fixtureProject, dir, { recursive: true });
  writeFileSync(path.join(dir, 'Makefile'), 'all:\n');
  return dir;
}

const summary = (r: { findings: { ruleId: string; loc: { file: string; line: number } }[] }): string[] => r.findings.map((f) => `${f.loc.file}:${f.loc.line} ${f.ruleId}`);

describe('findProjectRoot', () => {
  it('is the nearest folder with a project marker', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'privlint-root-'));
    mkdirSync(path.join(dir, 'src', 'lib'), { recursive: true });
    writeFileSync(path.join(dir, 'package.json'), '{}');
    expect(await findProjectRoot(path.join(dir, 'src', 'lib', 'a.c'))).toBe(dir);
    writeFileSync(path.join(dir, 'src', 'meson.build'), '');
    expect(await findProjectRoot(path.join(dir, 'src', 'lib', 'a.c'))).toBe(path.join(dir, 'src'));
  });

  it("is the file's own folder when no folder above has a marker", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'privlint-root-'));
    const markersAbove = (d: string): boolean =>
      ['package.json', '.git', 'configure.ac', 'CMakeLists.txt', 'Makefile', 'meson.build', 'privlint.json'].some((m) => existsSync(path.join(d, m))) || (path.dirname(d) !== d && markersAbove(path.dirname(d)));
    if (markersAbove(dir)) return; // this machine's temporary folder lies inside a project: nothing to show here
    expect(await findProjectRoot(path.join(dir, 'a.c'))).toBe(dir);
  });
});

describe('ProjectIndex', () => {
  it('gives the findings of the file, as the CLI run in the project root gives them', async () => {
    const dir = copyOfFixture();
    const index = await ProjectIndex.forFile(path.join(dir, 'drop.c'));
    expect(index.root).toBe(dir);
    const drop = await index.update(path.join(dir, 'drop.c'), readFileSync(path.join(dir, 'drop.c'), 'utf8'));
    const cli = await analyzePaths(['.'], undefined, dir);
    expect(summary(drop)).toEqual(summary(cli).filter((s) => s.startsWith('drop.c:')));
    expect(summary(drop)).toContain('drop.c:18 drop-after-input');
    expect(await ProjectIndex.forFile(path.join(dir, 'main.c'))).toBe(index); // one index per project
  });

  it('judges a file against the current buffers of the other files', async () => {
    const dir = copyOfFixture();
    const index = await ProjectIndex.forFile(path.join(dir, 'main.c'));
    const mainText = readFileSync(path.join(dir, 'main.c'), 'utf8');
    const dropText = readFileSync(path.join(dir, 'drop.c'), 'utf8');
    // main.c, edited in the editor (not saved): drop first, then parse the options
    const dropFirst = mainText.replace('\tparse_options(argc, argv, &s);\n', '').replace('\tdrop_privileges(s.user);\n', '\tdrop_privileges("_svc");\n\tparse_options(argc, argv, &s);\n');
    await index.update(path.join(dir, 'main.c'), dropFirst);
    expect(summary(await index.update(path.join(dir, 'drop.c'), dropText))).not.toContain('drop.c:18 drop-after-input');
    // the buffer goes back to what is on disk
    await index.update(path.join(dir, 'main.c'), mainText);
    expect(summary(await index.update(path.join(dir, 'drop.c'), dropText))).toContain('drop.c:18 drop-after-input');
  });

  it('takes in a file that is not on disk yet, and names files relative to the root', async () => {
    const dir = copyOfFixture();
    const index = await ProjectIndex.forFile(path.join(dir, 'extra.c'));
    const result = await index.update(path.join(dir, 'extra.c'), '#include <unistd.h>\nvoid again(void) { (void)setuid(0); (void)setgid(1000); }\n');
    expect(summary(result)).toEqual(['extra.c:2 unchecked-return']);
  });

  it('answers again from its cache for texts it has analysed', async () => {
    const dir = copyOfFixture();
    const index = await ProjectIndex.forFile(path.join(dir, 'main.c'));
    const text = readFileSync(path.join(dir, 'drop.c'), 'utf8');
    const first = await index.update(path.join(dir, 'drop.c'), text);
    await index.update(path.join(dir, 'drop.c'), `${text}\n`);
    const again = await index.update(path.join(dir, 'drop.c'), text);
    expect(again.findings[0]).toBe(first.findings[0]); // the same objects: nothing was analysed again
  });
});

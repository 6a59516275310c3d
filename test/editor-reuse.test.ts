/**
 * What the editor's host reuses from one edit to the next must never be stale: C function models kept between
 * analyses of a file, unit results found by what the analysis reads, and the ESLint plugin's answers given without
 * the engine. Each step is compared with a fresh analysis of the same texts.
 */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ESLint } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/config.js';
import { analyzePaths } from '../src/engine.js';
import { ProjectIndex } from '../src/project-index.js';
import { functionMemoryStats } from '../src/c/function-models.js';
import { analyzeCFile } from '../src/c/frontend.js';
import { rememberTrees } from '../src/parser.js';
import plugin from '../lib/eslint/plugin.js';
import { engineWaits, stopEngineThread } from '../lib/eslint/sync-engine.js';
import { projectFolder } from './eslint-helpers.js';

const strict = { ...defaultConfig(), ruleSet: 'strict' as const };

/** A drop sequence over several functions; `fatal` is declared noreturn or not (`noreturn`). */
const svc = (noreturn = false): string => `#include <stdlib.h>
#include <unistd.h>
#include <grp.h>

void complain(const char *, uid_t);
static void fatal(const char *)${noreturn ? ' __attribute__((noreturn))' : ''};

static void
fatal(const char *m)
{
	complain(m, getuid());
}

static void
drop_groups(gid_t gid)
{
	if (setgroups(1, &gid) == -1)
		exit(1);
}

static void
drop_user(uid_t uid, gid_t gid)
{
	drop_groups(gid);
	if (setgid(gid) == -1)
		fatal("setgid");
	if (setuid(uid) == -1)
		fatal("setuid");
}

int
main(int argc, char **argv)
{
	drop_user(1000, 1000);
	return 0;
}
`;

const UTIL = `#include <stdio.h>

void
complain(const char *what, uid_t uid)
{
	fprintf(stderr, "%s (uid %d)\\n", what, (int)uid);
}
`;

/** Every finding in full: place, rule, message, path of events, and the edits of its fix. */
const full = (r: { findings: unknown[] }, from?: string, to?: string): string[] =>
  r.findings.map((f) => {
    const text = JSON.stringify(f);
    return from && to ? text.replaceAll(from, to) : text;
  });

/** The same files analysed afresh, the edited one under a name never analysed before. */
async function fresh(files: Record<string, string>, edited: string, step: number): Promise<string[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'privlint-reuse-fresh-'));
  writeFileSync(path.join(dir, 'Makefile'), 'all:\n');
  const renamed = edited.replace(/\.c$/, `-${step}.c`);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name === edited ? renamed : name), text);
  const result = await analyzePaths(['.'], strict, dir);
  return full({ findings: result.findings.filter((f) => f.loc.file === renamed) }, renamed, edited);
}

describe('editor reuse', () => {
  afterAll(() => stopEngineThread());

  it('function models kept between edits: moved, renumbered, and built again when the file around them changes', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'privlint-reuse-'));
    writeFileSync(path.join(dir, 'Makefile'), 'all:\n');
    writeFileSync(path.join(dir, 'util.c'), UTIL);
    const file = path.join(dir, 'svc.c');
    writeFileSync(file, svc());
    const index = await ProjectIndex.forFile(file, strict, dir);
    const edits = [
      svc(),
      // lines inserted above: every function moves down, unchanged
      `/* a comment\n   of two lines */\n${svc()}`,
      // one function edited: a check removed and a call added (the others kept, their events numbered after it)
      svc().replace('\tif (setgroups(1, &gid) == -1)\n\t\texit(1);\n', '\t(void)setgroups(1, &gid);\n\t(void)setgid(gid);\n\t(void)setgid(gid);\n'),
      // text on one line grows: later functions keep their lines, their text moves along it
      svc().replace('#include <grp.h>', '#include <grp.h> /* groups */'),
      // the file around the functions changes, not their text: fatal() is declared noreturn
      svc(true),
      svc(),
    ];
    const taken: number[] = [];
    for (const [step, text] of edits.entries()) {
      const before = functionMemoryStats.taken;
      const incremental = await index.update(file, text);
      taken.push(functionMemoryStats.taken - before);
      expect(full(incremental), `step ${step}`).toEqual(await fresh({ 'util.c': UTIL, 'svc.c': text }, 'svc.c', step));
    }
    // Kept models were taken where the functions' text stayed (else this test would show nothing about them): all
    // four functions parsed after lines were inserted above them, the three unedited ones after an edit of another,
    // the same three after the next edit; none once the file around them changed, nor on the way back.
    expect(taken).toEqual([0, 4, 3, 3, 0, 0]);
    // and the noreturn declaration made a difference the kept models had to follow
    expect(full(await index.update(file, svc(true)))).not.toEqual(full(await index.update(file, svc())));
  });

  it('a kept function model is the model a fresh build gives: lines, columns and event ids included', async () => {
    rememberTrees(4);
    const texts = [
      svc(),
      `/* two\n lines */ ${svc()}`,
      svc().replace('\tif (setgroups(1, &gid) == -1)\n\t\texit(1);\n', '\t(void)setgroups(1, &gid);\n\t(void)setgid(gid);\n\t(void)setgid(gid);\n'),
      svc().replace('drop_user(1000, 1000);', '(void)setuid(0);\n\tdrop_user(1000, 1000);'),
      svc(true),
    ];
    const model = async (file: string, text: string): Promise<string> => {
      let next = 7;
      return JSON.stringify(await analyzeCFile(file, text, () => next++)).replaceAll(file, 'svc.c');
    };
    const before = functionMemoryStats.taken;
    for (const [step, text] of texts.entries()) { const k = await model('kept/svc.c', text); const f = await model(`fresh-${step}/svc.c`, text); console.log(step, k === f, functionMemoryStats); expect(k, `step ${step}`).toEqual(f); }
    expect(functionMemoryStats.taken - before).toBeGreaterThan(0);
  });

  it('a unit result found by what the analysis reads: an edit of a file that is not parsed still counts where it is read', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'privlint-reuse-unit-'));
    writeFileSync(path.join(dir, 'Makefile'), 'all:\n');
    const main = svc();
    writeFileSync(path.join(dir, 'svc.c'), main);
    writeFileSync(path.join(dir, 'util.c'), UTIL);
    const index = await ProjectIndex.forFile(path.join(dir, 'svc.c'), strict, dir);
    const utilEdits = [
      UTIL,
      // a comment: nothing the analysis reads changes
      UTIL.replace('#include <stdio.h>', '#include <stdio.h> /* fprintf */'),
      // util.c is still not parsed, but its text now says that fatal never returns
      `${UTIL}\nstatic void fatal(const char *) __attribute__((noreturn));\n`,
      UTIL,
    ];
    const seen = new Set<string>();
    for (const [step, util] of utilEdits.entries()) {
      await index.update(path.join(dir, 'util.c'), util);
      const result = await index.update(path.join(dir, 'svc.c'), main);
      const expected = await fresh({ 'util.c': util, 'svc.c': main }, 'svc.c', step);
      expect(full(result), `step ${step}`).toEqual(expected);
      seen.add(JSON.stringify(expected));
    }
    expect(seen.size).toBeGreaterThan(1); // the edits of util.c did change svc.c's findings
  });

  it('the engine answers an edit of a C file it did not parse from its lexical fingerprint only while nothing it reads changes', async () => {
    const dir = projectFolder({ 'svc.c': svc(), 'util.c': UTIL });
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: plugin.configs.strict });
    const lint = async (name: string, text: string): Promise<string[]> => {
      const [result] = await eslint.lintText(text, { filePath: path.join(dir, name) });
      return result!.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}`);
    };
    const cli = async (files: Record<string, string>, name: string): Promise<string[]> => {
      const other = projectFolder(files);
      const result = await analyzePaths(['.'], strict, other);
      return result.findings.filter((f) => f.loc.file === name).map((f) => `${f.loc.line}:${f.loc.column} privlint/${f.ruleId}`);
    };
    expect(await lint('util.c', UTIL)).toEqual([]);
    const fingerprinted = engineWaits.fromFingerprint;
    // a comment in util.c: the same lexical fingerprint, answered without an analysis
    const commented = UTIL.replace('#include <stdio.h>', '#include <stdio.h> /* fprintf */');
    expect(await lint('util.c', commented)).toEqual([]);
    expect(engineWaits.fromFingerprint).toBe(fingerprinted + 1);
    // a drop in util.c: the fingerprint changes, the engine analyses it and finds it
    const dropping = `${commented}\nvoid\ngive_up(void)\n{\n\tsetuid(getuid());\n}\n`;
    const found = await lint('util.c', dropping);
    expect(engineWaits.fromFingerprint).toBe(fingerprinted + 1);
    expect(found).toEqual(await cli({ 'svc.c': svc(), 'util.c': dropping }, 'util.c'));
    expect(found.length).toBeGreaterThan(0);
    // quiet again; another file linted with the text the index holds changes nothing: still from the fingerprint
    expect(await lint('util.c', UTIL)).toEqual([]);
    expect(await lint('svc.c', svc())).toEqual(await cli({ 'svc.c': svc(), 'util.c': UTIL }, 'svc.c'));
    expect(await lint('util.c', commented)).toEqual([]);
    expect(engineWaits.fromFingerprint).toBe(fingerprinted + 2);
    // another file's text changed: the next edit of util.c is analysed
    expect((await lint('svc.c', `${svc()}\n/* edited */\n`)).length).toBeGreaterThan(0);
    expect(await lint('util.c', UTIL)).toEqual([]);
    expect(engineWaits.fromFingerprint).toBe(fingerprinted + 2);
    // the texts answered from the fingerprint are the engine's: svc.c is judged with util.c's latest text (noreturn fatal)
    expect(await lint('util.c', `${UTIL}\n`)).toEqual([]);
    expect(engineWaits.fromFingerprint).toBe(fingerprinted + 3);
    const declaring = `${UTIL}\nstatic void fatal(const char *) __attribute__((noreturn));\n`;
    expect(await lint('util.c', declaring)).toEqual([]);
    expect(engineWaits.fromFingerprint).toBe(fingerprinted + 3);
    expect(await lint('svc.c', svc())).toEqual(await cli({ 'svc.c': svc(), 'util.c': declaring }, 'svc.c'));
  });

  it('the plugin answers the same text again without the engine until another file is asked about or the configuration changes', async () => {
    const dir = projectFolder({ 'svc.c': svc(), 'util.c': UTIL });
    const config = path.join(dir, 'privlint.json');
    writeFileSync(config, '{}\n');
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: plugin.configs.strict });
    const lint = async (name: string, text: string): Promise<string[]> => {
      const [result] = await eslint.lintText(text, { filePath: path.join(dir, name) });
      return result!.messages.map((m) => `${m.line}:${m.column} ${m.ruleId}`);
    };
    const first = await lint('svc.c', svc());
    expect(first.length).toBeGreaterThan(0);
    const unasked = engineWaits.unasked;
    expect(await lint('svc.c', svc())).toEqual(first);
    expect(engineWaits.unasked).toBe(unasked + 1);
    // another file asked about (a drop added to util.c): the engine is asked again, and then not
    expect((await lint('util.c', `${UTIL}\nvoid\ngive_up(void)\n{\n\tsetuid(getuid());\n}\n`)).length).toBeGreaterThan(0);
    expect(await lint('svc.c', svc())).toEqual(first);
    expect(engineWaits.unasked).toBe(unasked + 1);
    expect(await lint('svc.c', svc())).toEqual(first);
    expect(engineWaits.unasked).toBe(unasked + 2);
    // the configuration file written again: asked again
    utimesSync(config, new Date(), new Date(Date.now() + 5_000));
    expect(await lint('svc.c', svc())).toEqual(first);
    expect(engineWaits.unasked).toBe(unasked + 2);
  });

  it('the plugin asks the engine ahead, from the C parse, only about a file the rules asked about before, and takes the answer only for the same text and working directory', async () => {
    const dir = projectFolder({ 'svc.c': svc(), 'util.c': UTIL });
    writeFileSync(path.join(dir, 'privlint.json'), '{ "noreturn": ["fatal"] }\n');
    const other = path.dirname(dir); // ESLint lints no file outside its working directory
    const lintIn = (cwd: string) => {
      const eslint = new ESLint({ cwd, overrideConfigFile: true, overrideConfig: plugin.configs.strict });
      return async (text: string): Promise<string[]> => {
        const [result] = await eslint.lintText(text, { filePath: path.join(dir, 'svc.c') });
        return result!.messages.map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.message}`);
      };
    };
    const lint = lintIn(dir);
    /** The text linted by a new engine thread, first asked after the parse. */
    const afresh = async (text: string): Promise<string[]> => {
      stopEngineThread();
      const before = engineWaits.ahead;
      const messages = await lint(text);
      expect(engineWaits.ahead).toBe(before);
      return messages;
    };
    stopEngineThread();
    const ahead = engineWaits.ahead;
    const first = await lint(svc());
    expect(first.length).toBeGreaterThan(0);
    expect(engineWaits.ahead).toBe(ahead); // never asked about before: nothing asked ahead
    // each edit is asked ahead, and the answer taken is the one asking after the parse gives
    const edits = [svc(true), `/* top */\n${svc()}`, svc().replace('drop_user(1000, 1000);', 'drop_user(1000, 1000);\n\tdrop_user(1, 1);')];
    const answers: string[][] = [];
    for (const text of edits) answers.push(await lint(text));
    expect(engineWaits.ahead).toBe(ahead + edits.length);
    for (const [i, text] of edits.entries()) expect(await afresh(text)).toEqual(answers[i]);
    // asked ahead from the working directory the rules last asked from: another one's rules do not take that answer
    // (there, privlint.json is not found: `fatal` is not noreturn, and the findings differ)
    const fromOther = await lintIn(other)(svc());
    stopEngineThread();
    expect(await lintIn(other)(svc())).toEqual(fromOther);
    expect(fromOther).not.toEqual(await afresh(svc()));
    expect(await lint(svc(true))).toEqual(answers[0]);
  });

  it('the engine thread reads the configuration again when a file it is or could be read from changed', async () => {
    const outer = projectFolder();
    const dir = path.join(outer, 'svc');
    projectFolder({ 'svc.c': svc(), 'util.c': UTIL }, dir);
    rmSync(path.join(dir, 'privlint.json'));
    rmSync(path.join(dir, '.git'), { recursive: true });
    const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: plugin.configs.strict });
    const lint = async (text: string): Promise<string[]> => {
      const [result] = await eslint.lintText(text, { filePath: path.join(dir, 'svc.c') });
      return result!.messages.map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.message}`);
    };
    const afresh = async (text: string): Promise<string[]> => {
      stopEngineThread();
      return lint(text);
    };
    // the configuration of the folder above (`{}`), then one written in the working directory, then changed there
    const plain = await lint(svc());
    writeFileSync(path.join(dir, 'privlint.json'), '{ "noreturn": ["fatal"] }\n');
    const noreturn = await lint(`\n${svc()}`);
    expect(noreturn).toEqual(await afresh(`\n${svc()}`));
    expect(noreturn).not.toEqual(plain.map((m) => m.replace(/^(\d+)/, (l) => String(Number(l) + 1))));
    await lint(svc());
    writeFileSync(path.join(dir, 'privlint.json'), '{}\n');
    expect(await lint(`\n\n${svc()}`)).toEqual(await afresh(`\n\n${svc()}`));
    // the one above changed: read again too
    rmSync(path.join(dir, 'privlint.json'));
    await lint(svc());
    writeFileSync(path.join(outer, 'privlint.json'), '{ "noreturn": ["fatal"] }\n');
    expect(await lint(`\n${svc()}`)).toEqual(noreturn);
  });
});

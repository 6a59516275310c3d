/** The ESLint plugin as rule authors and users meet it: RuleTester for C, TypeScript and JavaScript; its shape; its fixes. */
import { readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import tsParser from '@typescript-eslint/parser';
import { Linter, RuleTester } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzePaths } from '../src/engine.js';
import { defaultConfig } from '../src/config.js';
import { docsUrl } from '../src/links.js';
import { RULES } from '../src/rules/index.js';
import { fixtureUnits } from '../src/testing/expectations.js';
// The plugin as shipped (lib/): its engine thread runs the built worker.
import plugin from '../lib/eslint/plugin.js';
import { EDIT_DELIVERY } from '../lib/eslint/rules.js';
import { stopEngineThread } from '../lib/eslint/sync-engine.js';
import { projectFolder, SERVICE_TS } from './eslint-helpers.js';

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

afterAll(() => stopEngineThread());

const cFile = path.join(projectFolder(), 'daemon.c');

const CHECKED = `#include <grp.h>
#include <unistd.h>

int
main(void)
{
	if (setgroups(0, NULL) == -1)
		return 1;
	if (setgid(1000) == -1)
		return 1;
	if (setuid(1000) == -1)
		return 1;
	return 0;
}
`;

/** The same program with setgid's result cast away, above which `directive` is written. */
const withVoidSetgid = (directive = ''): string => CHECKED.replace('\tif (setgid(1000) == -1)\n\t\treturn 1;\n', `${directive}\t(void)setgid(1000);\n`);

describe('C (language privlint/c)', () => {
  const tester = new RuleTester({ plugins: { privlint: plugin }, language: 'privlint/c' });

  tester.run('privlint/unchecked-return', plugin.rules['unchecked-return'], {
    valid: [{ code: CHECKED, filename: cFile }],
    invalid: [
      {
        code: withVoidSetgid(),
        filename: cFile,
        errors: [{ messageId: 'finding', line: 9, column: 8, endLine: 9, endColumn: 20 }],
        output: fixedAt10(withVoidSetgid()),
      },
    ],
  });

  const jail = `#include <err.h>
#include <unistd.h>

int
main(void)
{
	if (chroot("/var/empty") == -1)
		err(1, "chroot");
	if (setgroups(0, NULL) == -1 || setgid(1000) == -1 || setuid(1000) == -1)
		err(1, "drop");
	return 0;
}
`;
  tester.run('privlint/chroot-without-chdir', plugin.rules['chroot-without-chdir'], {
    valid: [{ code: jail.replace('\t\terr(1, "chroot");\n', '\t\terr(1, "chroot");\n\tif (chdir("/") == -1)\n\t\terr(1, "chdir");\n'), filename: cFile }],
    invalid: [
      {
        code: jail,
        filename: cFile,
        // not a fix: after chdir("/") later relative paths resolve inside the jail, so it is offered, not applied
        errors: [
          {
            messageId: 'finding',
            line: 7,
            column: 6,
            suggestions: [{ messageId: 'apply', data: { description: 'Change into the jail right after it:' }, output: jail.replace('\t\terr(1, "chroot");\n', '\t\terr(1, "chroot");\n\tif (chdir("/") == -1)\n\t\terr(1, "chdir");\n') }],
          },
        ],
      },
    ],
  });
});

/** A `withVoidSetgid` text with privlint's fix applied: the call tested, the process ended when it fails. */
function fixedAt10(code: string): string {
  return code
    .replace('#include <unistd.h>\n', '#include <unistd.h>\n#include <stdio.h>\n#include <stdlib.h>\n')
    .replace('\t(void)setgid(1000);\n', '\tif (setgid(1000) == -1)\n\t\t{ perror("setgid"); exit(1); }\n');
}


describe('eslint-disable comments', () => {
  // Through the plugin's own config, as a user writes them (RuleTester renames the rule under test).
  const lint = (code: string, file = cFile, config: Linter.Config[] = plugin.configs.recommended): string[] =>
    new Linter({ cwd: path.dirname(file) }).verify(code, config, file).map((m) => `${m.line} ${m.ruleId}`);

  it('are honoured in C files in every form', () => {
    expect(lint(withVoidSetgid())).toEqual(['9 privlint/unchecked-return']);
    expect(lint(withVoidSetgid('\t/* eslint-disable-next-line privlint/unchecked-return -- tested elsewhere */\n'))).toEqual([]);
    expect(lint(withVoidSetgid('\t// eslint-disable-next-line privlint/unchecked-return\n'))).toEqual([]);
    expect(lint(withVoidSetgid().replace('(void)setgid(1000);', '(void)setgid(1000); /* eslint-disable-line privlint/unchecked-return */'))).toEqual([]);
    expect(lint(`/* eslint-disable privlint/unchecked-return */\n${withVoidSetgid()}/* eslint-enable privlint/unchecked-return */\n`)).toEqual([]);
    expect(lint(`/* eslint-disable */\n${withVoidSetgid()}`)).toEqual([]);
    expect(lint(`/* eslint privlint/unchecked-return: "off" */\n${withVoidSetgid()}`)).toEqual([]);
    // a directive for another rule leaves this one reported, and is itself reported as unused
    expect(lint(withVoidSetgid('\t/* eslint-disable-next-line privlint/missing-setgid */\n'))).toEqual(['9 null', '10 privlint/unchecked-return']);
  });

  it('report what is wrong with them in C files', () => {
    const spanning = new Linter({ cwd: path.dirname(cFile) }).verify(
      withVoidSetgid().replace('(void)setgid(1000);', '(void)setgid(1000); /* eslint-disable-line\n privlint/unchecked-return */'),
      plugin.configs.recommended,
      cFile,
    );
    expect(spanning.map((m) => m.message)).toContain('eslint-disable-line comment should not span multiple lines.');
    const unused = new Linter({ cwd: path.dirname(cFile) }).verify(`${CHECKED}/* eslint-disable-next-line privlint/unchecked-return */\n`, [...plugin.configs.recommended, { linterOptions: { reportUnusedDisableDirectives: 'error' } }], cFile);
    expect(unused.map((m) => m.message)).toEqual([expect.stringMatching(/^Unused eslint-disable directive/)]);
  });

  it('are honoured in TypeScript files', () => {
    const file = path.join(projectFolder(), 'service.ts');
    const config = [...plugin.configs.recommended, { files: ['**/*.ts'], languageOptions: { parser: tsParser } }];
    expect(lint(SERVICE_TS, file, config)).toEqual(['6 privlint/unchecked-return', '7 privlint/unchecked-return']);
    const suppressed = SERVICE_TS.replace('    process.setgid(gid);\n', '    // eslint-disable-next-line privlint/unchecked-return -- the caller checks the gid\n    process.setgid(gid);\n');
    expect(lint(suppressed, file, config)).toEqual(['8 privlint/unchecked-return']);
  });
});

describe('TypeScript (@typescript-eslint/parser) and JavaScript (espree)', () => {
  const dir = projectFolder();
  const ts = new RuleTester({ plugins: { privlint: plugin }, languageOptions: { parser: tsParser } });
  const js = new RuleTester();
  /** The service's two findings, in a file of that name. */
  const service = (code: string, file: string) => ({ code, filename: path.join(dir, file), errors: [6, 7].map((line) => ({ messageId: 'finding', line, column: 5 })) });
  ts.run('privlint/unchecked-return', plugin.rules['unchecked-return'], {
    valid: [{ code: SERVICE_TS.replace("console.error('could not drop privileges', err);", 'process.exit(1);'), filename: path.join(dir, 'service.ts') }],
    invalid: [service(SERVICE_TS, 'service.ts')],
  });
  js.run('privlint/unchecked-return', plugin.rules['unchecked-return'], {
    valid: [],
    invalid: [service(SERVICE_TS.replace(/: (number|void|unknown)/g, ''), 'service.mjs')],
  });
});

describe('the plugin', () => {
  it('names every rule as privlint/<id>, with its documentation page, messages and languages', () => {
    expect(plugin.meta).toMatchObject({ name: 'privlint', namespace: 'privlint' });
    expect(Object.keys(plugin.rules).sort()).toEqual(RULES.map((r) => r.id).sort());
    for (const rule of RULES) {
      const meta = plugin.rules[rule.id].meta;
      expect(meta.docs.url).toBe(docsUrl(rule.id));
      expect(meta.docs.description).toBe(rule.short);
      expect(meta.languages).toEqual(['js/js', 'privlint/c']);
      expect(Object.keys(meta.messages)).toEqual(expect.arrayContaining(['finding', 'inputProblem']));
      expect(meta.hasSuggestions).toBe(EDIT_DELIVERY[rule.id] === 'suggestion');
      expect(meta.fixable).toBe(EDIT_DELIVERY[rule.id] === 'fix' ? 'code' : undefined);
    }
  });

  it('has recommended and strict configs that cover C files in privlint/c and JS/TS files in ESLint\'s JavaScript language', () => {
    for (const name of ['recommended', 'strict'] as const) {
      const [c, node] = plugin.configs[name];
      expect(c).toMatchObject({ files: ['**/*.c', '**/*.h'], language: 'privlint/c' });
      expect(node.language).toBeUndefined(); // never replaces ESLint's JavaScript language
      expect(node.files[0]).toContain('ts');
      expect(c.rules).toEqual(node.rules);
    }
    expect(plugin.configs.recommended[0].rules['privlint/unverified-drop']).toBeUndefined();
    expect(plugin.configs.strict[0].rules['privlint/unverified-drop']).toBe('warn');
    expect(plugin.configs.recommended[0].rules['privlint/unchecked-return']).toBe('error');
  });

  it('delivers every edit the rules make on the fixtures, as a fix or as a suggestion', async () => {
    const withEdits = new Set<string>();
    for (const unit of await fixtureUnits(path.resolve(__dirname, '../fixtures'))) {
      const { findings } = await analyzePaths([unit], { ...defaultConfig(), ruleSet: 'strict' });
      for (const f of findings) if (f.autofix) withEdits.add(f.ruleId);
    }
    expect(withEdits.size).toBeGreaterThan(0);
    for (const id of withEdits) expect(EDIT_DELIVERY[id], id).toBeDefined();
  });

  it('puts the path and the fix (the ordered sequence) in the message', () => {
    const dir = projectFolder({ 'fingerd.c': '' });
    const linter = new Linter({ cwd: dir });
    const example = readFileSync(path.resolve(__dirname, '../examples/daemon/fingerd.c'), 'utf8');
    const messages = linter.verify(example, plugin.configs.recommended, path.join(dir, 'fingerd.c'));
    const order = messages.find((m) => m.ruleId === 'privlint/missing-setgroups')!;
    expect(order.message).toMatch(/^setuid\(pw->pw_uid\) drops the user id/);
    expect(order.message).toContain('\npath: drop_privileges (43) → setuid (25)');
    expect(order.message).toMatch(/\nfix: .*\n {4}.*\n {4}if \(initgroups\(pw->pw_name, pw->pw_gid\) == -1\)\n {8}err\(1, "initgroups"\);/);
  });

  it('reports a configuration the engine cannot use as a problem of the file, and lints again once it is fixed', () => {
    const dir = projectFolder({ 'main.c': withVoidSetgid() });
    writeFileSync(path.join(dir, 'privlint.json'), '{ "rules": ');
    const linter = new Linter({ cwd: dir });
    const broken = linter.verify(withVoidSetgid(), plugin.configs.recommended, path.join(dir, 'main.c'));
    expect(broken).toHaveLength(1);
    expect(broken[0]).toMatchObject({ messageId: 'inputProblem', line: 1 });
    expect(broken[0]!.message).toMatch(/privlint\.json: not valid JSON/);
    writeFileSync(path.join(dir, 'privlint.json'), '{}');
    const fixed = linter.verify(withVoidSetgid(), plugin.configs.recommended, path.join(dir, 'main.c'));
    expect(fixed.map((m) => m.ruleId)).toEqual(['privlint/unchecked-return']);
  });

  it('reports an engine that does not answer in time as a problem of the file, and does not hang', () => {
    const dir = projectFolder({ 'main.c': withVoidSetgid() });
    const script = `
      import { Linter } from 'eslint';
      import plugin from ${JSON.stringify(path.resolve(__dirname, '../lib/eslint/plugin.js'))};
      const messages = new Linter({ cwd: ${JSON.stringify(dir)} }).verify(${JSON.stringify(withVoidSetgid())}, plugin.configs.recommended, ${JSON.stringify(path.join(dir, 'main.c'))});
      console.log(JSON.stringify(messages.map((m) => m.message)));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: path.resolve(__dirname, '..'), encoding: 'utf8', env: { ...process.env, PRIVLINT_ESLINT_TIMEOUT_MS: '1' }, timeout: 30_000 });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(['privlint: the privlint engine did not answer within 0.001 s']);
  });

  it('starts a new engine thread when the previous one has ended', () => {
    const dir = projectFolder();
    const linter = new Linter({ cwd: dir });
    const lint = (): string[] => linter.verify(withVoidSetgid(), plugin.configs.recommended, path.join(dir, 'main.c')).map((m) => m.ruleId!);
    expect(lint()).toEqual(['privlint/unchecked-return']);
    stopEngineThread();
    expect(lint()).toEqual(['privlint/unchecked-return']);
  });
});

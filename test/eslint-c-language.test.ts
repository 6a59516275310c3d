/** The `privlint/c` ESLint language: its AST, locations, comments and options, as any rule (not only privlint's) sees them. */
import tsParser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import plugin from '../lib/eslint/plugin.js';
import { cLanguage, parseC, reuseCounts, visitorKeys } from '../lib/eslint/c-language.js';
import { createParser } from '../lib/parser.js';

/** A rule of someone else's, written against the C AST (and, to compare, against JavaScript's): calls of gets(). */
const noGets = {
  meta: { type: 'problem', messages: { gets: 'gets() cannot be used safely' }, schema: [] },
  create(context: any) {
    const check = (node: any, callee: any): void => {
      if (context.sourceCode.getText(callee) === 'gets') context.report({ node, messageId: 'gets' });
    };
    return {
      call_expression: (node: any) => check(node, node.children[0]),
      CallExpression: (node: any) => check(node, node.callee),
    };
  },
};

const local = { plugins: { local: { rules: { 'no-gets': noGets } } }, rules: { 'local/no-gets': 'error' } } as const;
const cConfig = [{ files: ['**/*.c'], plugins: { privlint: plugin, ...local.plugins }, language: 'privlint/c', rules: local.rules }];
const lintC = (code: string): Linter.LintMessage[] => new Linter().verify(code, cConfig as Linter.Config[], 'x.c');

describe('the privlint/c language', () => {
  it('has a visitor key for every named node type of tree-sitter-c', () => {
    for (const type of ['translation_unit', 'function_definition', 'call_expression', 'if_statement', 'preproc_ifdef', 'comment', 'ERROR']) expect(visitorKeys[type], type).toEqual(['children']);
    expect(cLanguage).toMatchObject({ fileType: 'text', lineStart: 1, columnStart: 1, nodeTypeKey: 'type' });
  });

  it('roots every file at a translation_unit, also one whose top level the parser cannot make sense of', async () => {
    // #if branches that each open a function: tree-sitter calls the root of this file ERROR.
    const split = readFileSync(path.resolve(__dirname, '../fixtures/c/unchecked-return/unix-branch-idioms.c'), 'utf8');
    expect((await createParser('c')).parse(split)!.rootNode.type).toBe('ERROR');
    expect(parseC(split)!.ast.type).toBe('translation_unit');
    const roots: string[] = [];
    const rootRule = { create: () => ({ translation_unit: (node: any) => void roots.push(node.type) }) };
    const config = [{ files: ['**/*.c'], plugins: { privlint: plugin, local: { rules: { root: rootRule } } }, language: 'privlint/c', rules: { 'local/root': 'error' } }];
    new Linter().verify(split, config as Linter.Config[], 'x.c');
    expect(roots).toEqual(['translation_unit']);
  });

  it('gives selectors of other rules the syntax tree, with the columns ESLint shows for JavaScript', () => {
    const line = 'char *s = "é😀"; gets(buf);';
    const [c] = lintC(`int main(void) {\n${line}\n}\n`);
    const [js] = new Linter().verify(`function main() {\n${line.replace('char *s', 'let s')}\n}\n`, [local as Linter.Config], 'x.js');
    expect(c).toMatchObject({ ruleId: 'local/no-gets', line: 2, column: line.indexOf('gets') + 1, endColumn: line.indexOf(';', line.indexOf('gets')) + 1 });
    expect(js!.column - 'let s'.length).toBe(c!.column - 'char *s'.length); // the same position, counted the same way
  });

  it('parses code with errors and still lints the rest', () => {
    const messages = lintC('int main(void) {\n  gets(buf);\n  if (( {\n}\nvoid f(void) { gets(b); }\n');
    expect(messages.map((m) => m.line)).toEqual(expect.arrayContaining([2, 5]));
  });

  it('counts lines as ESLint does, with CRLF line ends too', () => {
    const messages = lintC('int main(void)\r\n{\r\n\t/* x */ gets(buf);\r\n}\r\n');
    expect(messages).toMatchObject([{ line: 3, column: 10 }]);
  });

  it('places the end of the text as the lines ESLint counts do, whatever the line ends', () => {
    for (const text of ['', 'int x;', 'int x;\n', 'int x;\r\n', 'int x;\r', 'a\r\nb\rc\n\nd', '\n\n', 'x\u2028y\n z']) {
      const parsed = cLanguage.parse({ body: text, path: 'x.c', physicalPath: 'x.c', bom: false } as never);
      const code = cLanguage.createSourceCode({ body: text, path: 'x.c', physicalPath: 'x.c', bom: false } as never, parsed as never);
      const lines = code.lines;
      expect(code.getLoc(code.ast).end).toEqual({ line: lines.length, column: lines.at(-1)!.length + 1 });
      expect(code.getLocFromIndex(text.length)).toEqual({ line: lines.length, column: lines.at(-1)!.length + 1 });
    }
  });

  it('keeps comments, with their text between the delimiters', () => {
    const linter = new Linter();
    let comments: { value: string }[] = [];
    const grab = { create: (context: any) => ({ translation_unit: () => void (comments = context.sourceCode.comments) }) };
    linter.verify('/* a */ int x; // b\n', [{ files: ['**/*.c'], plugins: { privlint: plugin, t: { rules: { grab } } }, language: 'privlint/c', rules: { 't/grab': 'error' } }] as Linter.Config[], 'x.c');
    expect(comments.map((c) => c.value)).toEqual([' a ', ' b']);
  });

  it('accepts options meant for JavaScript from shared config objects, and rejects what is not an object', () => {
    const shared = [{ languageOptions: { parser: tsParser, sourceType: 'module' } }, ...cConfig] as Linter.Config[];
    expect(new Linter().verify('int main(void) { gets(b); }\n', shared, 'x.c')).toMatchObject([{ ruleId: 'local/no-gets' }]);
    expect(() => cLanguage.validateLanguageOptions(null as never)).toThrow(/must be an object/);
  });
});

/** A node's type, range and children, without parents: what two parses must agree on. */
type Shape = [string, number, number, Shape[]];
const shape = (n: { type: string; range: [number, number]; children: any[] }): Shape => [n.type, n.range[0], n.range[1], n.children.map(shape)];
/** Nodes whose `parent` is not the node that holds them (what ESLint's getParent answers). */
const strayParents = (n: { children: any[] }): number => n.children.reduce((k: number, c: any) => k + (c.parent === n ? 0 : 1) + strayParents(c), 0);

/** What ESLint's traversal visits: each step's node (type and range), phase, and the parent it is given. */
const steps = (text: string, parsed: { ast: any; comments: any[] }): string[] =>
  [...(cLanguage.createSourceCode({ path: 'x.c', physicalPath: 'x.c', bom: false, body: text }, { ok: true, ...parsed }).traverse() as Iterable<any>)].map(
    (s) => `${s.phase} ${s.target.type} ${s.target.range} < ${s.args[1]?.type ?? '-'} ${s.args[1]?.range ?? ''}`,
  );

describe('incremental parsing of an edited file', () => {
  it('gives the same AST, comments and traversal as parsing the edited text afresh, edit after edit', () => {
    const root = path.resolve(__dirname, '..');
    const texts = ['examples/daemon/fingerd.c', 'fixtures/c/unchecked-return/bad.c', 'fixtures/c/drop-after-input/idioms.c'].map((f) => readFileSync(path.join(root, f), 'utf8'));
    const snippets = ['{', '}', '/*', '*/', '// x\n', '\n', 'int y;', '"', '#if X\n', '#endif\n', 'if (setuid(0) == -1) exit(1);', 'static void f(void) { }\n', ''];
    let seed = 7;
    const random = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
    const before = { ...reuseCounts };
    texts.forEach((original, t) => {
      const file = `/virtual/edited-${t}.c`;
      let text = original;
      parseC(text, file);
      for (let i = 0; i < 60; i++) {
        const at = random(text.length + 1);
        const removed = random(4) === 0 ? random(40) : 0;
        text = text.slice(0, at) + snippets[random(snippets.length)] + text.slice(at + removed);
        const incremental = parseC(text, file)!;
        const fresh = parseC(text)!;
        expect(shape(incremental.ast), `edit ${i} of ${file}`).toEqual(shape(fresh.ast));
        expect(strayParents(incremental.ast)).toBe(0);
        expect(incremental.comments.map((c) => [c.range, c.value])).toEqual(fresh.comments.map((c) => [c.range, c.value]));
        expect(steps(text, incremental)).toEqual(steps(text, fresh));
      }
    });
    // most top-level nodes were taken over, not read from the tree again (edits such as an unclosed comment change
    // the structure of the rest of the file, which is then converted anew)
    expect(reuseCounts.adopted - before.adopted).toBeGreaterThan(2 * (reuseCounts.converted - before.converted));
    // and where an edit falls inside a top-level node, its statements outside the edit were taken over too
    expect(reuseCounts.convertedAround - before.convertedAround).toBeGreaterThan(20);
  });
});

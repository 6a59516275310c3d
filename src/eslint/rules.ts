/**
 * Every privlint rule as an ESLint rule (`privlint/<id>`), for C files (language `privlint/c`) and for JavaScript and
 * TypeScript files under ESLint's own JavaScript language (espree or @typescript-eslint/parser alike: only the
 * text is used). The first privlint rule to run on a file asks the engine about it, through its project index;
 * every rule then reports its own findings.
 */
import path from 'node:path';
import type { RuleDefinition, RuleTextEdit, SourceLocation } from '@eslint/core';
import { languageOf } from '../files.js';
import { docsUrl } from '../links.js';
import { lineStartsOf } from '../line-index.js';
import { RULES } from '../rules/index.js';
import type { Rule } from '../rules/rule.js';
import { inRuleSet } from '../rules/sets.js';
import type { TextEdit } from '../fix/edit.js';
import type { EngineAnswer, EngineFinding } from './protocol.js';
import { analyseSync } from './sync-engine.js';

/**
 * How a rule's safe local edit reaches ESLint. `fix` (applied by `eslint --fix`) only where the edit changes nothing
 * on the path where the calls succeed: a test that ends the process when a drop failed, a check that the drop held.
 * `suggestion` (offered, applied by hand) where the edit changes what the program does when everything works: a
 * `chdir("/")` makes later relative paths resolve inside the jail, a reorder moves code. A rule not listed here
 * reports its edit only in the message's fix text.
 */
export const EDIT_DELIVERY: Readonly<Record<string, 'fix' | 'suggestion'>> = {
  'unchecked-return': 'fix',
  'unverified-drop': 'fix',
  'chroot-without-chdir': 'suggestion',
  'wrong-drop-order': 'suggestion',
};

/** The languages every privlint rule runs in (`privlint` is the plugin's namespace). */
export const RULE_LANGUAGES = ['js/js', 'privlint/c'];

interface SourceCodeLike {
  text: string;
  getLocFromIndex(index: number): { line: number; column: number };
}

interface RuleContextLike {
  id: string;
  /** `settings.privlint.ruleSet`: `strict` shows notes (as `privlint --rules strict`); anything else does not. */
  settings?: { privlint?: { ruleSet?: string } };
  filename: string;
  cwd: string;
  sourceCode: SourceCodeLike;
  report(descriptor: Record<string, unknown>): void;
}

interface FixerLike {
  replaceTextRange(range: [number, number], text: string): RuleTextEdit;
}

/** What the engine said about one linted text, shared by the rules that run on it. */
interface FileVerdict {
  answer?: EngineAnswer;
  /** Why the engine could not answer. */
  failure?: string;
  /** Offset of the start of each line (privlint counts lines by `\n`). */
  lineStarts: number[];
  /** Input problems are reported once per file, by the first privlint rule that runs on it. */
  problemsReported: boolean;
}

const verdicts = new WeakMap<object, FileVerdict>();

function verdictFor(context: RuleContextLike): FileVerdict | undefined {
  const { sourceCode } = context;
  let verdict = verdicts.get(sourceCode);
  if (verdict) return verdict;
  const file = path.resolve(context.cwd, context.filename);
  if (!languageOf(file)) return undefined; // not a file privlint reads (a declaration file, a virtual name)
  verdict = { lineStarts: lineStartsOf(sourceCode.text), problemsReported: false };
  try {
    verdict.answer = analyseSync(file, sourceCode.text, context.cwd);
  } catch (e) {
    verdict.failure = (e as Error).message;
  }
  verdicts.set(sourceCode, verdict);
  return verdict;
}

/** A privlint position (1-based line and column, columns in UTF-16 code units) as an offset in the text. */
function offsetOf(verdict: FileVerdict, text: string, line: number, column: number): number {
  const start = verdict.lineStarts[Math.min(Math.max(line, 1), verdict.lineStarts.length) - 1]!;
  return Math.min(start + Math.max(column, 1) - 1, text.length);
}

function locationOf(verdict: FileVerdict, sourceCode: SourceCodeLike, f: EngineFinding): SourceLocation {
  const start = offsetOf(verdict, sourceCode.text, f.loc.line, f.loc.column);
  const end = Math.max(start, offsetOf(verdict, sourceCode.text, f.loc.endLine, f.loc.endColumn));
  return { start: sourceCode.getLocFromIndex(start), end: sourceCode.getLocFromIndex(end) };
}

/** The message: what is wrong, the path of events behind it, and what to write instead (the ordered sequence). */
export function messageOf(f: EngineFinding): string {
  const parts = [f.message];
  if (f.path) parts.push(`path: ${f.path}`);
  const [first, ...rest] = f.fix.split('\n');
  parts.push([`fix: ${first}`, ...rest.map((line) => `    ${line.replace(/\t/g, '    ')}`)].join('\n'));
  return parts.join('\n');
}

function editsAsFix(edits: TextEdit[]): (fixer: FixerLike) => RuleTextEdit[] {
  return (fixer) => edits.map((e) => fixer.replaceTextRange([e.start, e.end], e.replacement));
}

/** Why the file could not be analysed, or the input problems the engine met in it. */
function problemsOf(verdict: FileVerdict): { message: string; line?: number; column?: number }[] {
  const failure = verdict.failure ?? verdict.answer?.error;
  return failure !== undefined ? [{ message: failure }] : verdict.answer!.diagnostics;
}

function reportFindings(rule: Rule, context: RuleContextLike): void {
  const verdict = verdictFor(context);
  if (!verdict) return;
  const { sourceCode } = context;
  if (!verdict.problemsReported) {
    verdict.problemsReported = true;
    for (const p of problemsOf(verdict)) {
      const at = sourceCode.getLocFromIndex(offsetOf(verdict, sourceCode.text, p.line ?? 1, p.column ?? 1));
      context.report({ loc: { start: at, end: at }, messageId: 'inputProblem', data: { message: p.message } });
    }
  }
  const strict = context.settings?.privlint?.ruleSet === 'strict';
  for (const f of verdict.answer?.findings ?? []) {
    if (f.ruleId !== rule.id || (f.severity === 'note' && !strict)) continue;
    const descriptor: Record<string, unknown> = { loc: locationOf(verdict, sourceCode, f), messageId: 'finding', data: { message: messageOf(f) } };
    const edits = f.autofix?.edits;
    if (edits?.length) {
      if (EDIT_DELIVERY[rule.id] === 'fix') descriptor.fix = editsAsFix(edits);
      else if (EDIT_DELIVERY[rule.id] === 'suggestion') descriptor.suggest = [{ messageId: 'apply', data: { description: f.autofix!.description }, fix: editsAsFix(edits) }];
    }
    context.report(descriptor);
  }
}

function eslintRule(rule: Rule): RuleDefinition {
  const report = (context: RuleContextLike) => (): void => reportFindings(rule, context);
  return {
    meta: {
      type: 'problem',
      docs: { description: rule.short, url: docsUrl(rule.id), recommended: inRuleSet(rule, 'recommended') },
      messages: {
        finding: '{{ message }}',
        apply: '{{ description }}',
        inputProblem: 'privlint: {{ message }}',
      },
      schema: [],
      ...(EDIT_DELIVERY[rule.id] === 'fix' ? { fixable: 'code' as const } : {}),
      hasSuggestions: EDIT_DELIVERY[rule.id] === 'suggestion',
      languages: RULE_LANGUAGES,
    },
    create(context) {
      const onRoot = report(context as unknown as RuleContextLike);
      // Leaving the root node (`Program` in JavaScript and TypeScript, `translation_unit` in C): after ESLint's walk of
      // the tree, which then goes on while the engine thread works on the file's text, asked ahead (analyseAhead).
      return { 'Program:exit': onRoot, 'translation_unit:exit': onRoot };
    },
  } as RuleDefinition;
}

/** `unchecked-return` → its ESLint rule, for every rule in the catalogue. */
export const eslintRules: Record<string, RuleDefinition> = Object.fromEntries(RULES.map((r) => [r.id, eslintRule(r)]));

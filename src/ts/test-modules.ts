/**
 * Test files are run by a test runner (mocha, jest, vitest, node:test), not as the program: their top level is
 * no program entry, so what a test reads before it calls a drop is not the program's input. A module is a test
 * when its name says so (`*.test.js`, `*.spec.ts`) or its top level registers suites or tests
 * (`describe(…)`, `suite(…)`, `test(…)`, `it(…)`). Test code is still analysed: a drop it reaches is still checked.
 */
import type { Node } from 'web-tree-sitter';
import { namedChildren, unwrap } from './syntax.js';

const TEST_FILE = /\.(?:test|spec)\.[cm]?[jt]sx?$/i;
const TEST_REGISTRARS = new Set(['describe', 'suite', 'test', 'it', 'context']);

export function isTestModule(root: Node, path: string): boolean {
  if (TEST_FILE.test(path)) return true;
  return namedChildren(root).some((statement) => {
    const expr = statement.type === 'expression_statement' ? namedChildren(statement)[0] : undefined;
    const call = expr ? unwrap(expr) : undefined;
    if (call?.type !== 'call_expression') return false;
    let fn = unwrap(call.childForFieldName('function')!);
    if (fn.type === 'member_expression') fn = unwrap(fn.childForFieldName('object')!); // describe.only(…)
    return fn.type === 'identifier' && TEST_REGISTRARS.has(fn.text);
  });
}

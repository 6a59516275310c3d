/**
 * The copied tree (syntax-mirror.ts) answers as web-tree-sitter's own nodes do, for every node of every fixture in
 * C and TypeScript/JavaScript, including files with syntax errors: the front-ends read the copy instead of the tree.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Node } from 'web-tree-sitter';
import { describe, expect, it } from 'vitest';
import { createParser, type GrammarName } from '../src/parser.js';
import { mirrorTree } from '../src/syntax-mirror.js';

function filesUnder(dir: string, extensions: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full, extensions) : extensions.test(name) ? [full] : [];
  });
}

const FIELDS = ['name', 'body', 'declarator', 'type', 'condition', 'consequence', 'alternative', 'left', 'right', 'operator', 'argument', 'function', 'arguments', 'value', 'field', 'parameters', 'object', 'property', 'handler', 'constructor', 'index'];

/** Every difference between the tree's answers and the copy's, for the node and its descendants. */
function differences(real: Node, copy: Node): string[] {
  const found: string[] = [];
  const pairs: [Node, Node][] = [[real, copy]];
  while (pairs.length && found.length < 5) {
    const [r, c] = pairs.pop()!;
    const at = `${r.type} at ${r.startIndex}`;
    const same = (what: string, a: unknown, b: unknown): void => {
      if (JSON.stringify(a) !== JSON.stringify(b)) found.push(`${at}: ${what} ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    };
    same('type', r.type, c.type);
    same('range', [r.startIndex, r.endIndex], [c.startIndex, c.endIndex]);
    same('positions', [r.startPosition, r.endPosition], [c.startPosition, c.endPosition]);
    same('text', r.text, c.text);
    same('named', r.isNamed, c.isNamed);
    same('children', r.childCount, c.childCount);
    same('named children', r.namedChildren.map((n) => n?.type), c.namedChildren.map((n) => n?.type));
    same('parent', r.parent?.startIndex ?? null, c.parent?.startIndex ?? null);
    for (const field of FIELDS) same(`field ${field}`, r.childForFieldName(field)?.startIndex ?? null, c.childForFieldName(field)?.startIndex ?? null);
    if (r.namedChildCount > 2) for (const types of [['identifier'], ['call_expression', 'identifier'], ['ERROR']]) same(`descendants ${types}`, r.descendantsOfType(types).map((n) => `${n?.type}@${n?.startIndex}`), c.descendantsOfType(types).map((n) => `${n?.type}@${n?.startIndex}`));
    for (let i = 0; i < r.childCount; i++) pairs.push([r.child(i)!, c.child(i)!]);
  }
  return found;
}

/** A walk of the copy with its cursor: the nodes, in order, as the tree's cursor gives them. */
function cursorWalk(node: Node): string[] {
  const seen: string[] = [];
  const cursor = node.walk();
  const visit = (): void => {
    seen.push(`${cursor.nodeType}@${cursor.startIndex}-${cursor.endIndex}:${cursor.nodeIsNamed}`);
    if (cursor.gotoFirstChild()) {
      do visit();
      while (cursor.gotoNextSibling());
      cursor.gotoParent();
    }
  };
  visit();
  cursor.delete();
  return seen;
}

const grammars: [GrammarName, RegExp][] = [['c', /\.[ch]$/], ['typescript', /\.(?:ts|js|mjs|cjs)$/]];

describe('syntax mirror', () => {
  for (const [grammar, extensions] of grammars) {
    it(`answers as the ${grammar} tree does, for every fixture`, async () => {
      const parser = await createParser(grammar);
      const files = [...filesUnder('fixtures', extensions)];
      expect(files.length).toBeGreaterThan(20);
      for (const file of files) {
        const text = readFileSync(file, 'utf8');
        const tree = parser.parse(text)!;
        const copy = mirrorTree(tree, text);
        expect(differences(tree.rootNode, copy), file).toEqual([]);
        expect(cursorWalk(copy), file).toEqual(cursorWalk(tree.rootNode));
        expect(copy.hasError, file).toBe(tree.rootNode.hasError);
        tree.delete();
      }
    });
  }

  it('keeps its answers after the tree is deleted, with ids that are never 0 and stable per node', async () => {
    const parser = await createParser('c');
    const text = 'int main(void) {\n  if (setuid(1) != 0) return 1; /* é */\n  return 0;\n}\n#define X(';
    const tree = parser.parse(text)!;
    const copy = mirrorTree(tree, text);
    tree.delete();
    const call = copy.descendantsOfType('call_expression')[0]!;
    expect(call.text).toBe('setuid(1)');
    expect(call.startPosition).toEqual({ row: 1, column: 6 });
    expect(call.childForFieldName('function')?.text).toBe('setuid');
    expect(call.parent?.type).toBe('binary_expression');
    expect(copy.id).not.toBe(0);
    expect(call.id).toBe(copy.descendantsOfType('call_expression')[0]!.id);
    expect(call.parent!.childForFieldName('left')!.id).toBe(call.id);
    expect(copy.hasError).toBe(true);
    expect(copy.descendantsOfType('function_definition')[0]!.hasError).toBe(false);
  });

  it('is not made past a depth limit (a tree whose syntax errors nest too deep is not walked: parser.ts mirrorIfSafe)', async () => {
    const parser = await createParser('c');
    const text = `int f(void) { return ${'('.repeat(30)}1${')'.repeat(30)}; }\n`;
    const tree = parser.parse(text)!;
    const depth = (n: Node): number => Math.max(0, ...n.children.map((c) => 1 + depth(c!)));
    const deepest = depth(tree.rootNode);
    expect(deepest).toBeGreaterThan(30);
    expect(mirrorTree(tree, text, deepest)).toBeDefined();
    expect(mirrorTree(tree, text, deepest - 1)).toBeUndefined();
    tree.delete();
  });
});

/**
 * C as an ESLint language (`privlint/c`): the tree-sitter-c syntax tree as the AST, with comments, so that ESLint's
 * directive comments (`/* eslint-disable-next-line privlint/unchecked-return *\/`) work in `.c` and `.h` files.
 * The grammar is loaded when this module is imported (top-level await), so `parse()` is synchronous.
 */
import { Parser, type Tree } from 'web-tree-sitter';
import { ConfigCommentParser, Directive, TextSourceCodeBase, VisitNodeStep } from '@eslint/plugin-kit';
import type { DirectiveType, File, FileProblem, Language, OkParseResult, ParseResult, RulesConfig, SourceLocation, SourceRange } from '@eslint/core';
import { loadGrammar } from '../parser.js';

/** A named node of the tree-sitter-c tree. Anonymous tokens (punctuation, keywords) are not nodes. */
export interface CNode {
  /** The tree-sitter node type (`function_definition`, `call_expression`, `comment`...). */
  type: string;
  /** Offsets in the text (UTF-16 code units). */
  range: SourceRange;
  children: CNode[];
  parent: CNode | null;
}

export interface CComment extends CNode {
  type: 'comment';
  /** The text between the delimiters. */
  value: string;
}

export type CLanguageOptions = Record<string, unknown>;

const grammar = await loadGrammar('c');
const parser = new Parser();
parser.setLanguage(grammar);

/** Every named node type of the grammar, visited through its named children in source order. */
export const visitorKeys: Record<string, string[]> = Object.fromEntries(
  [...Array(grammar.nodeTypeCount).keys()]
    .filter((id) => grammar.nodeTypeIsNamed(id) && grammar.nodeTypeIsVisible(id))
    .map((id) => [grammar.nodeTypeForId(id)!, ['children']])
    .concat([['ERROR', ['children']]]),
);

/** `/* x *\/` → ` x `, `// x` → ` x`. */
function commentValue(text: string): string {
  return text.startsWith('/*') ? text.slice(2, text.endsWith('*/') && text.length >= 4 ? -2 : undefined) : text.slice(2);
}

/** The named nodes of a tree as plain objects (one cursor walk), and its comments. */
function toAst(tree: Tree, text: string): { ast: CNode; comments: CComment[] } {
  const cursor = tree.walk();
  const ast: CNode = { type: cursor.nodeType, range: [0, text.length], children: [], parent: null };
  const comments: CComment[] = [];
  const parents: CNode[] = [];
  let parent = ast;
  try {
    if (!cursor.gotoFirstChild()) return { ast, comments };
    for (;;) {
      let node: CNode | undefined;
      if (cursor.nodeIsNamed) {
        node = { type: cursor.nodeType, range: [cursor.startIndex, cursor.endIndex], children: [], parent };
        parent.children.push(node);
        if (node.type === 'comment') {
          (node as CComment).value = commentValue(text.slice(node.range[0], node.range[1]));
          comments.push(node as CComment);
        }
      }
      if (cursor.gotoFirstChild()) {
        parents.push(parent);
        if (node) parent = node;
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent() || parents.length === 0) return { ast, comments };
        parent = parents.pop()!;
      }
    }
  } finally {
    cursor.delete();
  }
}

/** Parsed texts, most recently used last: an editor lints the same buffer again on save or focus. */
const parsed = new Map<string, { ast: CNode; comments: CComment[] }>();
const PARSED_KEPT = 8;

function parseText(text: string): { ast: CNode; comments: CComment[] } | undefined {
  const hit = parsed.get(text);
  if (hit) {
    parsed.delete(text);
    parsed.set(text, hit);
    return hit;
  }
  const tree = parser.parse(text);
  if (!tree) return undefined;
  try {
    const result = toAst(tree, text);
    parsed.set(text, result);
    if (parsed.size > PARSED_KEPT) parsed.delete(parsed.keys().next().value!);
    return result;
  } finally {
    tree.delete();
  }
}

const commentParser = new ConfigCommentParser();
const INLINE_CONFIG = /^\s*eslint(?:-enable|-disable(?:(?:-next)?-line)?)?(?:\s|$)/u;

export class CSourceCode extends TextSourceCodeBase<{ LangOptions: CLanguageOptions; RootNode: CNode; SyntaxElementWithLoc: CNode; ConfigNode: CComment }> {
  readonly comments: CComment[];
  #steps: VisitNodeStep[] | undefined;
  #rootLoc: SourceLocation | undefined;
  readonly #locs = new WeakMap<CNode, SourceLocation>();

  constructor({ text, ast, comments }: { text: string; ast: CNode; comments: CComment[] }) {
    super({ text, ast });
    this.comments = comments;
  }

  override getRange(node: CNode): SourceRange {
    return node.range;
  }

  override getLoc(node: CNode): SourceLocation {
    if (node === this.ast) {
      // The whole text: from line 1, column 1 to just past its last character.
      this.#rootLoc ??= { start: { line: 1, column: 1 }, end: { line: this.lines.length, column: this.lines.at(-1)!.length + 1 } };
      return this.#rootLoc;
    }
    let loc = this.#locs.get(node);
    if (!loc) {
      loc = { start: this.getLocFromIndex(node.range[0]), end: this.getLocFromIndex(node.range[1]) };
      this.#locs.set(node, loc);
    }
    return loc;
  }

  override getParent(node: CNode): CNode | undefined {
    return node.parent ?? undefined;
  }

  getInlineConfigNodes(): CComment[] {
    return this.comments.filter((c) => INLINE_CONFIG.test(c.value));
  }

  getDisableDirectives(): { directives: Directive[]; problems: FileProblem[] } {
    const directives: Directive[] = [];
    const problems: FileProblem[] = [];
    for (const comment of this.getInlineConfigNodes()) {
      const parsedDirective = commentParser.parseDirective(comment.value);
      if (!parsedDirective) continue;
      const { label, value, justification } = parsedDirective;
      const loc = this.getLoc(comment);
      if (label === 'eslint-disable-line' && loc.start.line !== loc.end.line) {
        problems.push({ ruleId: null, message: `${label} comment should not span multiple lines.`, loc });
        continue;
      }
      if (label === 'eslint-disable' || label === 'eslint-enable' || label === 'eslint-disable-next-line' || label === 'eslint-disable-line') {
        directives.push(new Directive({ type: label.slice('eslint-'.length) as DirectiveType, node: comment, value, justification }));
      }
    }
    return { directives, problems };
  }

  applyInlineConfig(): { configs: { config: { rules: RulesConfig }; loc: SourceLocation }[]; problems: FileProblem[] } {
    const configs: { config: { rules: RulesConfig }; loc: SourceLocation }[] = [];
    const problems: FileProblem[] = [];
    for (const comment of this.getInlineConfigNodes()) {
      const directive = commentParser.parseDirective(comment.value);
      if (directive?.label !== 'eslint') continue;
      const result = commentParser.parseJSONLikeConfig(directive.value);
      if (result.ok) configs.push({ config: { rules: result.config as RulesConfig }, loc: this.getLoc(comment) });
      else problems.push({ ruleId: null, message: result.error.message, loc: this.getLoc(comment) });
    }
    return { configs, problems };
  }

  override traverse(): Iterable<VisitNodeStep> {
    if (this.#steps) return this.#steps;
    const steps: VisitNodeStep[] = (this.#steps = []);
    const visit = (node: CNode): void => {
      steps.push(new VisitNodeStep({ target: node, phase: 1, args: [node, node.parent] }));
      for (const child of node.children) visit(child);
      steps.push(new VisitNodeStep({ target: node, phase: 2, args: [node, node.parent] }));
    };
    visit(this.ast);
    return steps;
  }
}

export const cLanguage: Language<{ LangOptions: CLanguageOptions; Code: CSourceCode; RootNode: CNode; Node: CNode }> = {
  fileType: 'text',
  // tree-sitter counts lines and columns from 0; ESLint shows them from 1, as privlint does: the AST's locations are
  // given 1-based (columns in UTF-16 code units, as privlint's and JavaScript's are).
  lineStart: 1,
  columnStart: 1,
  nodeTypeKey: 'type',
  visitorKeys,
  defaultLanguageOptions: {},

  validateLanguageOptions(options: CLanguageOptions): void {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new TypeError('privlint/c: languageOptions must be an object');
    // The C language has no options of its own. Shared configuration objects without `files` (typescript-eslint's,
    // for one) give every file JavaScript options such as `parser`; they do not apply to C and are ignored.
  },

  parse(file: File): ParseResult<CNode> {
    const text = typeof file.body === 'string' ? file.body : new TextDecoder().decode(file.body);
    const result = parseText(text);
    if (!result) return { ok: false, errors: [{ message: 'tree-sitter could not parse the file', line: 1, column: 1 }] };
    return { ok: true, ast: result.ast, comments: result.comments };
  },

  createSourceCode(file: File, input: OkParseResult<CNode>): CSourceCode {
    const text = typeof file.body === 'string' ? file.body : new TextDecoder().decode(file.body);
    return new CSourceCode({ text, ast: input.ast, comments: input.comments as CComment[] });
  },
};

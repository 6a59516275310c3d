/**
 * C as an ESLint language (`privlint/c`): the tree-sitter-c syntax tree as the AST, with comments, so that ESLint's
 * directive comments (`/* eslint-disable-next-line privlint/unchecked-return *\/`) work in `.c` and `.h` files.
 * The grammar is loaded when this module is imported (top-level await), so `parse()` is synchronous.
 */
import { Parser, type Tree, type TreeCursor } from 'web-tree-sitter';
import { ConfigCommentParser, Directive, TextSourceCodeBase, VisitNodeStep } from '@eslint/plugin-kit';
import type { DirectiveType, File, FileProblem, Language, OkParseResult, ParseResult, RulesConfig, SourceLocation, SourceRange } from '@eslint/core';
import path from 'node:path';
import { editBetween, loadGrammar, treeEdit } from '../parser.js';
import { analyseAhead } from './sync-engine.js';

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

/** A parsed text: the tree-sitter tree (kept for the next, incremental parse of the same file) and its AST. */
interface Parsed {
  text: string;
  tree: Tree;
  ast: CNode;
  comments: CComment[];
}

/**
 * What is kept with each top-level node while it is taken over from one AST of a file to the next: the comments
 * inside it, and the traversal steps of the nodes below it.
 */
const commentsWithin = new WeakMap<CNode, CComment[]>();
const stepsWithin = new WeakMap<CNode, VisitNodeStep[]>();

/** Builds the AST in source order, collecting the comments as it goes. */
class AstBuilder {
  readonly comments: CComment[] = [];
  constructor(private readonly text: string) {}

  node(type: string, start: number, end: number, parent: CNode): CNode {
    const node: CNode = { type, range: [start, end], children: [], parent };
    parent.children.push(node);
    if (type === 'comment') {
      (node as CComment).value = commentValue(this.text.slice(start, end));
      this.comments.push(node as CComment);
    }
    return node;
  }

  /** The named nodes of the cursor's node and below (one cursor walk); the cursor ends where it started. */
  convert(cursor: TreeCursor, parent: CNode): void {
    const parents: CNode[] = [];
    let depth = 0;
    for (;;) {
      const node = cursor.nodeIsNamed ? this.node(cursor.nodeType, cursor.startIndex, cursor.endIndex, parent) : undefined;
      if (cursor.gotoFirstChild()) {
        parents.push(parent);
        if (node) parent = node;
        depth++;
        continue;
      }
      for (;;) {
        if (depth === 0) return;
        if (cursor.gotoNextSibling()) break;
        cursor.gotoParent();
        depth--;
        parent = parents.pop()!;
      }
    }
  }

  /** A top-level node from the tree (the cursor's), remembering the comments inside it. */
  convertTopLevel(cursor: TreeCursor, root: CNode): void {
    const before = this.comments.length;
    const named = cursor.nodeIsNamed;
    this.convert(cursor, root);
    if (named) commentsWithin.set(root.children.at(-1)!, this.comments.slice(before));
  }

  /**
   * A top-level node that holds the edit, converted from the tree (the cursor's) with the nodes below it that lie
   * outside the edit taken over from `old`, its counterpart in the earlier AST (same kind, same start): a keystroke
   * in a long function converts the statements around it, not the whole function.
   */
  convertTopLevelAround(cursor: TreeCursor, root: CNode, old: CNode, change: Change): void {
    const before = this.comments.length;
    this.convertAround(cursor, root, old, change);
    commentsWithin.set(root.children.at(-1)!, this.comments.slice(before));
  }

  private convertAround(cursor: TreeCursor, parent: CNode, old: CNode, change: Change): void {
    const node = this.node(cursor.nodeType, cursor.startIndex, cursor.endIndex, parent);
    const earlier = new Map(old.children.map((n) => [`${n.type}:${n.range[0]}:${n.range[1]}`, n]));
    if (!cursor.gotoFirstChild()) return;
    do {
      const start = cursor.startIndex;
      const end = cursor.endIndex;
      const shift = change.shiftOf(start, end);
      if (cursor.nodeIsNamed && shift !== undefined && !change.structureChanged(start, end)) {
        const same = earlier.get(`${cursor.nodeType}:${start - shift}:${end - shift}`);
        if (same) {
          this.adoptBelow(same, node, shift);
          continue;
        }
      }
      const around = cursor.nodeIsNamed && shift === undefined ? earlier.get(`${cursor.nodeType}:${start}:${end - change.delta}`) : undefined;
      if (around) this.convertAround(cursor, node, around, change);
      else this.convert(cursor, node);
    } while (cursor.gotoNextSibling());
    cursor.gotoParent();
  }

  /** A node below the top level of the earlier AST, outside the edit, taken over (shifted by `delta`). */
  private adoptBelow(old: CNode, parent: CNode, delta: number): void {
    old.parent = parent;
    parent.children.push(old);
    const visit = (node: CNode): void => {
      node.range[0] += delta;
      node.range[1] += delta;
      if (node.type === 'comment') this.comments.push(node as CComment);
      for (const child of node.children) visit(child);
    };
    visit(old);
  }

  /**
   * A top-level node of the earlier AST of this file, whose text only moved by `delta`, taken over: moved into the
   * new AST, its offsets shifted in place (the earlier AST is given up: ESLint has finished with a file's
   * SourceCode before it parses the file again).
   */
  adopt(old: CNode, root: CNode, delta: number): void {
    old.parent = root;
    root.children.push(old);
    let comments = commentsWithin.get(old);
    if (delta !== 0 || !comments) {
      const found: CComment[] = [];
      const visit = (node: CNode): void => {
        node.range[0] += delta;
        node.range[1] += delta;
        if (node.type === 'comment') found.push(node as CComment);
        for (const child of node.children) visit(child);
      };
      visit(old);
      comments = found;
      commentsWithin.set(old, comments);
    }
    for (const c of comments) this.comments.push(c);
  }
}

/** Where a text differs from the file's earlier text, and where the parser found the structure changed. */
class Change {
  readonly delta: number;
  constructor(
    private readonly edit: { start: number; oldEnd: number; newEnd: number },
    private readonly changed: { startIndex: number; endIndex: number }[],
  ) {
    this.delta = edit.newEnd - edit.oldEnd;
  }

  /** How far a node at [start, end) of the new text moved: undefined when it overlaps the edit. */
  shiftOf(start: number, end: number): number | undefined {
    return start > this.edit.newEnd ? this.delta : end < this.edit.start ? 0 : undefined;
  }

  structureChanged(start: number, end: number): boolean {
    return this.changed.some((r) => r.startIndex <= end && start <= r.endIndex);
  }
}

/**
 * The root of the AST: the file, a `translation_unit` even where the parser could not make sense of its top level
 * (tree-sitter then calls its root ERROR, and rules that start from the root would never run on it).
 */
function rootOf(text: string): CNode {
  return { type: 'translation_unit', range: [0, text.length], children: [], parent: null };
}

/** Every top-level node converted from the tree. */
function toAst(tree: Tree, text: string): Parsed {
  const ast = rootOf(text);
  const builder = new AstBuilder(text);
  const cursor = tree.walk();
  try {
    if (cursor.gotoFirstChild()) do builder.convertTopLevel(cursor, ast); while (cursor.gotoNextSibling());
  } finally {
    cursor.delete();
  }
  return { text, tree, ast, comments: builder.comments };
}

/**
 * A new text of a file parsed before: tree-sitter re-parses incrementally, and the top-level nodes (functions,
 * declarations) that lie wholly outside the edit and outside the ranges whose structure changed are taken over from
 * the earlier AST instead of being read from the tree again. Only the edited function is converted anew.
 */
function reparse(previous: Parsed, text: string): Parsed | undefined {
  const edit = editBetween(previous.text, text);
  const oldTree = previous.tree.copy();
  try {
    oldTree.edit(treeEdit(previous.text, text, edit));
    const tree = parser.parse(text, oldTree);
    if (!tree) return undefined;
    const change = new Change(edit, oldTree.getChangedRanges(tree));
    const { delta } = change;
    const earlier = new Map(previous.ast.children.map((n) => [`${n.type}:${n.range[0]}:${n.range[1]}`, n]));
    const ast = rootOf(text);
    const builder = new AstBuilder(text);
    const cursor = tree.walk();
    try {
      if (cursor.gotoFirstChild()) {
        do {
          const start = cursor.startIndex;
          const end = cursor.endIndex;
          const shift = change.shiftOf(start, end);
          const old =
            shift !== undefined && cursor.nodeIsNamed && !change.structureChanged(start, end)
              ? earlier.get(`${cursor.nodeType}:${start - shift}:${end - shift}`)
              : undefined;
          // the node that holds the edit: its earlier version starts at the same place
          const around = !old && shift === undefined && cursor.nodeIsNamed ? earlier.get(`${cursor.nodeType}:${start}:${end - delta}`) : undefined;
          if (old) builder.adopt(old, ast, shift!);
          else if (around) builder.convertTopLevelAround(cursor, ast, around, change);
          else builder.convertTopLevel(cursor, ast);
          reuseCounts[old ? 'adopted' : around ? 'convertedAround' : 'converted']++;
        } while (cursor.gotoNextSibling());
      }
    } finally {
      cursor.delete();
    }
    return { text, tree, ast, comments: builder.comments };
  } finally {
    oldTree.delete();
  }
}

/** The last parse of each recently linted file: an editor lints the same file again and again, edit after edit. */
const recent = new Map<string, Parsed>();
const FILES_KEPT = 8;

/** Top-level nodes taken over from an earlier AST and converted from the tree, since the module was loaded. */
export const reuseCounts = { adopted: 0, converted: 0, convertedAround: 0 };

/**
 * Parse C text into the AST. With `file`, the parse is remembered for that file and the next text of the same file
 * is parsed incrementally; without it, the text is parsed from scratch and nothing is kept.
 */
export function parseC(text: string, file?: string): { ast: CNode; comments: CComment[] } | undefined {
  if (file !== undefined) return parseFile(file, text);
  const tree = parser.parse(text);
  if (!tree) return undefined;
  try {
    const { ast, comments } = toAst(tree, text);
    return { ast, comments };
  } finally {
    tree.delete();
  }
}

function parseFile(file: string, text: string): Parsed | undefined {
  const previous = recent.get(file);
  if (previous?.text === text) {
    recent.delete(file); // most recently used last
    recent.set(file, previous);
    return previous;
  }
  let parsed: Parsed | undefined;
  if (previous) {
    recent.delete(file); // its AST is taken over (or its parse fails): it never answers for its text again
    try {
      parsed = reparse(previous, text);
    } finally {
      previous.tree.delete();
    }
  }
  if (!parsed) {
    const tree = parser.parse(text);
    parsed = tree ? toAst(tree, text) : undefined;
  }
  if (!parsed) return undefined;
  recent.set(file, parsed);
  if (recent.size > FILES_KEPT) {
    const [oldest, entry] = recent.entries().next().value!;
    entry.tree.delete();
    recent.delete(oldest);
  }
  return parsed;
}

/** Traversal steps, made once per AST (a file linted again unchanged reuses them). */
const stepsOfAst = new WeakMap<CNode, VisitNodeStep[]>();

/**
 * Where the steps of the nodes below each node lie in the steps made for its top-level node. A node taken over
 * from an earlier AST below an edited top-level node (convertAround) is unchanged below: its steps are taken over.
 */
const stepSpans = new WeakMap<CNode, { steps: VisitNodeStep[]; from: number; to: number }>();

/** Enter and leave steps of the nodes below `node`, in order. */
function stepsBelow(node: CNode, steps: VisitNodeStep[] = []): VisitNodeStep[] {
  for (const child of node.children) {
    steps.push(new VisitNodeStep({ target: child, phase: 1, args: [child, node] }));
    const from = steps.length;
    const span = stepSpans.get(child);
    if (span) for (let i = span.from; i < span.to; i++) steps.push(span.steps[i]!);
    else stepsBelow(child, steps);
    if (child.children.length) stepSpans.set(child, { steps, from, to: steps.length });
    steps.push(new VisitNodeStep({ target: child, phase: 2, args: [child, node] }));
  }
  return steps;
}

/** The steps of an AST; those below a top-level node taken over from the file's earlier AST are taken over too. */
function stepsOf(ast: CNode): VisitNodeStep[] {
  let steps = stepsOfAst.get(ast);
  if (steps) return steps;
  steps = [new VisitNodeStep({ target: ast, phase: 1, args: [ast, null] })];
  for (const top of ast.children) {
    steps.push(new VisitNodeStep({ target: top, phase: 1, args: [top, ast] }));
    let below = stepsWithin.get(top);
    if (!below) stepsWithin.set(top, (below = stepsBelow(top)));
    for (const step of below) steps.push(step);
    steps.push(new VisitNodeStep({ target: top, phase: 2, args: [top, ast] }));
  }
  steps.push(new VisitNodeStep({ target: ast, phase: 2, args: [ast, null] }));
  stepsOfAst.set(ast, steps);
  return steps;
}

const commentParser = new ConfigCommentParser();
const INLINE_CONFIG = /^\s*eslint(?:-enable|-disable(?:(?:-next)?-line)?)?(?:\s|$)/u;

export class CSourceCode extends TextSourceCodeBase<{ LangOptions: CLanguageOptions; RootNode: CNode; SyntaxElementWithLoc: CNode; ConfigNode: CComment }> {
  readonly comments: CComment[];
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
      // The whole text: from line 1, column 1 to just past its last character. ESLint asks for it at each
      // getLocFromIndex: counted without splitting the text into lines (\n ends a line, \r\n too, a lone \r not,
      // as the line ends of TextSourceCodeBase: the line count and the last line's length of `lines`).
      if (!this.#rootLoc) {
        const { text } = this;
        let lines = 1;
        for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
        this.#rootLoc = { start: { line: 1, column: 1 }, end: { line: lines, column: text.length - text.lastIndexOf('\n') } };
      }
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
    return stepsOf(this.ast);
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
    // The engine thread starts on this text now (a file the rules asked about before), while this one parses it.
    // Whatever goes wrong there is the rules' to report when they ask: never a parse error.
    try {
      if (path.isAbsolute(file.path)) analyseAhead(path.resolve(file.path), text);
    } catch {
      // the rules ask again
    }
    const result = parseC(text, file.path);
    if (!result) return { ok: false, errors: [{ message: 'tree-sitter could not parse the file', line: 1, column: 1 }] };
    return { ok: true, ast: result.ast, comments: result.comments };
  },

  createSourceCode(file: File, input: OkParseResult<CNode>): CSourceCode {
    const text = typeof file.body === 'string' ? file.body : new TextDecoder().decode(file.body);
    return new CSourceCode({ text, ast: input.ast, comments: input.comments as CComment[] });
  },
};

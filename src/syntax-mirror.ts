/**
 * A parse tree copied out of the wasm module in one cursor walk, read through the same API as web-tree-sitter's
 * nodes (the part of it the front-ends use).
 *
 * Why: every property of a web-tree-sitter node is a call into the wasm module that marshals the node first, and the
 * front-end reads each node many times (its type, its fields, its text, its parent, its descendants). The copy costs
 * about one read of each node. It is held in typed arrays (a node is an index), so that a file's copy makes no
 * garbage of its own; a node object is a small view made when it is asked for, as web-tree-sitter makes one for each
 * node it returns. The copy holds no wasm memory: the tree can be deleted once it is made.
 */
import type { Node, Point, Tree } from 'web-tree-sitter';
import { lineAt, lineStartsOf } from './line-index.js';

/** The type id web-tree-sitter gives ERROR nodes. */
const ERROR_TYPE_ID = 65535;
const NONE = -1;
const NAMED = 1;
const MISSING = 2;

/** Which type ids a list of type names picks (and whether ERROR is among them), by the language's type names. */
interface TypeMatcher {
  match: Uint8Array;
  errors: boolean;
}

/** Matchers made per language (its type names' array) and list of names: the front-ends ask for the same few lists again and again. */
const typeMatchers = new WeakMap<readonly (string | null)[], Map<string, TypeMatcher>>();

function typeMatcher(names: readonly (string | null)[], types: string | readonly string[]): TypeMatcher {
  const key = typeof types === 'string' ? types : types.join(' ');
  let byKey = typeMatchers.get(names);
  if (!byKey) typeMatchers.set(names, (byKey = new Map()));
  let matcher = byKey.get(key);
  if (!matcher) {
    const wanted = typeof types === 'string' ? [types] : types;
    const match = new Uint8Array(names.length);
    names.forEach((name, typeId) => {
      if (name !== null && wanted.includes(name)) match[typeId] = 1;
    });
    byKey.set(key, (matcher = { match, errors: wanted.includes('ERROR') }));
  }
  return matcher;
}

/** The copied tree: one entry per syntax node, in document order (a node's index is its id). */
class MirrorTree {
  count = 0;
  typeIds = new Uint16Array(1024);
  starts = new Int32Array(1024);
  ends = new Int32Array(1024);
  parents = new Int32Array(1024);
  firstChildren = new Int32Array(1024);
  nextSiblings = new Int32Array(1024);
  /** The field id under which each node is its parent's child (0: none). */
  fieldIds = new Uint16Array(1024);
  flags = new Uint8Array(1024);
  private lineStarts: number[] | undefined;
  private errors: Int8Array | undefined;
  /** The root's own flag, from web-tree-sitter (a cursor does not visit the missing tokens a grammar hides). */
  rootHasError = false;

  constructor(readonly text: string, readonly types: readonly (string | null)[], readonly fields: readonly (string | null)[]) {}

  add(typeId: number, start: number, end: number, parent: number, fieldId: number, flags: number): number {
    if (this.count === this.typeIds.length) this.grow();
    const i = this.count++;
    this.typeIds[i] = typeId;
    this.starts[i] = start;
    this.ends[i] = end;
    this.parents[i] = parent;
    this.firstChildren[i] = NONE;
    this.nextSiblings[i] = NONE;
    this.fieldIds[i] = fieldId;
    this.flags[i] = flags;
    return i;
  }

  private grow(): void {
    const size = this.typeIds.length * 2;
    const grown = <T extends Uint16Array | Int32Array | Uint8Array>(a: T, make: new (n: number) => T): T => {
      const b = new make(size);
      b.set(a);
      return b;
    };
    this.typeIds = grown(this.typeIds, Uint16Array);
    this.starts = grown(this.starts, Int32Array);
    this.ends = grown(this.ends, Int32Array);
    this.parents = grown(this.parents, Int32Array);
    this.firstChildren = grown(this.firstChildren, Int32Array);
    this.nextSiblings = grown(this.nextSiblings, Int32Array);
    this.fieldIds = grown(this.fieldIds, Uint16Array);
    this.flags = grown(this.flags, Uint8Array);
  }

  node(i: number): MirrorNode | null {
    return i === NONE ? null : new MirrorNode(this, i);
  }

  typeOf(i: number): string {
    return this.types[this.typeIds[i]!] || 'ERROR';
  }

  /** Row and column of a text index (columns count UTF-16 code units, as web-tree-sitter reports them for a string). */
  point(index: number): Point {
    const starts = (this.lineStarts ??= lineStartsOf(this.text));
    const row = lineAt(starts, index);
    return { row, column: index - starts[row]! };
  }

  /** The index just past the subtree of node `i` (its descendants are the nodes between). */
  subtreeEnd(i: number): number {
    for (let p = i; p !== NONE; p = this.parents[p]!) if (this.nextSiblings[p] !== NONE) return this.nextSiblings[p]!;
    return this.count;
  }

  hasError(i: number): boolean {
    if (i === 0) return this.rootHasError;
    if (!this.errors) {
      // Children come after their parent: one backward pass gives every node's answer.
      const errors = (this.errors = new Int8Array(this.count));
      for (let j = this.count - 1; j >= 0; j--) {
        if (this.typeIds[j] === ERROR_TYPE_ID || this.flags[j]! & MISSING) errors[j] = 1;
        if (errors[j] && this.parents[j] !== NONE) errors[this.parents[j]!] = 1;
      }
    }
    return this.errors[i] === 1;
  }
}

/** A view of one node of a copied tree. Two views of the same node have the same `id`. */
export class MirrorNode {
  constructor(readonly tree: MirrorTree, private readonly index: number) {}

  /** The node's index plus one: never 0, so that an id is never falsy (web-tree-sitter's ids are addresses). */
  get id(): number {
    return this.index + 1;
  }

  get type(): string {
    return this.tree.typeOf(this.index);
  }

  get startIndex(): number {
    return this.tree.starts[this.index]!;
  }

  get endIndex(): number {
    return this.tree.ends[this.index]!;
  }

  get isNamed(): boolean {
    return (this.tree.flags[this.index]! & NAMED) !== 0;
  }

  get isMissing(): boolean {
    return (this.tree.flags[this.index]! & MISSING) !== 0;
  }

  get text(): string {
    return this.tree.text.slice(this.startIndex, this.endIndex);
  }

  get startPosition(): Point {
    return this.tree.point(this.startIndex);
  }

  get endPosition(): Point {
    return this.tree.point(this.endIndex);
  }

  get isError(): boolean {
    return this.tree.typeIds[this.index] === ERROR_TYPE_ID;
  }

  get hasError(): boolean {
    return this.tree.hasError(this.index);
  }

  get parent(): MirrorNode | null {
    return this.tree.node(this.tree.parents[this.index]!);
  }

  get children(): MirrorNode[] {
    const found: MirrorNode[] = [];
    for (let c = this.tree.firstChildren[this.index]!; c !== NONE; c = this.tree.nextSiblings[c]!) found.push(new MirrorNode(this.tree, c));
    return found;
  }

  get childCount(): number {
    let n = 0;
    for (let c = this.tree.firstChildren[this.index]!; c !== NONE; c = this.tree.nextSiblings[c]!) n++;
    return n;
  }

  child(index: number): MirrorNode | null {
    for (let c = this.tree.firstChildren[this.index]!; c !== NONE; c = this.tree.nextSiblings[c]!) if (index-- === 0) return new MirrorNode(this.tree, c);
    return null;
  }

  get namedChildren(): MirrorNode[] {
    const found: MirrorNode[] = [];
    const { flags, nextSiblings } = this.tree;
    for (let c = this.tree.firstChildren[this.index]!; c !== NONE; c = nextSiblings[c]!) if (flags[c]! & NAMED) found.push(new MirrorNode(this.tree, c));
    return found;
  }

  get namedChildCount(): number {
    let n = 0;
    for (let c = this.tree.firstChildren[this.index]!; c !== NONE; c = this.tree.nextSiblings[c]!) if (this.tree.flags[c]! & NAMED) n++;
    return n;
  }

  namedChild(index: number): MirrorNode | null {
    for (let c = this.tree.firstChildren[this.index]!; c !== NONE; c = this.tree.nextSiblings[c]!) if (this.tree.flags[c]! & NAMED && index-- === 0) return new MirrorNode(this.tree, c);
    return null;
  }

  get firstChild(): MirrorNode | null {
    return this.tree.node(this.tree.firstChildren[this.index]!);
  }

  get lastChild(): MirrorNode | null {
    return this.children.at(-1) ?? null;
  }

  get firstNamedChild(): MirrorNode | null {
    return this.namedChild(0);
  }

  get lastNamedChild(): MirrorNode | null {
    return this.namedChildren.at(-1) ?? null;
  }

  childForFieldName(name: string): MirrorNode | null {
    const { fields, fieldIds, nextSiblings } = this.tree;
    for (let c = this.tree.firstChildren[this.index]!; c !== NONE; c = nextSiblings[c]!) if (fieldIds[c] && fields[fieldIds[c]!] === name) return new MirrorNode(this.tree, c);
    return null;
  }

  childrenForFieldName(name: string): MirrorNode[] {
    const { fields, fieldIds, nextSiblings } = this.tree;
    const found: MirrorNode[] = [];
    for (let c = this.tree.firstChildren[this.index]!; c !== NONE; c = nextSiblings[c]!) if (fieldIds[c] && fields[fieldIds[c]!] === name) found.push(new MirrorNode(this.tree, c));
    return found;
  }

  fieldNameForChild(index: number): string | null {
    for (let c = this.tree.firstChildren[this.index]!; c !== NONE; c = this.tree.nextSiblings[c]!) if (index-- === 0) return this.tree.fields[this.tree.fieldIds[c]!] ?? null;
    return null;
  }

  private sibling(step: 1 | -1, named: boolean): MirrorNode | null {
    const siblings = this.parent?.children ?? [];
    for (let i = siblings.findIndex((s) => s.index === this.index) + step; i >= 0 && i < siblings.length; i += step) if (!named || siblings[i]!.isNamed) return siblings[i]!;
    return null;
  }

  get nextSibling(): MirrorNode | null {
    return this.tree.node(this.tree.nextSiblings[this.index]!);
  }

  get previousSibling(): MirrorNode | null {
    return this.sibling(-1, false);
  }

  get nextNamedSibling(): MirrorNode | null {
    return this.sibling(1, true);
  }

  get previousNamedSibling(): MirrorNode | null {
    return this.sibling(-1, true);
  }

  /** The descendants of the given types, in document order (the node itself included, as web-tree-sitter does). */
  descendantsOfType(types: string | readonly string[]): MirrorNode[] {
    const { typeIds } = this.tree;
    const { match, errors } = typeMatcher(this.tree.types, types);
    // Nodes are in preorder: a node's descendants are the nodes after it, up to the first one past its subtree.
    const found: MirrorNode[] = [];
    const end = this.tree.subtreeEnd(this.index);
    for (let i = this.index; i < end; i++) {
      const t = typeIds[i]!;
      if (t === ERROR_TYPE_ID ? errors : match[t]) found.push(new MirrorNode(this.tree, i));
    }
    return found;
  }

  equals(other: { id: number; tree?: unknown } | null | undefined): boolean {
    return other?.id === this.id && other.tree === this.tree;
  }

  walk(): MirrorCursor {
    return new MirrorCursor(this.tree, this.index);
  }

  /** The node as an S-expression of its named descendants (a key, not web-tree-sitter's exact spelling). */
  toString(): string {
    const inner = this.children.map((c) => {
      if (!c.isNamed && !c.isMissing) return '';
      const field = this.tree.fields[this.tree.fieldIds[c.index]!];
      return `${field ? `${field}: ` : ''}${c.toString()}`;
    });
    const head = this.isMissing ? `MISSING ${this.type}` : this.type;
    return `(${[head, ...inner.filter(Boolean)].join(' ')})`;
  }
}

/** A cursor over a copied tree, within the node it was made from. */
export class MirrorCursor {
  private current: number;

  constructor(private readonly tree: MirrorTree, private readonly start: number) {
    this.current = start;
  }

  get currentNode(): MirrorNode {
    return new MirrorNode(this.tree, this.current);
  }

  /** The current node's `id`. */
  get nodeId(): number {
    return this.current + 1;
  }

  get nodeType(): string {
    return this.tree.typeOf(this.current);
  }

  get nodeText(): string {
    return this.tree.text.slice(this.tree.starts[this.current], this.tree.ends[this.current]);
  }

  get nodeIsNamed(): boolean {
    return (this.tree.flags[this.current]! & NAMED) !== 0;
  }

  get nodeIsMissing(): boolean {
    return (this.tree.flags[this.current]! & MISSING) !== 0;
  }

  get startIndex(): number {
    return this.tree.starts[this.current]!;
  }

  get endIndex(): number {
    return this.tree.ends[this.current]!;
  }

  get startPosition(): Point {
    return this.tree.point(this.startIndex);
  }

  get endPosition(): Point {
    return this.tree.point(this.endIndex);
  }

  get currentFieldName(): string | null {
    return this.current === this.start ? null : (this.tree.fields[this.tree.fieldIds[this.current]!] ?? null);
  }

  gotoFirstChild(): boolean {
    const first = this.tree.firstChildren[this.current]!;
    if (first === NONE) return false;
    this.current = first;
    return true;
  }

  gotoNextSibling(): boolean {
    if (this.current === this.start) return false;
    const next = this.tree.nextSiblings[this.current]!;
    if (next === NONE) return false;
    this.current = next;
    return true;
  }

  gotoParent(): boolean {
    if (this.current === this.start) return false;
    this.current = this.tree.parents[this.current]!;
    return true;
  }

  delete(): void {}
}

/** Thrown inside the copy's walk when the tree goes deeper than asked. */
const TOO_DEEP = Symbol('too deep');

/**
 * Copy a tree (parsed from `text`) out of the wasm module. The copy is read as web-tree-sitter nodes are (`Node`),
 * so that the front-ends' code reads either. With `depthLimit`, a tree that goes deeper is not copied: undefined.
 */
export function mirrorTree(tree: Tree, text: string): Node;
export function mirrorTree(tree: Tree, text: string, depthLimit: number): Node | undefined;
export function mirrorTree(tree: Tree, text: string, depthLimit = Infinity): Node | undefined {
  const language = tree.language;
  const types = language.types;
  const copy = new MirrorTree(text, types, language.fields);
  // Whether a type is named is the grammar's, read once per type (a read per node is a call into the module).
  const named = types.map((_, typeId) => language.nodeTypeIsNamed(typeId));
  const cursor = tree.walk();
  try {
    const visit = (parent: number, fieldId: number, depth: number): number => {
      if (depth > depthLimit) throw TOO_DEEP;
      const typeId = cursor.nodeTypeId;
      const start = cursor.startIndex;
      const end = cursor.endIndex;
      // Only an empty node can be a missing one.
      const flags = (typeId === ERROR_TYPE_ID || named[typeId] ? NAMED : 0) | (start === end && cursor.nodeIsMissing ? MISSING : 0);
      const id = copy.add(typeId, start, end, parent, fieldId, flags);
      if (cursor.gotoFirstChild()) {
        // An ERROR node has no fields (web-tree-sitter's childForFieldName finds none), though a cursor names some.
        const withFields = typeId !== ERROR_TYPE_ID;
        let previous = NONE;
        do {
          const child = visit(id, withFields ? cursor.currentFieldId : 0, depth + 1);
          if (previous === NONE) copy.firstChildren[id] = child;
          else copy.nextSiblings[previous] = child;
          previous = child;
        } while (cursor.gotoNextSibling());
        cursor.gotoParent();
      }
      return id;
    };
    visit(NONE, 0, 0);
  } catch (e) {
    if (e === TOO_DEEP) return undefined;
    throw e;
  } finally {
    cursor.delete();
  }
  copy.rootHasError = tree.rootNode.hasError;
  return new MirrorNode(copy, 0) as unknown as Node;
}

/**
 * Function models kept from one analysis of a C file to the next, for an editor's host (the project index), which
 * analyses the same file again after each edit: an edit changes one function, and the others need not be built
 * again. A kept model is taken when the function's text and its column are the same, and so is everything of the
 * file it was built with (the file context: macros, id variables, noreturn names, the project's macros and
 * vocabulary); a function that moved up or down takes its model with every line moved as far. Event ids are given
 * again in the order a fresh build gives them: a function's events are numbered one after another while it is
 * built, so the kept ones are moved to where the counter stands. Turned on with the tree memory (`rememberTrees`).
 */
import type { Node } from 'web-tree-sitter';
import type { FunctionModel } from '../model.js';
import { treesRemembered } from '../parser.js';

interface Kept {
  model: FunctionModel;
  /** Row of the definition's start when it was built. */
  row: number;
  /** The first event id it was built with, and how many ids it took. */
  firstId: number;
  ids: number;
}

/** Counts the event ids a build takes. */
export interface Counter {
  next: () => number;
  firstId: number | undefined;
  ids: number;
}

/** The models kept for one file, under one file context: by the function's column and text. */
interface FileEntry {
  context: string;
  functions: Map<string, Kept[]>;
}

const memory = new Map<string, FileEntry>();

/**
 * A definition's text and column. Where the parser recovered from errors inside it, the shape of its tree too:
 * recovery may read the same text differently in another context.
 */
const keyOf = (def: Node): string => `${def.startPosition.column}\0${def.text}${def.hasError ? `\0${def.toString()}` : ''}`;

/** One analysis of a file: takes kept models, keeps the ones built; what was not used is forgotten at the end. */
export class FileFunctions {
  private readonly next = new Map<string, Kept[]>();

  constructor(
    private readonly path: string,
    private readonly context: string,
    private readonly previous: Map<string, Kept[]> | undefined,
  ) {}

  /** The model kept for `def`, moved to its place and numbered from the counter, or undefined. */
  take(def: Node, nextEventId: () => number): FunctionModel | undefined {
    const key = keyOf(def);
    const candidates = this.previous?.get(key);
    const kept = candidates?.shift();
    if (!kept) return undefined;
    functionMemoryStats.taken++;
    this.remember(key, kept);
    let first: number | undefined;
    for (let i = 0; i < kept.ids; i++) {
      const id = nextEventId();
      first ??= id;
    }
    // the kept copy stays as it was built: a copy moved from there each time
    return movedCopy(kept.model, def.startPosition.row - kept.row, first === undefined ? 0 : first - kept.firstId);
  }

  /** A counter over the file's event ids, for a function about to be built. */
  counting(nextEventId: () => number): Counter {
    const counter: Counter = {
      firstId: undefined,
      ids: 0,
      next: () => {
        const id = nextEventId();
        counter.firstId ??= id;
        counter.ids++;
        return id;
      },
    };
    return counter;
  }

  /** Keep the model just built for `def` (a copy: the project marks and links the models it is given). */
  keep(def: Node, model: FunctionModel, counter: Counter): void {
    functionMemoryStats.built++;
    this.remember(keyOf(def), { model: movedCopy(model, 0, 0), row: def.startPosition.row, firstId: counter.firstId ?? 0, ids: counter.ids });
  }

  private remember(key: string, kept: Kept): void {
    const list = this.next.get(key) ?? [];
    list.push(kept);
    this.next.set(key, list);
  }

  /** The analysis is over: what it kept replaces what the file had. */
  done(): void {
    memory.delete(this.path);
    memory.set(this.path, { context: this.context, functions: this.next });
    for (const oldest of memory.keys()) {
      if (memory.size <= treesRemembered()) break;
      memory.delete(oldest);
    }
  }
}

/** The kept function models, when the tree memory is on (an editor's host); else undefined. */
export const functionMemory = {
  forFile(path: string, context: unknown): FileFunctions | undefined {
    if (!treesRemembered()) return undefined;
    const key = JSON.stringify(context);
    const entry = memory.get(path);
    return new FileFunctions(path, key, entry && entry.context === key ? entry.functions : undefined);
  },
};

/** Forget every kept model (tests). */
export function forgetFunctionModels(): void {
  memory.clear();
}

/**
 * A copy of the model (plain data, as the model caches keep it) with every line of its source locations moved by
 * `rows` and every event id by `ids`. Written out rather than structuredClone: this is the whole cost of a kept
 * function, several times cheaper so.
 */
function movedCopy(model: FunctionModel, rows: number, ids: number): FunctionModel {
  const copy = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    if (Array.isArray(value)) return value.map(copy);
    const o = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k in o) out[k] = copy(o[k]);
    if (rows && typeof o.file === 'string' && typeof o.line === 'number' && typeof o.endLine === 'number' && typeof o.column === 'number') {
      out.line = o.line + rows;
      out.endLine = (o.endLine as number) + rows;
    }
    return out;
  };
  const moved = copy(model) as FunctionModel;
  if (ids) {
    for (const node of moved.cfg.nodes) {
      for (const e of node.events) e.id += ids;
      for (const t of node.tests ?? []) if ('event' in t.subject) t.subject = { event: t.subject.event + ids };
    }
  }
  return moved;
}

/** Functions taken from the memory and built afresh, since the process started (for tests and the bench). */
export const functionMemoryStats = { taken: 0, built: 0 };

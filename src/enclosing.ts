/**
 * The named function each finding's primary location lies in, from the file models: fingerprints use it so that a
 * baseline survives the function moving within its file. Anonymous callbacks take the name of the named function
 * around them; a module's top level is `<top level>`.
 */
import type { FunctionModel, FileModel, SourceLoc } from './model.js';
import type { Finding } from './rules/rule.js';

type Position = [line: number, column: number];

interface Extent {
  fn: FunctionModel;
  from: Position;
  to: Position;
}

function earlier(a: Position, b: Position): boolean {
  return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
}

function contains(outer: Extent, inner: { from: Position; to: Position }): boolean {
  return !earlier(inner.from, outer.from) && !earlier(outer.to, inner.to);
}

function size(e: Extent): number {
  return (e.to[0] - e.from[0]) * 100_000 + (e.to[1] - e.from[1]);
}

/** The text a function goes by in fingerprints, or undefined for an anonymous one. */
function shownName(fn: FunctionModel): string | undefined {
  if (fn.name.startsWith('<module:')) return '<top level>';
  if (fn.name.startsWith('<default:')) return '<default export>';
  if (fn.name.startsWith('<')) return undefined;
  return fn.name;
}

/** From the function's own location to the last statement of its control-flow graph. */
function extentOf(fn: FunctionModel): Extent {
  let from: Position = [fn.loc.line, fn.loc.column];
  let to: Position = [fn.loc.endLine, fn.loc.endColumn];
  const widen = (loc: SourceLoc): void => {
    if (earlier([loc.line, loc.column], from)) from = [loc.line, loc.column];
    if (earlier(to, [loc.endLine, loc.endColumn])) to = [loc.endLine, loc.endColumn];
  };
  for (const node of fn.cfg.nodes) {
    if (node.loc) widen(node.loc);
    for (const e of node.events) widen(e.loc);
  }
  return { fn, from, to };
}

/** Set `function` on every finding whose location lies in a function of the models. */
export function annotateFunctions(findings: Finding[], models: readonly FileModel[]): void {
  const byFile = new Map(models.map((m) => [m.path, m]));
  const extents = new Map<string, Extent[]>();
  const atEvent = new Map<string, Map<string, Extent>>();
  for (const f of findings) {
    const model = byFile.get(f.loc.file);
    if (!model) continue;
    let list = extents.get(model.path);
    let events = atEvent.get(model.path);
    if (!list || !events) {
      list = model.functions.map(extentOf).sort((a, b) => size(a) - size(b));
      events = new Map();
      for (const ext of list) for (const node of ext.fn.cfg.nodes) for (const e of node.events) {
        const key = `${e.loc.line}:${e.loc.column}`;
        if (!events.has(key)) events.set(key, ext); // smallest first: the innermost function wins
      }
      extents.set(model.path, list);
      atEvent.set(model.path, events);
    }
    const at: Position = [f.loc.line, f.loc.column];
    let ext = events.get(`${at[0]}:${at[1]}`) ?? list.find((x) => contains(x, { from: at, to: at }));
    while (ext && shownName(ext.fn) === undefined) {
      const inner = ext;
      ext = list.find((x) => x !== inner && size(x) >= size(inner) && contains(x, inner));
    }
    const name = ext && shownName(ext.fn);
    if (name !== undefined) f.function = name;
  }
}

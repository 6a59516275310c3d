/**
 * An edit that moves code without changing it (a comment or a blank line added, a function that is not parsed
 * edited): every model of the unit is the one the last analysis had, but for the positions of the edited file's
 * code. The analysis reads positions only as places (a finding's location, a key per rule and place, a line cited
 * in a message, the place an edit is made), never to decide anything: so its findings are the last ones, each
 * position moved as the code moved. The project index asks for them again (`EngineOptions.placed`) instead of
 * analysing the unit.
 */
import type { FileModel, SourceLoc } from '../model.js';
import type { EditIntent } from '../fix/edit.js';
import { CitingMessage, LineCitation, type Finding, type MessageText } from '../rules/rule.js';

/** A finding as the analysis kept it, before its edits and its function were added, with what its texts cite. */
export interface PlacedFinding {
  /** The finding as reported (its messages written out), without `autofix` and `function`. */
  base: Finding;
  message: MessageText;
  related: { loc: SourceLoc; message: MessageText }[];
  intent?: EditIntent;
}

/** The last analysis asked for one file, as far as it can be placed again. */
export interface Placed {
  focus: string;
  /** A digest of everything the analysis read but the file's texts (engine.ts `inputsKeys`). */
  key: string;
  /** The models parsed, in the unit's order (the same objects while their texts are the same). */
  models: readonly FileModel[];
  /** The struct members the unit defines as arrays (`arrayMembers`), read from every text. */
  arrays: ReadonlySet<string>;
  analysed: string[];
  findings: PlacedFinding[];
}

/** The project index's memory of its last analysis (see `Placed`). */
export class PlacedMemory {
  last: Placed | undefined;
  /** (tests, bench) Analyses answered by placing the last findings again. */
  answers = 0;
}

const LOC_KEYS = ['file', 'line', 'column', 'endLine', 'endColumn'];

function isLoc(value: object): value is SourceLoc {
  if (typeof (value as SourceLoc).endColumn !== 'number') return false;
  const keys = Object.keys(value);
  return keys.length === 5 && keys.every((k, i) => k === LOC_KEYS[i]) && typeof (value as SourceLoc).file === 'string';
}

/**
 * Whether `now` is `old` with only the positions in `file` moved, and moved in order: the same values everywhere
 * else (the same keys in the same order, the same sharing of objects), each location paired with one location,
 * and the points (line, column) of the file's locations in the same order before and after, lines kept apart and
 * together as they were (so that every comparison of two places, and every line cited, says the same). The
 * models' diagnostics are not compared (the analysis does not read them). The pairs, old to new; undefined when
 * anything else differs.
 */
export function movedPlaces(old: FileModel, now: FileModel, file: string): Moves | undefined {
  const pairs = new Map<object, object>();
  const taken = new Set<object>();
  const locs = new Map<SourceLoc, SourceLoc>();
  const same = (a: unknown, b: unknown): boolean => {
    if (a === b && (typeof a !== 'object' || a === null)) return true;
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
    const paired = pairs.get(a);
    if (paired !== undefined) return paired === b;
    if (taken.has(b)) return false;
    pairs.set(a, b);
    taken.add(b);
    if (a === b) return true; // one object in both (its places, if any, have not moved)
    if (Array.isArray(a)) {
      if (!Array.isArray(b) || a.length !== b.length) return false;
      for (let i = 0; i < a.length; i++) if (!same(a[i], b[i])) return false;
      return true;
    }
    if (Object.getPrototypeOf(a) !== Object.prototype || Object.getPrototypeOf(b) !== Object.prototype) return false;
    if (isLoc(a)) {
      if (!isLoc(b) || a.file !== b.file) return false;
      if (a.file !== file && (a.line !== b.line || a.column !== b.column || a.endLine !== b.endLine || a.endColumn !== b.endColumn)) return false;
      locs.set(a, b);
      return true;
    }
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    for (let i = 0; i < ka.length; i++) {
      const k = ka[i]!;
      if (k !== kb[i]) return false;
      if (a === old && k === 'diagnostics') continue;
      if (!same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
    }
    return true;
  };
  if (!same(old, now)) return undefined;
  // The points, old and new, in the order of the old ones: the same order after, no two made one or one made two.
  const points: [number, number, number, number][] = [];
  for (const [a, b] of locs) {
    if (a.file !== file) continue;
    points.push([a.line, a.column, b.line, b.column], [a.endLine, a.endColumn, b.endLine, b.endColumn]);
  }
  points.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const moves = new Map<number, readonly [number, number]>();
  for (let i = 0; i < points.length; i++) {
    const [l1, c1, m1, d1] = points[i]!;
    if (!(c1 >= 0 && c1 < COLUMNS)) return undefined;
    moves.set(l1 * COLUMNS + c1, [m1, d1]);
    if (i === 0) continue;
    const [l0, c0, m0, d0] = points[i - 1]!;
    if (l1 === l0 ? m1 !== m0 : m1 <= m0) return undefined; // lines: as many, in the same order
    if (l1 === l0 && c1 === c0 ? d1 !== d0 : m1 === m0 && d1 <= d0) return undefined; // points on a line likewise
  }
  return moves;
}

/** Where each point (line, column) of the file's locations moved: keyed `line * COLUMNS + column`. */
export type Moves = ReadonlyMap<number, readonly [line: number, column: number]>;
const COLUMNS = 2 ** 21;

/**
 * The last findings with their places moved (`moves`, from `movedPlaces`): their locations, the lines their
 * messages cite and the places of their edits. Undefined when one names a point of the file that is no point of its
 * models' locations (nothing then says where it moved).
 */
export function movedFindings(findings: readonly PlacedFinding[], file: string, moves: Moves): PlacedFinding[] | undefined {
  let lost = false;
  // A location as the analysis would have made it of the moved models: a copy of the one before, its points moved.
  const moved = (loc: SourceLoc): SourceLoc => {
    if (loc.file !== file) return loc;
    const start = moves.get(loc.line * COLUMNS + loc.column);
    const end = moves.get(loc.endLine * COLUMNS + loc.endColumn);
    if (!start || !end || !(loc.column < COLUMNS && loc.endColumn < COLUMNS)) {
      lost = true;
      return loc;
    }
    return { ...loc, line: start[0], column: start[1], endLine: end[0], endColumn: end[1] };
  };
  const text = (m: MessageText): MessageText => (typeof m === 'string' ? m : new CitingMessage(m.parts.map((p) => (typeof p === 'string' ? p : new LineCitation(moved(p.loc))))));
  const intent = (i: EditIntent): EditIntent => (i.kind === 'reorder' ? { ...i, calls: i.calls.map((c) => ({ ...c, at: moved(c.at) })) } : { ...i, at: moved(i.at) });
  const out = findings.map((f): PlacedFinding => ({
    base: { ...f.base, loc: moved(f.base.loc) },
    message: text(f.message),
    related: f.related.map((r) => ({ ...r, loc: moved(r.loc), message: text(r.message) })),
    ...(f.intent ? { intent: intent(f.intent) } : {}),
  }));
  return lost ? undefined : out;
}

/**
 * Programs are separate: every file belongs to a unit, the outermost directory above it that a build or package
 * marks as a project (package.json, configure.ac, CMakeLists.txt, Makefile, .git, …), looking no higher than the
 * repository (.git) that holds it, or the working directory when the file is inside it. A unit is analysed on
 * its own, so its findings never depend on what else is in the run. Files under no marker share the unit "".
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

const MARKERS = [
  '.git', 'package.json', 'configure.ac', 'configure.in', 'configure', 'CMakeLists.txt', 'meson.build', 'Makefile.am',
  'Makefile', 'GNUmakefile', 'makefile', 'privlint.json', '.privlintrc.json', 'Cargo.toml', 'go.mod', 'WORKSPACE',
];

export class UnitFinder {
  private readonly marked = new Map<string, boolean>();
  private readonly units = new Map<string, string>();

  constructor(private readonly cwd: string) {}

  /** The unit of a file (absolute path), as an absolute directory, or "" when no marker is above it. */
  unitOf(file: string): string {
    const dir = path.dirname(path.resolve(file));
    const known = this.units.get(dir);
    if (known !== undefined) return known;
    let unit = '';
    const insideCwd = !path.relative(this.cwd, dir).startsWith('..');
    for (let d = dir; ; d = path.dirname(d)) {
      if (this.hasMarker(d)) unit = d;
      if (insideCwd && d === this.cwd) break;
      if (this.isRepositoryRoot(d)) break;
      if (path.dirname(d) === d) break;
    }
    this.units.set(dir, unit);
    return unit;
  }

  private hasMarker(dir: string): boolean {
    let m = this.marked.get(dir);
    if (m === undefined) {
      m = MARKERS.some((name) => existsSync(path.join(dir, name)));
      this.marked.set(dir, m);
    }
    return m;
  }

  private isRepositoryRoot(dir: string): boolean {
    return existsSync(path.join(dir, '.git'));
  }
}

/** Sources grouped by unit, units in a stable order (by name). */
export function groupByUnit<T extends { unit?: string }>(sources: T[]): { unit: string; sources: T[] }[] {
  const groups = new Map<string, T[]>();
  for (const s of sources) {
    const key = s.unit ?? '';
    const list = groups.get(key) ?? [];
    list.push(s);
    groups.set(key, list);
  }
  return [...groups.keys()].sort().map((unit) => ({ unit, sources: groups.get(unit)! }));
}

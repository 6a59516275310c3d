/** Finding the files to analyse: directory walks that honour .gitignore and never loop on symlinks. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { Diagnostic, Language } from './model.js';

const EXTENSIONS: Record<string, Language> = {
  '.c': 'c', '.h': 'c',
  '.ts': 'node', '.tsx': 'node', '.mts': 'node', '.cts': 'node', '.js': 'node', '.jsx': 'node', '.mjs': 'node', '.cjs': 'node',
};
const ALWAYS_SKIPPED = new Set(['.git', 'node_modules', '.hg', '.svn']);

export function languageOf(file: string): Language | undefined {
  if (file.endsWith('.d.ts') || file.endsWith('.d.mts') || file.endsWith('.d.cts')) return undefined; // declarations only
  return EXTENSIONS[path.extname(file).toLowerCase()];
}

export function displayPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return (rel.startsWith('..') || path.isAbsolute(rel) ? file : rel).split(path.sep).join('/');
}

interface IgnoreLayer {
  base: string;
  rules: Ignore;
}

async function readIgnoreFile(dir: string): Promise<Ignore | undefined> {
  try {
    return ignore().add(await fs.readFile(path.join(dir, '.gitignore'), 'utf8'));
  } catch {
    return undefined;
  }
}

function ignored(layers: IgnoreLayer[], file: string, isDir: boolean): boolean {
  for (const l of layers) {
    const rel = path.relative(l.base, file).split(path.sep).join('/');
    if (!rel || rel.startsWith('..')) continue;
    if (l.rules.ignores(isDir ? `${rel}/` : rel)) return true;
  }
  return false;
}

/** Expand paths into the source files to analyse. Explicit files are taken as given. */
export async function collectFiles(paths: string[], extraIgnores: string[], cwd: string): Promise<{ files: string[]; diagnostics: Diagnostic[] }> {
  const files = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  const visitedDirs = new Set<string>();
  const configLayer: IgnoreLayer = { base: cwd, rules: ignore().add(extraIgnores) };

  const walk = async (dir: string, layers: IgnoreLayer[]): Promise<void> => {
    let real: string;
    try {
      real = await fs.realpath(dir);
    } catch (e) {
      diagnostics.push({ file: displayPath(dir, cwd), level: 'error', message: `cannot read directory: ${(e as Error).message}` });
      return;
    }
    if (visitedDirs.has(real)) {
      diagnostics.push({ file: displayPath(dir, cwd), level: 'warning', message: 'directory already visited through a symbolic link (loop or duplicate); skipped' });
      return;
    }
    visitedDirs.add(real);
    const own = await readIgnoreFile(dir);
    const here = own ? [...layers, { base: dir, rules: own }] : layers;
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (e) {
      diagnostics.push({ file: displayPath(dir, cwd), level: 'error', message: `cannot read directory: ${(e as Error).message}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (ALWAYS_SKIPPED.has(entry.name)) continue;
      const full = path.join(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const st = await fs.stat(full);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch {
          diagnostics.push({ file: displayPath(full, cwd), level: 'warning', message: 'broken symbolic link; skipped' });
          continue;
        }
      }
      if (ignored(here, full, isDir)) continue;
      if (isDir) await walk(full, here);
      else if (isFile && languageOf(full)) files.add(full);
    }
  };

  for (const p of paths) {
    const full = path.resolve(cwd, p);
    let st;
    try {
      st = await fs.stat(full);
    } catch (e) {
      diagnostics.push({ file: p, level: 'error', message: `cannot read: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}` });
      continue;
    }
    if (st.isDirectory()) {
      const gitignores = await ancestorIgnores(full);
      await walk(full, [configLayer, ...gitignores]);
    } else files.add(full);
  }
  return { files: [...files].sort(), diagnostics };
}

/** .gitignore files of the directories above a scanned directory, up to the repository root. */
async function ancestorIgnores(dir: string): Promise<IgnoreLayer[]> {
  const layers: IgnoreLayer[] = [];
  let cur = path.dirname(dir);
  for (let depth = 0; depth < 64 && cur !== path.dirname(cur); depth++) {
    const rules = await readIgnoreFile(cur);
    if (rules) layers.unshift({ base: cur, rules });
    try {
      await fs.access(path.join(cur, '.git'));
      break;
    } catch {
      cur = path.dirname(cur);
    }
  }
  return layers;
}

/** Finding the files to analyse (directory walks that honour .gitignore and never loop on symlinks) and reading them. */
import { constants as fsConstants, promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { Diagnostic, Language } from './model.js';

/** Larger files are reported and skipped (generated code; the analysis is meant for programs). */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;

export interface CollectOptions {
  /** Honour .gitignore files (default true). */
  gitignore?: boolean;
  /** The directory the extra ignore globs are relative to (default: the working directory). */
  ignoreBase?: string;
}

/** What a failed file-system call means, for a diagnostic. */
export function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT':
      return 'no longer exists (deleted or renamed during the run)';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'symbolic link loop';
    case 'EISDIR':
      return 'is a directory';
    case 'ENAMETOOLONG':
      return 'path too long';
    default:
      return err.message;
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

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
export async function collectFiles(paths: string[], extraIgnores: string[], cwd: string, options: CollectOptions = {}): Promise<{ files: string[]; diagnostics: Diagnostic[] }> {
  const files = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  const visitedDirs = new Set<string>();
  const configLayer: IgnoreLayer = { base: options.ignoreBase ?? cwd, rules: ignore().add(extraIgnores) };
  const gitignore = options.gitignore ?? true;

  const walk = async (dir: string, layers: IgnoreLayer[]): Promise<void> => {
    let real: string;
    try {
      real = await fs.realpath(dir);
    } catch (e) {
      diagnostics.push({ file: displayPath(dir, cwd), level: 'error', message: `cannot read directory: ${describeFsError(e)}` });
      return;
    }
    if (visitedDirs.has(real)) {
      diagnostics.push({ file: displayPath(dir, cwd), level: 'warning', message: 'directory already visited through a symbolic link (loop or duplicate); skipped' });
      return;
    }
    visitedDirs.add(real);
    const own = gitignore ? await readIgnoreFile(dir) : undefined;
    const here = own ? [...layers, { base: dir, rules: own }] : layers;
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true, encoding: 'buffer' });
    } catch (e) {
      diagnostics.push({ file: displayPath(dir, cwd), level: 'error', message: `cannot read directory: ${describeFsError(e)}` });
      return;
    }
    const named = entries.map((entry) => ({ entry, name: entry.name.toString('utf8'), raw: entry.name }));
    named.sort((a, b) => Buffer.compare(a.raw, b.raw));
    for (const { entry, name, raw } of named) {
      if (ALWAYS_SKIPPED.has(name)) continue;
      const full = path.join(dir, name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (!validUtf8(raw)) {
        // The name cannot be written as a string: fs calls with it would reach another name, or none.
        if (!ignored(here, full, isDir) && (isDir || languageOf(name))) {
          diagnostics.push({ file: displayPath(full, cwd), level: 'error', message: `${isDir ? 'directory' : 'file'} name is not valid UTF-8; skipped (rename it to have it analysed)` });
        }
        continue;
      }
      if (entry.isSymbolicLink()) {
        try {
          const st = await fs.stat(full);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch (e) {
          const loop = (e as NodeJS.ErrnoException).code === 'ELOOP';
          diagnostics.push({ file: displayPath(full, cwd), level: 'warning', message: loop ? 'symbolic link loop; skipped' : 'broken symbolic link; skipped' });
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
      diagnostics.push({ file: p, level: 'error', message: `cannot read: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : describeFsError(e)}` });
      continue;
    }
    if (st.isDirectory()) {
      const gitignores = gitignore ? await ancestorIgnores(full) : [];
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

function validUtf8(bytes: Buffer): boolean {
  try {
    UTF8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

export interface SourceText {
  /** Path as shown in reports. */
  path: string;
  text: string;
}

/**
 * A source read once (and checked) whose text is not kept. `file` is where to read it again (`readDeferredText`;
 * the `text` getter, not enumerable, does that too, so the source can be cloned to a worker without its text).
 * `size` is the text's length, and `directives` whether it names a privlint- directive, both known without
 * reading it again. A run over a large tree then holds only the texts of the units being analysed.
 */
export function deferredText<T extends SourceText>(source: T, file: string): Omit<T, 'text'> & { text: string; size: number; directives: boolean; file: string } {
  const { text, ...rest } = source;
  const deferred = { ...rest, size: text.length, directives: text.includes('privlint-'), file };
  Object.defineProperty(deferred, 'text', { enumerable: false, get: (): string => readDeferredText(deferred) });
  return deferred as Omit<T, 'text'> & { text: string; size: number; directives: boolean; file: string };
}

/** A deferred source's text, read again from its file (an Error that says why when it cannot be). */
export function readDeferredText(source: { path: string; file: string }): string {
  try {
    return UTF8.decode(readFileSync(source.file));
  } catch (e) {
    throw new Error(`${source.path}: cannot read the file again: ${e instanceof TypeError ? 'it is no longer valid UTF-8' : describeFsError(e)}`);
  }
}

/**
 * A source file's text, or the diagnostic that says why it cannot be analysed. The file is opened once and read
 * through that handle: it must be a regular file (never a pipe or device, which could block), within the size limit,
 * unchanged while it was read, free of NUL bytes and valid UTF-8.
 */
export async function readSource(file: string, shown: string): Promise<SourceText | Diagnostic> {
  const fail = (message: string): Diagnostic => ({ file: shown, level: 'error', message });
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (e) {
    return fail(`cannot read file: ${describeFsError(e)}`);
  }
  let bytes: Buffer;
  try {
    const before = await handle.stat();
    if (!before.isFile()) return fail('not a regular file (a pipe, socket or device); skipped');
    if (before.size > MAX_FILE_BYTES) return fail(`file is too large to analyse (${before.size} bytes; the limit is ${MAX_FILE_BYTES})`);
    bytes = await handle.readFile();
    if (bytes.length > MAX_FILE_BYTES) return fail(`file is too large to analyse (it grew to ${bytes.length} bytes while read; the limit is ${MAX_FILE_BYTES})`);
    const after = await handle.stat();
    if (after.size !== bytes.length || after.mtimeMs !== before.mtimeMs) return fail('file changed while it was being read; skipped (run again once it is written)');
  } catch (e) {
    return fail(`cannot read file: ${describeFsError(e)}`);
  } finally {
    await handle.close();
  }
  if (bytes.subarray(0, 8192).includes(0)) return fail('binary file (contains NUL bytes); skipped');
  try {
    return { path: shown, text: UTF8.decode(bytes) };
  } catch {
    return fail('file is not valid UTF-8; skipped');
  }
}

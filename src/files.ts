/** Finding the files to analyse (directory walks that honour .gitignore and never loop on symlinks) and reading them. */
import { closeSync, constants as fsConstants, existsSync, fstatSync, openSync, readdirSync, readFileSync, readSync, realpathSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { isUtf8 } from 'node:buffer';
import ignore, { type Ignore } from 'ignore';
import { contentDigest } from './engine/cache.js';
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

function readIgnoreFile(dir: string): Ignore | undefined {
  try {
    return ignore().add(readFileSync(path.join(dir, '.gitignore'), 'utf8'));
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

/**
 * Expand paths into the source files to analyse. Explicit files are taken as given. The file system is asked
 * synchronously: a tree of 30,000 files is walked in one pass, not in 30,000 round trips through libuv's pool.
 */
export async function collectFiles(paths: string[], extraIgnores: string[], cwd: string, options: CollectOptions = {}): Promise<{ files: string[]; diagnostics: Diagnostic[] }> {
  const files = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  const visitedDirs = new Set<string>();
  const configLayer: IgnoreLayer = { base: options.ignoreBase ?? cwd, rules: ignore().add(extraIgnores) };
  const gitignore = options.gitignore ?? true;

  // `real` is the directory's real path when it is known without asking: a subdirectory that is not a symbolic
  // link is its parent's real path and its name.
  const walk = (dir: string, layers: IgnoreLayer[], known?: string): void => {
    let real: string;
    try {
      real = known ?? realpathSync.native(dir);
    } catch (e) {
      diagnostics.push({ file: displayPath(dir, cwd), level: 'error', message: `cannot read directory: ${describeFsError(e)}` });
      return;
    }
    if (visitedDirs.has(real)) {
      diagnostics.push({ file: displayPath(dir, cwd), level: 'warning', message: 'directory already visited through a symbolic link (loop or duplicate); skipped' });
      return;
    }
    visitedDirs.add(real);
    let entries: Dirent<Buffer>[];
    try {
      entries = readdirSync(dir, { withFileTypes: true, encoding: 'buffer' });
    } catch (e) {
      diagnostics.push({ file: displayPath(dir, cwd), level: 'error', message: `cannot read directory: ${describeFsError(e)}` });
      return;
    }
    const named = entries.map((entry) => ({ entry, name: entry.name.toString('utf8'), raw: entry.name }));
    const own = gitignore && named.some((n) => n.name === '.gitignore') ? readIgnoreFile(dir) : undefined;
    const here = own ? [...layers, { base: dir, rules: own }] : layers;
    named.sort((a, b) => Buffer.compare(a.raw, b.raw));
    for (const { entry, name, raw } of named) {
      if (ALWAYS_SKIPPED.has(name)) continue;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      const link = entry.isSymbolicLink();
      // Only directories, links and source files can matter; the ignore rules are asked about those alone.
      if (!isDir && !link && !languageOf(name)) continue;
      const full = path.join(dir, name);
      if (!isUtf8(raw)) {
        // The name cannot be written as a string: fs calls with it would reach another name, or none.
        if (!ignored(here, full, isDir) && (isDir || languageOf(name))) {
          diagnostics.push({ file: displayPath(full, cwd), level: 'error', message: `${isDir ? 'directory' : 'file'} name is not valid UTF-8; skipped (rename it to have it analysed)` });
        }
        continue;
      }
      if (link) {
        try {
          const st = statSync(full);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch (e) {
          const loop = (e as NodeJS.ErrnoException).code === 'ELOOP';
          diagnostics.push({ file: displayPath(full, cwd), level: 'warning', message: loop ? 'symbolic link loop; skipped' : 'broken symbolic link; skipped' });
          continue;
        }
      }
      if (!isDir && !(isFile && languageOf(full))) continue;
      if (ignored(here, full, isDir)) continue;
      if (isDir) walk(full, here, link ? undefined : path.join(real, name));
      else files.add(full);
    }
  };

  for (const p of paths) {
    const full = path.resolve(cwd, p);
    let st;
    try {
      st = statSync(full);
    } catch (e) {
      const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
      // `privlint check src`: a word where a command would stand is read as a path (the commands are sequence,
      // explain and merge; the others are paths): say so, and go on with the other paths.
      const word = missing && p === paths[0] && paths.length > 1 && /^[a-z][a-z-]*$/.test(p) ? ` (\`${p}\` is read as a path: privlint's commands are sequence, explain and merge; \`privlint <paths>\` checks the paths)` : '';
      diagnostics.push({ file: p, level: 'error', message: `cannot read: ${missing ? 'no such file or directory' : describeFsError(e)}${word}` });
      continue;
    }
    if (st.isDirectory()) {
      const gitignores = gitignore ? ancestorIgnores(full) : [];
      walk(full, [configLayer, ...gitignores]);
    } else files.add(full);
  }
  return { files: [...files].sort(), diagnostics };
}

/** .gitignore files of the directories above a scanned directory, up to the repository root. */
function ancestorIgnores(dir: string): IgnoreLayer[] {
  const layers: IgnoreLayer[] = [];
  let cur = path.dirname(dir);
  for (let depth = 0; depth < 64 && cur !== path.dirname(cur); depth++) {
    const rules = readIgnoreFile(cur);
    if (rules) layers.unshift({ base: cur, rules });
    if (existsSync(path.join(cur, '.git'))) break;
    cur = path.dirname(cur);
  }
  return layers;
}

/** What is kept of a source read once (and checked) whose text is not: see `deferredSource`. */
export interface DeferredSource {
  path: string;
  /** Its text, read again from `file` each time it is asked for (not enumerable: a clone leaves it behind). */
  text: string;
  /** The length of its text in bytes (UTF-8). */
  size: number;
  /** Whether its text names a privlint- directive. */
  directives: boolean;
  /** The digest of its text as read (`contentDigest`): a cached result is found without reading it again. */
  digest: string;
  /** Where its text is read from. */
  file: string;
}

/**
 * A source read once (and checked) whose text is not kept. `file` is where to read it again (`readDeferredText`;
 * the `text` getter, not enumerable, does that too, so the source can be cloned to a worker without its text).
 * Its size, whether it names a privlint- directive and the digest of its content are known without reading it
 * again. A run over a large tree then holds only the texts of the units being analysed.
 */
export function deferredSource(shown: string, bytes: Buffer, file: string): DeferredSource {
  const deferred = { path: shown, size: bytes.length, directives: bytes.includes('privlint-'), digest: contentDigest(bytes), file };
  Object.defineProperty(deferred, 'text', { enumerable: false, get: (): string => readDeferredText(deferred) });
  return deferred as DeferredSource;
}

/** A deferred source's text, read again from its file (an Error whose message says why when it cannot be). */
export function readDeferredText(source: { path: string; file: string }): string {
  try {
    return sourceText(readFileSync(source.file));
  } catch (e) {
    throw new Error(`cannot be read again: ${e instanceof TypeError ? 'it is no longer valid UTF-8 (changed during the run)' : describeFsError(e)}`);
  }
}

/**
 * A source file's content, or the diagnostic that says why it cannot be analysed. The file is opened once and read
 * through that descriptor: it must be a regular file (never a pipe or device, which could block), within the size
 * limit, unchanged while it was read, free of NUL bytes and valid UTF-8. Synchronous: a run reads its files one
 * after another, and each asynchronous call would be a round trip through libuv's thread pool (five per file).
 * The bytes are those of one buffer reused for every file: they are valid until the next call.
 */
export function readSourceBytes(file: string, shown: string): Buffer | Diagnostic {
  const fail = (message: string): Diagnostic => ({ file: shown, level: 'error', message });
  let fd: number;
  try {
    fd = openSync(file, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (e) {
    return fail(`cannot read file: ${describeFsError(e)}`);
  }
  let bytes: Buffer;
  try {
    const before = fstatSync(fd);
    if (!before.isFile()) return fail('not a regular file (a pipe, socket or device); skipped');
    if (before.size > MAX_FILE_BYTES) return fail(`file is too large to analyse (${before.size} bytes; the limit is ${MAX_FILE_BYTES})`);
    bytes = readWhole(fd, before.size);
    if (bytes.length > MAX_FILE_BYTES) return fail(`file is too large to analyse (it grew to ${bytes.length} bytes while read; the limit is ${MAX_FILE_BYTES})`);
    const after = fstatSync(fd);
    if (after.size !== bytes.length || after.mtimeMs !== before.mtimeMs) return fail('file changed while it was being read; skipped (run again once it is written)');
  } catch (e) {
    return fail(`cannot read file: ${describeFsError(e)}`);
  } finally {
    closeSync(fd);
  }
  if (bytes.subarray(0, 8192).includes(0)) return fail('binary file (contains NUL bytes); skipped');
  if (!isUtf8(bytes)) return fail('file is not valid UTF-8; skipped');
  return bytes;
}

/**
 * The buffer `readWhole` reads into, grown to the largest file read. A run reads every file of the tree once in the
 * main thread and keeps only its digest: a buffer per file (88 MB over the bench corpus, freed in the allocator's
 * arenas) left that thread 20 MB larger for the whole run.
 */
let readBuffer = Buffer.allocUnsafeSlow(1 << 16);

/** The whole content of the open file, read into `readBuffer` up to its end (or just past the size limit). */
function readWhole(fd: number, expected: number): Buffer {
  if (readBuffer.length <= expected) readBuffer = Buffer.allocUnsafeSlow(Math.min(expected + 1, MAX_FILE_BYTES + 1));
  let length = 0;
  for (;;) {
    if (length === readBuffer.length) {
      if (length > MAX_FILE_BYTES) break;
      const grown = Buffer.allocUnsafeSlow(Math.min(2 * length, MAX_FILE_BYTES + 1));
      readBuffer.copy(grown, 0, 0, length);
      readBuffer = grown;
    }
    const read = readSync(fd, readBuffer, length, readBuffer.length - length, null);
    if (read === 0) break;
    length += read;
  }
  return readBuffer.subarray(0, length);
}

/** The text of a source's content checked by `readSourceBytes` (a byte order mark is not part of it). */
export function sourceText(bytes: Buffer): string {
  return UTF8.decode(bytes);
}

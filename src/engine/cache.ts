/**
 * What the engine remembers between runs (`--cache`, a folder on disk) and between edits (the project index, in
 * memory): each file's model, keyed by the text parsed and what the parse depended on, and each unit's result,
 * keyed by the contents of all its files and the configuration. Both keys include privlint's build, so a new
 * version never reads an old entry.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FileModel } from '../model.js';
import { VERSION } from '../links.js';

export interface ModelStore {
  getModel(key: string): { model: FileModel; idBase: number } | undefined;
  setModel(key: string, model: FileModel, idBase: number): void;
}

export interface ResultStore<T> {
  getResult(key: string): T | undefined;
  setResult(key: string, result: T): void;
}

export function hash(...parts: (string | Uint8Array)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 40);
}

/** The digest of a source's content, the same for its text and for its bytes (UTF-8). */
export function contentDigest(content: string | Uint8Array): string {
  return hash(content);
}

let buildId: string | undefined;

/** privlint's version and a digest of its own code, so that a rebuilt privlint never trusts an old cache. */
export function engineBuild(): string {
  if (buildId === undefined) {
    const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
    const parts: string[] = [VERSION];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (/\.(?:js|ts)$/.test(entry.name)) parts.push(entry.name, readFileSync(full, 'utf8'));
      }
    };
    walk(root);
    buildId = hash(...parts);
  }
  return buildId;
}

/** Event ids of a cached model (a fresh copy) moved to the range of the file's place in this run. */
export function relocate(model: FileModel, from: number, to: number): FileModel {
  if (from === to) return model;
  const delta = to - from;
  for (const fn of model.functions) for (const node of fn.cfg.nodes) {
    for (const e of node.events) e.id += delta;
    for (const t of node.tests ?? []) if ('event' in t.subject) t.subject = { event: t.subject.event + delta };
  }
  return model;
}

/**
 * A copy of plain data (what the caches hold: JSON-compatible objects and arrays). Written out rather than
 * structuredClone, which costs several times as much on models of many small objects.
 */
export function copyPlain<V>(value: V): V {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copyPlain) as V;
  const out: Record<string, unknown> = {};
  for (const k in value) out[k] = copyPlain((value as Record<string, unknown>)[k]);
  return out as V;
}

/**
 * The project index's memory. An editor sends a new text at each keystroke: of each file only the model of its
 * latest text is kept, and only the last few unit results (what an undo returns to).
 */
export class MemoryStore<T> implements ModelStore, ResultStore<T> {
  private readonly models = new Map<string, { model: FileModel; idBase: number }>();
  /** The key of the model kept for each file. */
  private readonly modelOf = new Map<string, string>();
  private readonly results = new Map<string, T>();
  static readonly RESULTS_KEPT = 16;

  // Models are kept and handed out as copies: the analysis of a project marks and links the models it is given.
  getModel(key: string): { model: FileModel; idBase: number } | undefined {
    const entry = this.models.get(key);
    return entry && { model: copyPlain(entry.model), idBase: entry.idBase };
  }

  setModel(key: string, model: FileModel, idBase: number): void {
    const older = this.modelOf.get(model.path);
    if (older !== undefined && older !== key) this.models.delete(older);
    this.modelOf.set(model.path, key);
    this.models.set(key, { model: copyPlain(model), idBase });
  }

  getResult(key: string): T | undefined {
    return this.results.get(key);
  }

  setResult(key: string, result: T): void {
    this.results.delete(key);
    this.results.set(key, result);
    for (const oldest of this.results.keys()) {
      if (this.results.size <= MemoryStore.RESULTS_KEPT) break;
      this.results.delete(oldest);
    }
  }
}

/**
 * The on-disk cache: `<location>/models/<key>.json` and `<location>/results/<key>.json`. Entries are written
 * atomically (write, then rename); an unreadable entry is a miss.
 */
export class DiskStore<T> implements ModelStore, ResultStore<T> {
  constructor(private readonly location: string) {
    mkdirSync(path.join(location, 'models'), { recursive: true });
    mkdirSync(path.join(location, 'results'), { recursive: true });
  }

  /** The cache folder at `location` (made if missing); an error when a file is there. */
  static open<T>(location: string): DiskStore<T> {
    if (existsSync(location) && !statSync(location).isDirectory()) throw new Error(`the cache location ${location} is not a folder`);
    return new DiskStore<T>(path.resolve(location));
  }

  private read<V>(kind: string, key: string): V | undefined {
    try {
      return JSON.parse(readFileSync(path.join(this.location, kind, `${key}.json`), 'utf8')) as V;
    } catch {
      return undefined;
    }
  }

  private write(kind: string, key: string, value: unknown): void {
    const file = path.join(this.location, kind, `${key}.json`);
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify(value));
      renameSync(tmp, file);
    } catch {
      // A cache that cannot be written only costs time.
    }
  }

  getModel(key: string): { model: FileModel; idBase: number } | undefined {
    return this.read('models', key);
  }

  setModel(key: string, model: FileModel, idBase: number): void {
    this.write('models', key, { model, idBase });
  }

  getResult(key: string): T | undefined {
    return this.read('results', key);
  }

  setResult(key: string, result: T): void {
    this.write('results', key, result);
  }
}

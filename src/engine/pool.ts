/**
 * Worker threads for `--jobs N`: each one initialises its own wasm runtime and parses files or analyses units.
 * Work is handed out as workers free up; results are put back in the order asked, so output does not depend on N.
 */
import { existsSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WorkerRequest } from './worker.js';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };
type Request = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

const WORKER_FILE = fileURLToPath(new URL('./worker.js', import.meta.url));

export function defaultJobs(): number {
  return availableParallelism();
}

/**
 * Each worker's heap is kept to this size, so that its garbage is collected rather than kept: a run's memory stays
 * bounded. A unit that needs more (a shell's interpreter inlined into every builtin) kills its worker and is analysed
 * again in the main thread, which costs its time twice: the bound is set well above what the corpus's largest units
 * need (busybox: about 110 MB live at most, when it was 450 MB before graphs without a report point were skipped),
 * but never more than a quarter of the machine's memory shared by the workers. How far a heap grows past its live
 * data before it is collected is set for the whole process (`heap-growth.ts`).
 */
const WORKER_HEAP_MB = Math.max(384, Math.min(1024, Math.floor(totalmem() / 1024 / 1024 / 4 / Math.max(1, availableParallelism()))));

/**
 * Each worker's young generation (V8's default lets it grow to 48 MB). Measured with the heap growth above, over the
 * bench corpus: the two together brought the peak from 565–663 MB to 486–491 MB in the same time; a 16 MB young
 * generation with 10 % growth gave no lower peak.
 */
const WORKER_YOUNG_MB = 24;

export class WorkerPool {
  private readonly workers = new Set<Worker>();
  private readonly idle: Worker[] = [];
  private readonly queue: { request: Request; pending: Pending }[] = [];
  /** The task each busy worker is doing. */
  private readonly busy = new Map<Worker, Pending>();
  private closed = false;

  /** A pool of `jobs` threads, or undefined when one thread is asked for or the compiled worker is not there (running from sources). */
  static create(jobs: number): WorkerPool | undefined {
    if (jobs <= 1 || !existsSync(WORKER_FILE)) return undefined;
    return new WorkerPool(jobs);
  }

  /** Threads are started when work is waiting (a run whose every unit is cached starts none), up to `size`. */
  private constructor(readonly size: number) {}

  private spawn(): void {
    const w = new Worker(WORKER_FILE, { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
    w.unref(); // an idle worker does not keep the process alive; a busy one is ref'd
    w.on('message', (m: { result?: unknown; error?: string }) => {
      const p = this.busy.get(w);
      this.busy.delete(w);
      w.unref();
      this.idle.push(w);
      this.pump();
      if (!p) return;
      if (m.error !== undefined) p.reject(new Error(m.error));
      else p.resolve(m.result);
    });
    // A worker that dies (out of its heap, a crash) fails only its task, which the caller redoes in its own thread.
    const lost = (e: Error): void => {
      if (!this.workers.delete(w)) return;
      const p = this.busy.get(w);
      this.busy.delete(w);
      const at = this.idle.indexOf(w);
      if (at >= 0) this.idle.splice(at, 1);
      p?.reject(new WorkerLost(e.message));
      if (!this.closed) this.pump();
    };
    w.on('error', lost);
    w.on('exit', (code) => lost(new Error(`worker exited with status ${code}`)));
    this.workers.add(w);
    this.idle.push(w);
  }

  run<T>(request: Request): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ request, pending: { resolve: resolve as (v: unknown) => void, reject } });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length) {
      if (!this.idle.length && this.workers.size < this.size) this.spawn();
      const w = this.idle.pop();
      if (!w) return;
      const { request, pending } = this.queue.shift()!;
      this.busy.set(w, pending);
      w.ref();
      w.postMessage({ ...request, id: 0 });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.workers];
    this.workers.clear();
    await Promise.all(all.map((w) => w.terminate()));
  }
}

/** The worker doing a task died: the task can be done again elsewhere. */
export class WorkerLost extends Error {}

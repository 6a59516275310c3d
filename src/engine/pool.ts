/**
 * Worker threads for `--jobs N`: each one initialises its own wasm runtime and parses files or analyses units.
 * Work is handed out as workers free up; results are put back in the order asked, so output does not depend on N.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WorkerRequest } from './worker.js';

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };
type Request = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

const WORKER_FILE = fileURLToPath(new URL('./worker.js', import.meta.url));

export function defaultJobs(): number {
  return availableParallelism();
}

export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: { request: Request; pending: Pending }[] = [];
  private readonly running = new Map<number, Pending>();
  private nextId = 1;

  /** A pool of `jobs` threads, or undefined when one thread is asked for or the compiled worker is not there (running from sources). */
  static create(jobs: number): WorkerPool | undefined {
    if (jobs <= 1 || !existsSync(WORKER_FILE)) return undefined;
    return new WorkerPool(jobs);
  }

  private constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(WORKER_FILE);
      w.unref();
      w.on('message', (m: { id: number; result?: unknown; error?: string }) => {
        const p = this.running.get(m.id);
        this.running.delete(m.id);
        this.idle.push(w);
        this.pump();
        if (!p) return;
        if (m.error !== undefined) p.reject(new Error(m.error));
        else p.resolve(m.result);
      });
      w.on('error', (e) => {
        for (const p of this.running.values()) p.reject(e);
        this.running.clear();
      });
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  run<T>(request: Request): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ request, pending: { resolve: resolve as (v: unknown) => void, reject } });
      this.pump();
    });
  }

  private pump(): void {
    while (this.idle.length && this.queue.length) {
      const w = this.idle.pop()!;
      const { request, pending } = this.queue.shift()!;
      const id = this.nextId++;
      this.running.set(id, pending);
      w.postMessage({ ...request, id });
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * How far V8 lets a heap grow past what is live before it collects, for processes privlint owns (the CLI, the
 * Action; never an ESLint host's). By default V8 lets an isolate's old generation reach about twice its live data
 * between full collections: busybox alone, with about 110 MB live at most, peaked at 500 MB RSS. Growth by a fifth
 * keeps it near 300 MB for the same time (the run does a few more full collections, each of a smaller heap). The
 * flag is process-wide, so the worker threads started afterwards have it too.
 */
import v8 from 'node:v8';

export const HEAP_GROWING_PERCENT = 20;

/** V8's default factor by which a young generation grows (up to its maximum) when much of it survives. */
const YOUNG_GROWTH_DEFAULT = 2;

let limited = false;

/** Call once, early, in a process privlint owns. */
export function limitHeapGrowth(): void {
  if (limited) return;
  limited = true;
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/**
 * `load` run with the young generation kept at its first size, in a process privlint owns (elsewhere, `load` as
 * it is). Loading a tree keeps a record per file, so much of what it allocates survives, and V8 grows the main
 * thread's young generation to its maximum (2 × 16 MB), which it keeps, empty, for the rest of the run while the
 * workers analyse: the corpus's load took the main thread from 61 to 108 MB RSS, 81 MB with this, in no more time.
 * The growth factor is process-wide and read at each growth: it is V8's default again once `load` is done, before
 * any worker starts (a worker's young generation, and the main thread's when it analyses, grow as before).
 */
export async function withSmallYoungGeneration<T>(load: () => Promise<T>): Promise<T> {
  if (!limited) return load();
  v8.setFlagsFromString('--semi-space-growth-factor=1');
  try {
    return await load();
  } finally {
    v8.setFlagsFromString(`--semi-space-growth-factor=${YOUNG_GROWTH_DEFAULT}`);
  }
}

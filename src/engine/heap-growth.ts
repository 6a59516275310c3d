/**
 * How far V8 lets a heap grow past what is live before it collects, for processes privlint owns (the CLI, the
 * Action; never an ESLint host's). By default V8 lets an isolate's old generation reach about twice its live data
 * between full collections: busybox alone, with about 110 MB live at most, peaked at 500 MB RSS. Growth by a fifth
 * keeps it near 300 MB for the same time (the run does a few more full collections, each of a smaller heap). The
 * flag is process-wide, so the worker threads started afterwards have it too.
 */
import v8 from 'node:v8';

export const HEAP_GROWING_PERCENT = 20;

let limited = false;

/** Call once, early, in a process privlint owns. */
export function limitHeapGrowth(): void {
  if (limited) return;
  limited = true;
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

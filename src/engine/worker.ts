/** A worker thread of the engine: parses files, or analyses whole units, for the pool in pool.ts. */
import { parentPort } from 'node:worker_threads';
import type { PrivlintConfig } from '../config.js';
import { analyzeUnit, type EngineOptions, type SourceFile } from '../engine.js';
import { DiskStore } from './cache.js';
import { parseFile, type ParseTask } from './parse-file.js';

export type WorkerRequest =
  | { id: number; kind: 'parse'; task: ParseTask }
  | { id: number; kind: 'unit'; sources: SourceFile[]; config: PrivlintConfig; options: EngineOptions };

parentPort!.on('message', (request: WorkerRequest) => {
  const work =
    request.kind === 'parse'
      ? parseFile(request.task)
      : analyzeUnit(request.sources, request.config, { prefilter: request.options.prefilter, store: request.options.cacheLocation ? DiskStore.open(request.options.cacheLocation) : undefined });
  work.then(
    (result) => parentPort!.postMessage({ id: request.id, result }),
    (error: unknown) => parentPort!.postMessage({ id: request.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});

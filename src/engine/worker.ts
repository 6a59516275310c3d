/** A worker thread of the engine: parses files, or analyses whole units, for the pool in pool.ts. */
import { parentPort } from 'node:worker_threads';
import type { PrivlintConfig } from '../config.js';
import { analyzeUnit, withReadDiagnostics, withTexts, type EngineOptions, type SourceFile } from '../engine.js';
import { DiskStore } from './cache.js';
import { parseFile, type ParseTask } from './parse-file.js';

export type WorkerRequest =
  | { id: number; kind: 'parse'; task: ParseTask }
  | { id: number; kind: 'unit'; sources: SourceFile[]; config: PrivlintConfig; options: EngineOptions };

parentPort!.on('message', (request: WorkerRequest) => {
  const work = request.kind === 'parse' ? parseFile(request.task) : analyzeUnitHere(request.sources, request.config, request.options);
  work.then(
    (result) => parentPort!.postMessage({ id: request.id, result }),
    (error: unknown) => parentPort!.postMessage({ id: request.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});

/** A unit handed to this worker: the texts of deferred sources are read here, not in the main thread. */
async function analyzeUnitHere(sources: SourceFile[], config: PrivlintConfig, options: EngineOptions): Promise<unknown> {
  const read = withTexts(sources);
  const result = await analyzeUnit(read.sources, config, { prefilter: options.prefilter, store: options.cacheLocation ? DiskStore.open(options.cacheLocation) : undefined });
  return withReadDiagnostics(result, read.diagnostics);
}

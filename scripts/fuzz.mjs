#!/usr/bin/env node
// Long fuzz campaigns over mutated fixtures (run `npm run build` first):
//   node scripts/fuzz.mjs [count=10000] [seed=1] [--timeout-ms=60000] [--out=DIR]
// Each input runs in a worker thread, twice (the reports must be identical), under a time limit: an exception,
// an "internal error" diagnostic, differing reports or a timeout is a failure, saved to DIR as a reproducer.
// Exit status 1 when any input failed. test/fuzz.test.ts runs a bounded campaign of the same kind in CI.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fuzz = await import(path.join(root, 'lib', 'testing', 'fuzz.js'));

if (!isMainThread) {
  const fixtures = await fuzz.fixtureSources(path.join(root, 'fixtures'));
  parentPort.on('message', async ({ seed, index }) => {
    const input = fuzz.fuzzInput(fixtures, seed, index);
    const started = Date.now();
    const problem = await fuzz.checkInput(input);
    parentPort.postMessage({ index, problem, ms: Date.now() - started });
  });
  parentPort.postMessage({ ready: true });
} else {
  const args = process.argv.slice(2);
  const positional = args.filter((a) => !a.startsWith('--'));
  const option = (name, fallback) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
  const count = Number(positional[0] ?? 10_000);
  const seed = Number(positional[1] ?? 1);
  const timeoutMs = Number(option('timeout-ms', 60_000));
  const out = path.resolve(option('out', path.join(process.env.TMPDIR ?? '/tmp', `privlint-fuzz-${seed}`)));
  const fixtures = await fuzz.fixtureSources(path.join(root, 'fixtures'));

  let worker;
  const startWorker = () =>
    new Promise((resolve) => {
      worker = new Worker(fileURLToPath(import.meta.url), { workerData: {} });
      worker.once('message', () => resolve());
    });
  const runOne = (index) =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        worker.removeAllListeners('message');
        worker.removeAllListeners('error');
        void worker.terminate();
        resolve({ index, problem: `no result within ${timeoutMs} ms (hang)`, ms: timeoutMs, restart: true });
      }, timeoutMs);
      worker.once('message', (m) => {
        clearTimeout(timer);
        worker.removeAllListeners('error');
        resolve(m);
      });
      worker.once('error', (e) => {
        clearTimeout(timer);
        worker.removeAllListeners('message');
        resolve({ index, problem: `worker died: ${e.stack ?? e}`, ms: 0, restart: true });
      });
      worker.postMessage({ seed, index });
    });

  const started = Date.now();
  const failures = [];
  let slowest = { ms: 0, index: -1 };
  await startWorker();
  for (let index = 0; index < count; index++) {
    const r = await runOne(index);
    if (r.ms > slowest.ms) slowest = { ms: r.ms, index };
    if (r.problem) {
      const input = fuzz.fuzzInput(fixtures, seed, index);
      const dir = path.join(out, `input-${index}`);
      mkdirSync(dir, { recursive: true });
      for (const s of input.sources) writeFileSync(path.join(dir, s.path), s.text);
      writeFileSync(path.join(dir, 'problem.txt'), `${input.mutations.join(' + ')}\n${r.problem}\n`);
      failures.push({ index, problem: r.problem.split('\n')[0] });
      console.log(`input ${index} (${input.mutations.join(' + ')}): ${r.problem.split('\n')[0]} — saved in ${dir}`);
    }
    if (r.restart) await startWorker();
    if ((index + 1) % 500 === 0) console.log(`${index + 1} inputs, ${failures.length} failures, ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  await worker.terminate();
  const seconds = (Date.now() - started) / 1000;
  console.log(`seed ${seed}: ${count} inputs in ${seconds.toFixed(1)} s (${((seconds * 1000) / count).toFixed(1)} ms each, slowest ${slowest.ms} ms: input ${slowest.index}), ${failures.length} failures`);
  process.exitCode = failures.length ? 1 : 0;
}

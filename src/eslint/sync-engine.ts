/**
 * The engine, synchronously, for ESLint rules: one worker thread per process (per ESLint thread) holds the project
 * indexes; a request blocks on Atomics.wait until the worker has posted the answer, which is then taken off the port
 * with receiveMessageOnPort. No event-loop turn is needed on this side, so it works inside any synchronous rule.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { SIGNAL, type EngineAnswer, type EngineRequest } from './protocol.js';

/** How long a rule waits for the engine (a first analysis of a very large project can take a minute). */
const TIMEOUT_MS = Number(process.env.PRIVLINT_ESLINT_TIMEOUT_MS) || 10 * 60_000;
/** The wait is cut into slices so that a worker that ended is noticed even if it could not say so. */
const SLICE_MS = 1_000;

interface EngineThread {
  worker: Worker;
  port: MessagePort;
  signal: Int32Array;
  gone: boolean;
}

let thread: EngineThread | undefined;
let nextId = 1;

/** Requests made and milliseconds spent waiting for the engine, since the module was loaded (for the bench). */
export const engineWaits = { requests: 0, ms: 0 };

function startThread(): EngineThread {
  const shared = new SharedArrayBuffer(4);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(new URL('./engine-worker.js', import.meta.url), {
    workerData: { signal: shared, port: port2 },
    transferList: [port2],
    stdout: false,
    stderr: false,
  });
  const started: EngineThread = { worker, port: port1, signal: new Int32Array(shared), gone: false };
  worker.on('exit', () => {
    started.gone = true;
  });
  worker.on('error', () => {
    started.gone = true;
  });
  worker.unref(); // ESLint ends when its work is done; the idle engine thread does not hold it
  return started;
}

/** Analyse `file` (absolute) with this text in its project, as seen from `cwd`; blocks until the engine answers. */
export function analyseSync(file: string, text: string, cwd: string): EngineAnswer {
  const started = performance.now();
  try {
    return request(file, text, cwd);
  } finally {
    engineWaits.requests++;
    engineWaits.ms += performance.now() - started;
  }
}

function request(file: string, text: string, cwd: string): EngineAnswer {
  if (!thread || thread.gone) thread = startThread();
  const { port, signal } = thread;
  const id = nextId++;
  Atomics.store(signal, 0, SIGNAL.waiting);
  port.postMessage({ id, file, text, cwd } satisfies EngineRequest);
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    Atomics.wait(signal, 0, SIGNAL.waiting, SLICE_MS);
    for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
      const reply = m.message as EngineAnswer;
      if (reply.id === id) return reply;
      // an answer to a request that timed out earlier: dropped
    }
    if (Atomics.load(signal, 0) === SIGNAL.gone || thread.gone) {
      thread = undefined;
      throw new Error('the privlint engine thread ended unexpectedly');
    }
    if (Date.now() > deadline) throw new Error(`the privlint engine did not answer within ${TIMEOUT_MS / 1000} s`);
    if (Atomics.load(signal, 0) === SIGNAL.answered) Atomics.store(signal, 0, SIGNAL.waiting); // woken for an older answer
  }
}

/** End the engine thread (and drop its project indexes); the next request starts a new one. */
export function stopEngineThread(): void {
  if (!thread) return;
  thread.gone = true;
  void thread.worker.terminate();
  thread = undefined;
}

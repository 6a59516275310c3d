/** The Action's entry (bundled into dist/ by scripts/build-action.mjs): runs the action and sets the step's exit status. */
import { escapeData } from '../report/github.js';
import { limitHeapGrowth } from '../engine/heap-growth.js';
import { runAction } from './main.js';

// A security gate must not pass by accident: should the process end before the run does (an event loop left with
// nothing to wait on, say), the step fails and says so.
let finished = false;
process.exitCode = 2;
process.on('exit', () => {
  if (!finished) process.stdout.write('::error title=privlint internal error::the run ended before the analysis finished\n');
});

limitHeapGrowth();
runAction(process.env, (line) => process.stdout.write(`${line}\n`)).then(
  (status) => {
    finished = true;
    process.exitCode = status;
  },
  (error: unknown) => {
    finished = true;
    process.stdout.write(`::error title=privlint internal error::${escapeData(error instanceof Error && error.stack ? error.stack : String(error))}\n`);
    process.exitCode = 2;
  },
);

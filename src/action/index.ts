/** The Action's entry (bundled into dist/ by scripts/build-action.mjs): runs the action and sets the step's exit status. */
import { escapeData } from '../report/github.js';
import { runAction } from './main.js';

runAction(process.env, (line) => process.stdout.write(`${line}\n`)).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    process.stdout.write(`::error title=privlint internal error::${escapeData(error instanceof Error && error.stack ? error.stack : String(error))}\n`);
    process.exitCode = 2;
  },
);

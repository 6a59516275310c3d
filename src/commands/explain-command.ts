/** The `explain` subcommand's arguments and output. */
import { explainRule, knownRuleIds } from './explain.js';

export function explainCommand(argv: string[], usageError: (message: string) => number): number {
  if (argv.length !== 1) return usageError('explain takes one rule id');
  const help = explainRule(argv[0]!);
  if (!help) return usageError(`unknown rule "${argv[0]}" (known: ${knownRuleIds()})`);
  process.stdout.write(help);
  return 0;
}

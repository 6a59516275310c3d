/**
 * `privlint merge a.sarif b.sarif … [-o out.sarif]`: the SARIF logs of a sharded run combined into the log the
 * unsharded run writes (one run: results and notifications of every shard, in the same order, without repeats).
 */
import { promises as fs } from 'node:fs';
import { parseArgs } from 'node:util';
import type * as Sarif from 'sarif';
import { compareNotifications, compareResults } from '../report/sarif.js';

export function mergeSarif(logs: Sarif.Log[]): Sarif.Log {
  if (!logs.length) throw new Error('nothing to merge');
  const first = logs[0]!.runs[0]!;
  const rules = first.tool.driver.rules ?? [];
  for (const log of logs) {
    const run = log.runs[0];
    if (log.runs.length !== 1 || run?.tool.driver.name !== first.tool.driver.name || run.tool.driver.version !== first.tool.driver.version) {
      throw new Error('the logs are not from one privlint version: each must hold one privlint run of the same version');
    }
    if (JSON.stringify(run.tool.driver.rules ?? []) !== JSON.stringify(rules)) throw new Error('the logs were written with different rule sets');
  }
  const seen = new Set<string>();
  const unique = <T>(items: T[]): T[] =>
    items.filter((x) => {
      const k = JSON.stringify(x);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  const results = unique(logs.flatMap((l) => l.runs[0]!.results ?? [])).sort(compareResults);
  const notifications = unique(logs.flatMap((l) => l.runs[0]!.invocations?.[0]?.toolExecutionNotifications ?? [])).sort(compareNotifications);
  const executionSuccessful = logs.every((l) => l.runs[0]!.invocations?.[0]?.executionSuccessful !== false);
  return { ...logs[0]!, runs: [{ ...first, invocations: [{ executionSuccessful, toolExecutionNotifications: notifications }], results }] };
}

export async function mergeCommand(argv: string[], usageError: (message: string) => number): Promise<number> {
  let args;
  try {
    args = parseArgs({ args: argv, allowPositionals: true, options: { 'output-file': { type: 'string', short: 'o' } } });
  } catch (e) {
    return usageError((e as Error).message);
  }
  if (!args.positionals.length) return usageError('merge needs the SARIF files to combine');
  try {
    const logs = await Promise.all(args.positionals.map(async (f) => JSON.parse(await fs.readFile(f, 'utf8')) as Sarif.Log));
    const text = `${JSON.stringify(mergeSarif(logs), null, 2)}\n`;
    if (args.values['output-file']) await fs.writeFile(args.values['output-file'], text);
    else process.stdout.write(text);
    return logs.some((l) => (l.runs[0]?.results ?? []).length) ? 1 : 0;
  } catch (e) {
    process.stderr.write(`privlint merge: ${(e as Error).message}\n`);
    return 2;
  }
}

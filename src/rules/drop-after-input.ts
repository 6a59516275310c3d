import type { InputEvent } from '../model.js';
import { continuesWithout, knownNotRoot } from '../analysis/paths.js';
import type { Rule } from './rule.js';
import { callPath, eventIndex, factIds, isExec, isPermanentDrop, oneLine, sequenceIn, walkEvents } from './support.js';

const NOT_DROPPED = 'not-dropped';
const INPUT = 'input:';

const SOURCE_WORDS: Record<InputEvent['source'], string> = {
  argv: 'command-line arguments',
  options: 'command-line options',
  environment: 'the environment',
  config: 'a configuration file',
  network: 'network data',
};

export const dropAfterInput: Rule = {
  id: 'drop-after-input',
  severity: 'warning',
  short: 'The first permanent drop on the path from the entry point comes only after input was parsed with full privilege.',
  cwe: ['CWE-250', 'CWE-271'],
  securitySeverity: 6.5,
  tags: ['security', 'privilege', 'external/cwe/cwe-250'],
  core: true,
  docs: {
    what: 'Follows the paths from the program\'s entry (C `main`) across functions and files, and flags the first permanent drop of the user id when input was read before it on some path: arguments beyond argv[0], getopt/getopt_long/argp, getenv/secure_getenv/environ, a configuration file, a socket. Severity is error when the program returns to its invoking user (a set-user-ID program, whose argv and environment belong to the attacker) or when network input is parsed as root; warning for a daemon that drops to a service account after reading its own options and configuration.',
    why: 'Parsers are where memory-safety bugs live. Every byte parsed before the drop is parsed with full privilege, so a bug in option, environment or configuration handling becomes a root compromise instead of a compromise of an unprivileged account.',
    example: 'int main(int argc, char **argv) {\n\tparse_options(argc, argv);\t/* getopt as root */\n\tdrop_privileges();\n}',
    useInstead: 'int main(int argc, char **argv) {\n\tdrop_privileges();\t/* first */\n\tparse_options(argc, argv);\n}',
    references: ['CWE-250: Execution with Unnecessary Privileges', 'CWE-271: Privilege Dropping / Lowering Errors', 'SEI CERT POS02-C: Follow the principle of least privilege'],
  },
  check(ctx) {
    for (const g of ctx.graphs) {
      if (!g.root.isEntry) continue;
      const byId = eventIndex(g);
      walkEvents(
        g,
        [NOT_DROPPED],
        (facts, e) => {
          // The first few reads are enough to show; more would only slow the analysis down.
          if (e.kind === 'input' && facts.has(NOT_DROPPED) && factIds(facts, INPUT).length < 3) facts.add(INPUT + e.id);
          if (isPermanentDrop(e)) facts.delete(NOT_DROPPED);
        },
        (e, before, node, flags) => {
          if (!isPermanentDrop(e) || !before.has(NOT_DROPPED) || knownNotRoot(flags)) return;
          const inputs = factIds(before, INPUT).map((id) => byId.get(id) as InputEvent);
          if (!inputs.length) return;
          // A drop that only prepares another program (every path goes on to exec it) does not shield this one's parsing.
          if (!continuesWithout(g, node, node.events.indexOf(e), e, isExec, undefined, flags)) return;
          const network = inputs.some((i) => i.source === 'network');
          const severe = network || e.target === 'invoker';
          const sources = [...new Set(inputs.map((i) => SOURCE_WORDS[i.source]))].join(', ');
          const first = inputs[0]!;
          const related = inputs.slice(0, 3).map((i) => ({ loc: i.loc, message: readDescription(i) }));
          ctx.report({
            severity: severe ? 'error' : 'warning',
            loc: e.loc,
            message: `${oneLine(e.text)} is the first permanent drop, but the program reads ${sources} before it, with full privilege (${oneLine(first.text, 50)}, ${first.loc.file}:${first.loc.line})${e.target === 'invoker' ? '; this set-user-ID program returns to its invoking user, whose input it parsed as root' : ''}.`,
            fix: `Drop privileges before parsing input: do the privileged work, then\n${sequenceIn(ctx, g)}`,
            related: [...related, ...callPath(node), { loc: e.loc, message: 'first permanent drop' }],
          });
        },
      );
    }
  },
};

function readDescription(i: InputEvent): string {
  const inner = i.via ? ` (inside: ${oneLine(i.via.text, 40)} at ${i.via.loc.file}:${i.via.loc.line})` : '';
  return `reads ${SOURCE_WORDS[i.source]}: ${oneLine(i.text, 50)}${inner}`;
}

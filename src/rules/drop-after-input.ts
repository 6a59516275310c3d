import type { InputEvent, PrivilegeEvent } from '../model.js';
import { continuesWithout, knownNotRoot } from '../analysis/paths.js';
import { cited, lineOf, type CitingMessage, type Rule } from './rule.js';
import { LOWERED, SAVED_IDS, callPath, effectiveOnlySetId, eventIndex, factIds, isExec, isPermanentDrop, oneLine, programKindOf, sequenceIn, trackSavedIds, walkEvents } from './support.js';

const NOT_DROPPED = 'not-dropped';
const INPUT = 'input:';
/** An input read while the effective uid was lowered: not with full privilege, but root could still be taken back. */
const READ_LOWERED = 'read-lowered:';

/**
 * A permanent drop of the user id, as made: not a plain setuid() made while the effective uid may be set aside with
 * root saved (`seteuid(getuid())` earlier, no `seteuid(0)` since), which changes the effective uid alone.
 */
function dropsForGood(e: PrivilegeEvent, before: ReadonlySet<string>): boolean {
  return isPermanentDrop(e) && !effectiveOnlySetId(e, before);
}

const SOURCE_WORDS: Record<InputEvent['source'], string> = {
  argv: 'command-line arguments',
  options: 'command-line options',
  environment: 'the environment',
  config: 'a configuration file',
  network: 'network data',
};

export const dropAfterInput: Rule = {
  id: 'drop-after-input',
  severity: 'error',
  short: 'The first permanent drop on the path from the entry point comes only after input was parsed with full privilege.',
  cwe: ['CWE-250', 'CWE-271'],
  securitySeverity: 6.5,
  tags: ['security', 'privilege', 'external/cwe/cwe-250'],
  core: true,
  docs: {
    what: [
      'Follows the paths from the program\'s entry (C `main`, a Node entry module\'s top level) across functions and files to the first permanent drop of the user id, and reports it when input was read before it on some path: arguments beyond argv[0], getopt/getopt_long/argp, getenv/secure_getenv/environ, a configuration file, a socket. How much that matters depends on whose input it is:',
      '',
      '- **error** — a set-user-ID program that parses its options or environment before it drops: they belong to the user who runs it, who is not trusted. A program that returns to its invoking user (`setuid(getuid())`, `setgid(getgid())`) on some path is taken to be one.',
      '- **error** — a server that reads a network request (`recv`, `recvfrom`, a socket `data` handler) and only then drops, such as a per-request drop: the data comes from anyone who can connect.',
      '- **note**, in the `strict` set only — a daemon started by root that reads its own options and root-owned configuration before dropping to a service account. This is the normal pattern (the administrator\'s input, parsed with full privilege); dropping first still narrows what a parser bug can do.',
      '',
      'Input read while only the effective uid was lowered (`seteuid(getuid())`, not raised again since) counts too: the saved uid is still root, so code running then can take root back; the message says the input was read with root only set aside, not with full privilege. A plain setuid() made then (no seteuid(0) before it) is no permanent drop: without root it changes the effective uid alone and the saved uid stays root (temporary-drop reports that call), so the first permanent drop is a later one, if any. A copy of the environment\'s pointer (`char **env = environ;`) is not a read of it; walking or handing on the copy is.',
      '',
      'The program\'s kind is inferred from its drops (one back to the invoking user, `getuid()` or `getgid()`: set-user-ID; only to other accounts: daemon; a return to the invoking user after which the program drops its uid to another account, which only root can do, shows that the invoker is root: it keeps root, and the program is a daemon). Set `programKind` in the configuration to `setuid`, `daemon` or `library` (no program entry of its own: nothing is reported) when the inference is wrong.',
    ].join('\n'),
    why: 'Parsers are where memory-safety bugs live. Every byte parsed before the drop is parsed with full privilege, so a bug in option, environment, configuration or protocol handling becomes a root compromise instead of a compromise of an unprivileged account. It is worst where someone else controls the bytes: the invoking user of a set-user-ID program, or a network peer.',
    example: 'int main(int argc, char **argv) {\t/* installed set-user-ID root */\n\tparse_options(argc, argv);\t/* the invoker\'s getopt, as root */\n\tif (setuid(getuid()) == -1)\n\t\terr(1, "setuid");\n}',
    useInstead: 'int main(int argc, char **argv) {\n\tint fd = open_privileged_resource();\n\tif (setuid(getuid()) == -1)\t/* first */\n\t\terr(1, "setuid");\n\tparse_options(argc, argv);\n}',
    references: ['CWE-250: Execution with Unnecessary Privileges', 'CWE-271: Privilege Dropping / Lowering Errors', 'SEI CERT POS02-C: Follow the principle of least privilege'],
  },
  check(ctx) {
    const { ruleSet } = ctx.project.config;
    for (const g of ctx.graphs) {
      if (!g.root.isEntry) continue;
      const kind = programKindOf(ctx, g);
      if (!kind) continue;
      const byId = eventIndex(g);
      walkEvents(
        g,
        [NOT_DROPPED, ...SAVED_IDS],
        (facts, e) => {
          // The first few reads are enough to show; more would only slow the analysis down. A client's request read
          // from an accepted connection is kept even after them (it makes the finding an error): a server reads its
          // administrator's options and configuration first.
          if (e.kind === 'input' && facts.has(NOT_DROPPED)) {
            const kept = factIds(facts, INPUT);
            if (kept.length < 3 || (e.connection && !kept.some((id) => (byId.get(id) as InputEvent | undefined)?.connection))) {
              facts.add(INPUT + e.id);
              const by = factIds(facts, LOWERED)[0];
              if (by !== undefined) facts.add(`${READ_LOWERED}${e.id}@${by}`);
            }
          }
          if (dropsForGood(e, facts)) facts.delete(NOT_DROPPED);
          // The effective uid set aside with root saved (shared facts): reads then are made with root only set aside.
          trackSavedIds(facts, e);
        },
        (e, before, node, flags) => {
          // A plain setuid() made while the effective uid may be set aside is no permanent drop (temporary-drop reports it):
          // the first permanent drop, if any, comes later.
          if (!dropsForGood(e, before) || !before.has(NOT_DROPPED) || knownNotRoot(flags)) return;
          // Network reads first: they are what makes the finding an error.
          const read = factIds(before, INPUT).map((id) => byId.get(id) as InputEvent);
          const inputs = [...read.filter((i) => i.source === 'network'), ...read.filter((i) => i.source !== 'network')];
          if (!inputs.length) return;
          const network = inputs.some((i) => i.source === 'network');
          // A root-started daemon reading its administrator's input: advice, in the strict set only.
          const severe = network || kind === 'setuid';
          if (!severe && ruleSet !== 'strict') return;
          // A drop that only prepares another program (every path goes on to exec it) does not shield this one's parsing.
          if (ctx.decidedAt(e.loc)) return; // reported from an earlier state (the first report stands), or not wanted
          if (!continuesWithout(g, node, node.events.indexOf(e), e, isExec, undefined, flags)) return;
          const sources = [...new Set(inputs.map((i) => SOURCE_WORDS[i.source]))].join(', ');
          // Reads made while the effective uid was lowered (`seteuid(getuid())`) were not made with full privilege:
          // the saved uid was still root. Where every read shown was, the message says so, and cites the lowering.
          const lowered = readsLowered(before);
          const full = inputs.filter((i) => !lowered.has(i.id));
          const first = full[0] ?? inputs[0]!;
          const related = inputs.slice(0, 3).map((i) => ({ loc: i.loc, message: readDescription(i) }));
          const loweredBy = lowered.get(first.id);
          const lowering = loweredBy === undefined ? undefined : byId.get(loweredBy);
          const where = cited`(${oneLine(first.text, 50)}, ${first.loc.file}:${lineOf(first.loc)})`;
          const privilege = full.length || !lowering
            ? cited`with full privilege ${where}`
            : cited`with root only set aside ${where}: ${oneLine(lowering.text, 40)} (line ${lineOf(lowering.loc)}) had lowered the effective uid alone, and the saved uid, still root, let code running then take root back`;
          ctx.report({
            severity: severe ? 'error' : 'note',
            loc: e.loc,
            message: cited`${oneLine(e.text)} is the first permanent drop, but the program reads ${sources} before it, ${privilege}${whoseInput(kind, network, !full.length && !!lowering)}.`,
            fix: `Drop privileges before parsing input: do the privileged work, then\n${sequenceIn(ctx, g)}`,
            related: [...related, ...callPath(node), { loc: e.loc, message: 'first permanent drop' }],
          });
        },
      );
    }
  },
};

/** The reads made while the effective uid was lowered: input event id → the lowering's event id. */
function readsLowered(facts: ReadonlySet<string>): Map<number, number> {
  const out = new Map<number, number>();
  for (const f of facts) if (f.startsWith(READ_LOWERED)) {
    const [input, by] = f.slice(READ_LOWERED.length).split('@').map(Number);
    if (!out.has(input!) || by! < out.get(input!)!) out.set(input!, by!);
  }
  return out;
}

function whoseInput(kind: 'setuid' | 'daemon', network: boolean, lowered: boolean): string {
  const as = lowered ? 'while it could become root again' : 'as root';
  if (network) return `; network data comes from anyone who can connect, and it is parsed ${as}`;
  if (kind === 'setuid') return lowered ? '; this set-user-ID program parsed the input of the user who runs it while it could become root again' : '; this set-user-ID program parsed, as root, the input of the user who runs it';
  return '; in a daemon started by root this is its administrator\'s input, but dropping first keeps a parser bug from running as root';
}

function readDescription(i: InputEvent): string | CitingMessage {
  const read = `reads ${SOURCE_WORDS[i.source]}: ${oneLine(i.text, 50)}`;
  return i.via ? cited`${read} (inside: ${oneLine(i.via.text, 40)} at ${i.via.loc.file}:${lineOf(i.via.loc)})` : read;
}

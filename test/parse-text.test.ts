/** The text handed to the C parser: annotation and iteration macros made readable, every offset and line kept. */
import { describe, expect, it } from 'vitest';
import { analyzeSources } from '../src/engine.js';
import { macroShape, parseReadyText } from '../src/c/parse-text.js';

const HEADER = `#define SVC_FUNC __attribute__((regparm(3)))
#define SVC_UNUSED
#define SVC_NORETURN __attribute__((__noreturn__))
#define SVC_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define SVC_VISIBLE SVC_FUNC
#define each_item(p, head) for ((p) = (head); (p) != NULL; (p) = (p)->next)
`;

const ANNOTATED_AND_LOOPS = `#include "svc.h"
#include <sys/queue.h>
#include <err.h>
#include <grp.h>
#include <unistd.h>
struct item { struct item *next; gid_t gid; TAILQ_ENTRY(item) entry; };
TAILQ_HEAD(items, item);
extern struct items all;
extern struct item *head;
void die(const char *why) SVC_NORETURN;
void say(const char *fmt, ...) SVC_PRINTF(1, 2);
static void SVC_VISIBLE become(uid_t uid, gid_t gid SVC_UNUSED)
{
	struct item *it;
	TAILQ_FOREACH(it, &all, entry) {
		if (it->gid == 0)
			continue;
		say("group %d", (int)it->gid);
	}
	each_item(it, head)
		say("item %d", (int)it->gid);
	if (setgroups(1, &gid) == -1 || setresgid(gid, gid, gid) == -1)
		die("setresgid");
	setresuid(uid, uid, uid);
}
int main(void) { become(1000, 1000); return 0; }
`;

describe('parseReadyText', () => {
  it('keeps every offset and line, blanks annotation macros and turns iteration macros into loop heads', () => {
    const defs = new Map([...HEADER.matchAll(/^#define (\w+)(\([^)]*\))?(?: (.*))?$/gm)].map((m) => [m[1]!, { params: m[2]?.slice(1, -1).split(',').map((p) => p.trim()), body: m[3] ?? '' }] as const));
    const out = parseReadyText(ANNOTATED_AND_LOOPS, defs);
    expect(out.length).toBe(ANNOTATED_AND_LOOPS.length);
    expect(out.split('\n').map((l) => l.length)).toEqual(ANNOTATED_AND_LOOPS.split('\n').map((l) => l.length));
    expect(out).toContain('static void             become(uid_t uid, gid_t gid           )');
    expect(out).toContain('void die(const char *why)             ;');
    expect(out).toContain('void say(const char *fmt, ...)                 ;');
    expect(out).toContain('\twhile(_______(it, &all, entry)){');
    expect(out).toContain('\twhile(___(it, head)\n)');
    expect(parseReadyText('void f(void) {\n\tlist_for_each (p, procs) {\n\t}\n}\n')).toBe('void f(void) {\n\twhile(_______ (p, procs)){\n\t}\n}\n');
    // Unchanged: calls followed by `;`, a macro-made function at file level, short names, preprocessor lines.
    expect(parseReadyText('TEST_CASE(one) {\n}\nvoid f(void) { g(x); if (a) h(y); }\n', defs)).toBe('TEST_CASE(one) {\n}\nvoid f(void) { g(x); if (a) h(y); }\n');
    expect(parseReadyText('#define X SVC_FUNC\nint SVC_FUNC_NOT(void);\n', defs)).toBe('#define X SVC_FUNC\nint SVC_FUNC_NOT(void);\n');
  });

  it('makes a type written as a call\'s argument in a function body one name; prototypes and expressions stay', () => {
    const src = 'int f(struct item *, int);\nvoid g(void) {\n\tp = list_entry(n, struct item, link);\n\ts = va_arg(ap, const char *);\n\th(a * b, c);\n}\n';
    expect(parseReadyText(src)).toBe('int f(struct item *, int);\nvoid g(void) {\n\tp = list_entry(n, struct_item, link);\n\ts = va_arg(ap, const_char__);\n\th(a * b, c);\n}\n');
  });

  it('reads a definition as an annotation only when it is nothing but attributes', () => {
    expect(macroShape({ params: undefined, body: '__attribute__ ((__unused__))' })).toBe('annotation');
    expect(macroShape({ params: undefined, body: '' })).toBe('annotation');
    expect(macroShape({ params: ['x'], body: '' })).toBeUndefined();
    expect(macroShape({ params: undefined, body: '__thread' })).toBe('annotation');
    expect(macroShape({ params: undefined, body: 'static' })).toBeUndefined();
    expect(macroShape({ params: undefined, body: '42' })).toBeUndefined();
    expect(macroShape({ params: ['v', 'h'], body: 'for ((v) = (h); (v); (v) = (v)->next)' })).toBe('iteration');
    expect(macroShape({ params: ['x'], body: 'do { f(x); } while (0)' })).toBeUndefined();
  });

  it('does not take a macro defined as itself, or two defined as each other, for annotations', () => {
    const defs = new Map([
      ['SHUT_WR', { params: undefined, body: 'SHUT_WR' }],
      ['O_NONBLOCK', { params: undefined, body: 'O_NDELAY' }],
      ['O_NDELAY', { params: undefined, body: 'O_NONBLOCK' }],
    ]);
    const src = 'void f(int s) {\n\tshutdown(s, SHUT_WR);\n\topen("x", O_RDONLY|O_NONBLOCK);\n}\n';
    expect(parseReadyText(src, defs)).toBe(src);
  });

  it('a file whose only parse errors came from such macros gets no parse diagnostic; a really broken file keeps it', async () => {
    const result = await analyzeSources([
      { path: 'p/svc.h', text: HEADER },
      { path: 'p/svc.c', text: ANNOTATED_AND_LOOPS },
      { path: 'q/broken.c', text: 'int main(void) {\n\tif (setuid(1000) == -1 {\n\t\treturn 1;\n\tsetuid(2000) )) ;\n}\n' },
    ]);
    expect(result.diagnostics.filter((d) => d.file === 'p/svc.c')).toEqual([]);
    expect(result.diagnostics.filter((d) => d.file === 'q/broken.c').map((d) => d.message)).toEqual([expect.stringMatching(/could not be parsed/)]);
    // The drop in the annotated function is found, at its place.
    const unchecked = result.findings.filter((f) => f.loc.file === 'p/svc.c' && f.ruleId === 'unchecked-return');
    expect(unchecked.map((f) => [f.loc.line, f.loc.column])).toEqual([[24, 2]]);
  });

  it('reads `for (MACRO(args))`, a macro that expands to a whole for head, as a loop; a real for head stays', () => {
    const src = 'void f(struct list *l) {\n\tfor (ALL_ITEMS(l->head, n, nn, d))\n\t\tfree(d);\n\tfor (i = 0; i < 3; i++)\n\t\tg(i);\n\tfor (E(a))\n\t\th();\n}\n';
    const out = parseReadyText(src);
    expect(out.length).toBe(src.length);
    expect(out.split('\n')[1]).toBe('\twhile(________(l->head, n, nn, d))');
    expect(out.split('\n')[3]).toBe('\tfor (i = 0; i < 3; i++)');
    // Too short to rewrite in place (`for (E` has no room for `while(` and a name): left as written.
    expect(out.split('\n')[5]).toBe('\tfor (E(a))');
  });
});

/** BSD login classes: which parts of the user context a `setusercontext(lc, pw, uid, flags)` call sets. */

/**
 * Does the flags expression set `LOGIN_SET<what>`? `LOGIN_SETALL` includes everything except what is masked
 * out with `& ~FLAG` or `& ~(FLAG | FLAG)`.
 */
export function loginClassSets(flags: string, what: 'USER' | 'GROUP'): boolean {
  const masked = [...flags.matchAll(/~\s*(\([^)]*\)|\w+)/g)].map((m) => m[1]!).join(' ');
  if (new RegExp(`\\bLOGIN_SET${what}\\b`).test(masked)) return false;
  const named = flags.replace(/~\s*(\([^)]*\)|\w+)/g, ' ');
  return new RegExp(`\\bLOGIN_SET(?:ALL|${what})\\b`).test(named);
}

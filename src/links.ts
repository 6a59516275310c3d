/** Where the rule documentation lives: docs/rules/<id>.md in the repository named by package.json. */
import { readFileSync } from 'node:fs';

interface PackageJson {
  version: string;
  repository?: string | { url?: string };
}

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as PackageJson;

export const VERSION = pkg.version;

/** `https://github.com/owner/name/blob/main/` from the package's repository field. */
export const REPOSITORY_BASE = `${(typeof pkg.repository === 'string' ? pkg.repository : (pkg.repository?.url ?? 'https://github.com/privlint/privlint'))
  .replace(/^git\+/, '')
  .replace(/\.git$/, '')}/blob/main/`;

export function docsPath(ruleId: string): string {
  return `docs/rules/${ruleId}.md`;
}

export function docsUrl(ruleId: string): string {
  return `${REPOSITORY_BASE}${docsPath(ruleId)}`;
}

/** `https://raw.githubusercontent.com/owner/name/main/`: files of the repository as served raw (the schema's `$id`). */
export const REPOSITORY_RAW_BASE = REPOSITORY_BASE.replace(/^https:\/\/github\.com\/(.*)\/blob\/main\/$/, 'https://raw.githubusercontent.com/$1/main/');

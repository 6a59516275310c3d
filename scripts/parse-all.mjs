#!/usr/bin/env node
/** The bench's "parse everything" pass: tree-sitter parses every C and TS/JS file under a folder, nothing more. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createParser } from '../lib/parser.js';

const parsers = { c: await createParser('c'), typescript: await createParser('typescript'), tsx: await createParser('tsx') };
let files = 0;
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && e.name !== '.git') walk(full);
    } else if (e.isFile()) {
      const ext = path.extname(e.name);
      const grammar = ext === '.c' || ext === '.h' ? 'c' : ext === '.tsx' || ext === '.jsx' ? 'tsx' : /^\.[cm]?[jt]s$/.test(ext) ? 'typescript' : undefined;
      if (!grammar) continue;
      const tree = parsers[grammar].parse(readFileSync(full, 'utf8'));
      tree?.delete();
      files++;
    }
  }
};
walk(path.resolve(process.argv[2] ?? '.'));
console.log(`${files} files parsed`);

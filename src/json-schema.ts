/**
 * Validation of JSON data against the subset of JSON Schema (draft-07) that privlint's own schemas use, with
 * messages written for people: the key path, what is allowed, and the closest known key or value. The walk follows
 * the schema, never the data, so it goes no deeper than the schema however deeply the data is nested.
 */
import { didYouMean } from './spelling.js';

export interface JsonSchema {
  $schema?: string;
  $id?: string;
  $ref?: string;
  /** The singular name of what the value is (`glob`, `function name`), for messages. */
  title?: string;
  description?: string;
  markdownDescription?: string;
  default?: unknown;
  examples?: unknown[];
  type?: 'object' | 'array' | 'string' | 'boolean' | 'integer' | 'number';
  enum?: readonly unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  anyOf?: JsonSchema[];
  definitions?: Record<string, JsonSchema>;
  /** What a pattern means, for the message when a value does not match it (the keyword VS Code reads). */
  patternErrorMessage?: string;
  /** What the keys of this object are, for "unknown …" messages ("rule" → `unknown rule "x"`). */
  'x-key-kind'?: string;
}

export type KeyPath = (string | number)[];

export interface SchemaError {
  path: KeyPath;
  message: string;
}

/** `overrides[0].rules.unchecked-return`. */
export function formatPath(path: KeyPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** A value for a message: strings quoted and shortened, anything else by its kind (never serialised whole). */
export function preview(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function kindOf(value: unknown): JsonSchema['type'] | 'null' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JsonSchema['type'];
}

function matchesType(value: unknown, type: NonNullable<JsonSchema['type']>): boolean {
  const kind = kindOf(value);
  return kind === type || (type === 'number' && kind === 'integer');
}

export class SchemaValidator {
  constructor(private readonly root: JsonSchema) {}

  validate(value: unknown): SchemaError[] {
    const errors: SchemaError[] = [];
    this.check(value, this.root, [], errors);
    return errors;
  }

  /** `#/definitions/name` references, resolved. */
  resolve(schema: JsonSchema): JsonSchema {
    let s = schema;
    for (let hops = 0; s.$ref !== undefined; hops++) {
      const name = /^#\/definitions\/([^/]+)$/.exec(s.$ref)?.[1];
      const target = name === undefined ? undefined : this.root.definitions?.[name];
      if (!target || hops > 32) throw new Error(`unresolvable schema reference ${s.$ref}`);
      s = target;
    }
    return s;
  }

  /** What a schema allows, in words: `one of off, note, warning, error`, `a list of strings`. */
  describe(schema: JsonSchema): string {
    const s = this.resolve(schema);
    if (s.anyOf) return s.anyOf.map((a) => this.describe(a)).join(', or ');
    if (s.enum) return `one of ${s.enum.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ')}`;
    switch (s.type) {
      case 'array':
        return s.items ? `a list of ${this.plural(s.items)}` : 'a list';
      case 'object':
        return s.additionalProperties && typeof s.additionalProperties === 'object' && !s.properties
          ? `an object whose values are ${this.describe(s.additionalProperties)}`
          : 'an object';
      case 'boolean':
        return 'true or false';
      case 'string':
        return s.patternErrorMessage ?? (s.title ? `a ${s.title}` : 'a string');
      case 'integer':
        return 'a whole number';
      case 'number':
        return 'a number';
      default:
        return 'anything';
    }
  }

  private plural(schema: JsonSchema): string {
    const s = this.resolve(schema);
    if (s.enum) return `values (${this.describe(s)})`;
    if (s.type === 'string') return s.title ? `${s.title}s` : 'strings';
    if (s.type === 'object') return s.title ? `${s.title}s` : 'objects';
    return this.describe(s);
  }

  /** Whether a schema is meant for this kind of value (its type, or the kind of its enum's values). */
  private fits(value: unknown, schema: JsonSchema): boolean {
    const s = this.resolve(schema);
    if (s.type !== undefined) return matchesType(value, s.type);
    if (s.enum) return s.enum.some((v) => kindOf(v) === kindOf(value));
    return true;
  }

  private check(value: unknown, schema: JsonSchema, path: KeyPath, errors: SchemaError[]): void {
    const s = this.resolve(schema);
    if (s.anyOf) {
      // The first branch the value satisfies; else the errors of the branch made for its kind of value.
      const fitting = s.anyOf.filter((b) => this.fits(value, b));
      let best: SchemaError[] | undefined;
      for (const branch of fitting) {
        const found: SchemaError[] = [];
        this.check(value, branch, path, found);
        if (!found.length) return;
        best ??= found;
      }
      errors.push(...(best ?? [{ path, message: `must be ${this.describe(s)}, not ${preview(value)}` }]));
      return;
    }
    if (s.type !== undefined && !matchesType(value, s.type)) {
      errors.push({ path, message: `must be ${this.describe(s)}, not ${preview(value)}` });
      return;
    }
    if (s.enum && !s.enum.includes(value)) {
      const words = s.enum.filter((v): v is string => typeof v === 'string');
      errors.push({ path, message: `${preview(value)} is not allowed: use ${this.describe(s)}${typeof value === 'string' ? didYouMean(value, words) : ''}` });
      return;
    }
    if (typeof value === 'string') this.checkString(value, s, path, errors);
    else if (Array.isArray(value)) this.checkArray(value, s, path, errors);
    else if (typeof value === 'object' && value !== null) this.checkObject(value as Record<string, unknown>, s, path, errors);
  }

  private checkString(value: string, s: JsonSchema, path: KeyPath, errors: SchemaError[]): void {
    if (s.minLength !== undefined && value.length < s.minLength) errors.push({ path, message: s.minLength === 1 ? 'must not be empty' : `must have at least ${s.minLength} characters` });
    else if (s.maxLength !== undefined && value.length > s.maxLength) errors.push({ path, message: `must have at most ${s.maxLength} characters` });
    else if (s.pattern !== undefined && !new RegExp(s.pattern, 'u').test(value)) errors.push({ path, message: `${preview(value)} is not ${s.patternErrorMessage ?? `of the form ${s.pattern}`}` });
  }

  private checkArray(value: unknown[], s: JsonSchema, path: KeyPath, errors: SchemaError[]): void {
    if (s.minItems !== undefined && value.length < s.minItems) errors.push({ path, message: `must have at least ${s.minItems} ${s.minItems === 1 ? 'entry' : 'entries'}` });
    if (s.items) value.forEach((item, i) => this.check(item, s.items!, [...path, i], errors));
  }

  private checkObject(value: Record<string, unknown>, s: JsonSchema, path: KeyPath, errors: SchemaError[]): void {
    const known = Object.keys(s.properties ?? {});
    for (const key of s.required ?? []) {
      if (!Object.hasOwn(value, key)) errors.push({ path, message: `"${key}" is missing${s.properties?.[key]?.description ? ` (${s.properties[key]!.description})` : ''}` });
    }
    for (const [key, item] of Object.entries(value)) {
      const at = [...path, key];
      const declared = Object.hasOwn(s.properties ?? {}, key) ? s.properties![key] : undefined;
      if (declared) {
        this.check(item, declared, at, errors);
        continue;
      }
      if (s.propertyNames) {
        const before = errors.length;
        this.check(key, s.propertyNames, at, errors);
        if (errors.length > before) continue;
      }
      if (s.additionalProperties === false) {
        const kind = s['x-key-kind'] ?? 'key';
        const shown = key.length > 60 ? `${key.slice(0, 57)}...` : key;
        errors.push({ path: at, message: `unknown ${kind} "${shown}"${didYouMean(key, known)}; known ${kind}s: ${known.join(', ')}` });
      } else if (typeof s.additionalProperties === 'object') this.check(item, s.additionalProperties, at, errors);
    }
  }
}

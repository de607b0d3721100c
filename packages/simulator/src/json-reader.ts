/**
 * Reads a parsed JSON document (rules, routing, message mix) and fails with an error naming the
 * path of the offending value. One reader serves all three files so that their messages agree:
 * "rules[2].match.amount.min must be a non-negative integer, got the string '12.50'".
 */

/** Builds the package error for a path and a message (`RuleError`, `RoutingError`, `MixError`). */
export type ErrorAt = (path: string, message: string) => Error;

/** Words for a value in an error message; strings are quoted only when short and not digit runs (PANs). */
export function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return /\d{7,}/.test(value) || value.length > 24 ? 'a string' : `the string '${value}'`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `${value}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** The known name closest to `name` by edit distance, when it is close enough to be a typo. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** A cursor on one value of the document: knows its path and how to complain about it. */
export class JsonReader {
  constructor(
    readonly value: unknown,
    readonly path: string,
    private readonly errorAt: ErrorAt,
    /** Said before the path in messages, e.g. `rule 'decline-big':`. */
    private readonly context = '',
  ) {}

  fail(message: string): never {
    throw this.errorAt(this.path, `${this.context}${this.path} ${message}`);
  }

  /** A reader for the same value that prefixes its messages (e.g. with the rule's name). */
  within(context: string): JsonReader {
    return new JsonReader(this.value, this.path, this.errorAt, context);
  }

  /** The object's members, refusing keys outside `known` with the closest known name. */
  object(known: readonly string[]): Record<string, unknown> {
    const value = this.value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail(`must be an object, got ${typeOf(value)}`);
    }
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) {
        const hint = closestName(key, known);
        this.child(key).fail(
          hint ? `is not a known key — did you mean '${hint}'?` : `is not a known key (known: ${known.join(', ')})`,
        );
      }
    }
    return value as Record<string, unknown>;
  }

  /** The keys of an object whose keys are data (PANs, field numbers, issuer names). */
  keys(): string[] {
    const value = this.value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail(`must be an object, got ${typeOf(value)}`);
    }
    return Object.keys(value);
  }

  /** The same value under another path (e.g. with the PAN in it masked). */
  at(path: string): JsonReader {
    return new JsonReader(this.value, path, this.errorAt, this.context);
  }

  child(key: string | number): JsonReader {
    const value = (this.value as Record<string | number, unknown> | undefined)?.[key];
    const path = typeof key === 'number' ? `${this.path}[${key}]` : this.path ? `${this.path}.${key}` : key;
    return new JsonReader(value, path, this.errorAt, this.context);
  }

  has(key: string): boolean {
    return (this.value as Record<string, unknown>)[key] !== undefined;
  }

  array(): JsonReader[] {
    if (!Array.isArray(this.value)) this.fail(`must be an array, got ${typeOf(this.value)}`);
    return this.value.map((_, i) => this.child(i));
  }

  /** A single value or an array of them, as an array. */
  oneOrMany(): JsonReader[] {
    return Array.isArray(this.value) ? this.array() : [this];
  }

  string(pattern?: RegExp, what?: string): string {
    if (typeof this.value !== 'string') this.fail(`must be ${what ?? 'a string'}, got ${typeOf(this.value)}`);
    if (pattern && !pattern.test(this.value))
      this.fail(`must be ${what ?? `a string matching ${pattern}`}, got ${typeOf(this.value)}`);
    return this.value;
  }

  number(options: { min?: number; max?: number; integer?: boolean; what?: string } = {}): number {
    const { min = -Infinity, max = Infinity, integer = false } = options;
    const what = options.what ?? `${integer ? 'an integer' : 'a number'}${min > -Infinity ? ` ≥ ${min}` : ''}`;
    const value = this.value;
    if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
      this.fail(`must be ${what}, got ${typeOf(value)}`);
    }
    if (value < min || value > max) this.fail(`must be ${what}${max < Infinity ? ` and ≤ ${max}` : ''}, got ${value}`);
    return value;
  }

  boolean(): boolean {
    if (typeof this.value !== 'boolean') this.fail(`must be true or false, got ${typeOf(this.value)}`);
    return this.value;
  }

  optional<T>(key: string, read: (reader: JsonReader) => T): T | undefined {
    return this.has(key) ? read(this.child(key)) : undefined;
  }
}

/** The root reader of a document. */
export function readDocument(value: unknown, errorAt: ErrorAt, rootPath = ''): JsonReader {
  return new JsonReader(value, rootPath, errorAt);
}

/**
 * Checks shared by every options object of the package (connection, server, pool, reconnect,
 * operators): a misspelt key is refused with the closest known name, and a value of the wrong
 * type is named by its type. A typo such as `sendTimout` would otherwise be ignored and the send
 * would wait the default 30 s.
 */

/** Every key an options object may have, as an object so the compiler checks it against the interface. */
export type KnownKeys<T> = { readonly [K in keyof Required<T>]: true };

/**
 * How a value is named in error messages: its type and, for scalars, the value
 * (`the string '8583'`, `the number -1`, `null`, `an array`, `a function`, `a Map`).
 * Strings are cut at 32 characters.
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'undefined':
      return 'undefined';
    case 'string':
      return `the string '${value.length > 32 ? `${value.slice(0, 32)}…` : value}'`;
    case 'number':
    case 'boolean':
      return `the ${typeof value} ${String(value)}`;
    case 'bigint':
      return `the bigint ${value}n`;
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default: {
      const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name;
      return name && name !== 'Object' ? `a ${name}` : 'an object';
    }
  }
}

/** Optimal string alignment distance (Levenshtein with adjacent transpositions), case-insensitive. */
function distance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * The known name closest to `name`, when one is close enough to be a likely typo (at most a third
 * of the name's letters off, and never more than 3): `sendTimout` → `sendTimeout`,
 * `idleTimeout` → `idleTime`, `minConnection` → `minConnections`. Undefined otherwise.
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(name.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = distance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= limit ? best : undefined;
}

/**
 * Throws a `TypeError` for the first own key of `options` that `known` does not list:
 * `connect: unknown option 'sendTimout' — did you mean 'sendTimeout'?`, or, with nothing close,
 * the list of known names. `where` names the caller (and the nesting, e.g.
 * `createPool: options.reconnect`).
 */
export function refuseUnknownKeys(where: string, options: object, known: KnownKeys<object> | readonly string[]): void {
  const names = Array.isArray(known) ? (known as readonly string[]) : Object.keys(known);
  for (const key of Object.keys(options)) {
    if (names.includes(key)) continue;
    const suggestion = closestName(key, names);
    const hint = suggestion ? ` — did you mean '${suggestion}'?` : ` (known options: ${names.join(', ')})`;
    throw new TypeError(`${where}: unknown option '${key}'${hint}`);
  }
}

/** Throws a `TypeError` unless `options` is a plain object: `connect: options must be an object, got the string '…'`. */
export function requireObject(where: string, name: string, value: unknown): asserts value is object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${where}: ${name} must be an object, got ${describeValue(value)}`);
  }
}

/**
 * Identifies where in a message a problem lies: `0` is the MTI, `1` the bitmaps, `2`..`128` the data
 * fields, and `'55.9F02'` style paths name an element inside a composite field.
 */
export type FieldPath = number | string;

/** Renders a field path for humans: `field 0 (MTI)`, `field 1 (bitmap)`, `field 35`, `field 55.9F02`. */
export function fieldLabel(field: FieldPath): string {
  if (field === 0) return 'field 0 (MTI)';
  if (field === 1) return 'field 1 (bitmap)';
  return `field ${field}`;
}

/** What the codec errors share: the field a problem is in and the problem alone. */
abstract class FieldProblem<Field extends FieldPath | undefined> extends Error {
  /** The field (or composite element path) the problem is in. */
  readonly field: Field;
  /** The problem alone, without the field prefix. */
  readonly problem: string;

  protected constructor(field: Field, problem: string, message: string, options: { cause?: unknown } | undefined) {
    super(message, options);
    this.field = field;
    this.problem = problem;
  }
}

/**
 * A message specification is malformed. The message names the field and the problem, e.g.
 * `field 35: prefix.digits must be 1..6, got 9`. `field` is `undefined` for a problem with the spec
 * as a whole.
 *
 * @example
 * ```ts
 * try { defineSpec(json) } catch (e) { if (e instanceof SpecError) console.error(e.field, e.problem) }
 * ```
 */
export class SpecError extends FieldProblem<FieldPath | undefined> {
  override readonly name = 'SpecError';

  constructor(field: FieldPath | undefined, problem: string, options?: { cause?: unknown }) {
    super(field, problem, field === undefined ? `spec: ${problem}` : `${fieldLabel(field)}: ${problem}`, options);
  }
}

/**
 * A message could not be packed (a value of the wrong type, too long, with characters its encoding
 * cannot carry, a required field missing...). The message never contains a field's value.
 *
 * @example
 * ```ts
 * try { message.pack() } catch (e) { if (e instanceof PackError) log.warn(e.message) } // "field 4: ..."
 * ```
 */
export class PackError extends FieldProblem<FieldPath> {
  override readonly name = 'PackError';

  constructor(field: FieldPath, problem: string, options?: { cause?: unknown }) {
    super(field, problem, `${fieldLabel(field)}: ${problem}`, options);
  }
}

/**
 * Bytes could not be decoded as a message of the spec. `field` is the element being read when the
 * bytes went wrong (0 MTI, 1 bitmaps, 2..128, or a `'55.9F02'` style path) and `offset` the byte
 * where that element starts, so a hex dump can be checked by hand:
 * `field 35 at offset 57: length prefix is not numeric`. The message never contains field data.
 *
 * @example
 * ```ts
 * try { unpack(spec87ascii, bytes) } catch (e) { if (e instanceof UnpackError) reply(formatError(e.field)) }
 * ```
 */
export class UnpackError extends FieldProblem<FieldPath> {
  override readonly name = 'UnpackError';
  /** Byte offset in the input where the failing element starts. */
  readonly offset: number;

  constructor(field: FieldPath, offset: number, problem: string, options?: { cause?: unknown }) {
    super(field, problem, `${fieldLabel(field)} at offset ${offset}: ${problem}`, options);
    this.offset = offset;
  }
}

/**
 * A typed getter (`getString`, `getBytes`) was asked for a field the message does not carry. Check
 * `has(n)` first, or use `get(n)`, which returns `undefined` for an absent field.
 *
 * @example
 * ```ts
 * try { request.getString(41) } catch (e) { if (e instanceof MissingFieldError) console.warn(e.field) } // 41
 * ```
 */
export class MissingFieldError extends FieldProblem<FieldPath> {
  override readonly name = 'MissingFieldError';

  constructor(field: FieldPath, options?: { cause?: unknown }) {
    const problem = `absent (check has(${field}) first, or use get(${field}), which returns undefined)`;
    super(field, problem, `${fieldLabel(field)}: ${problem}`, options);
  }
}

/**
 * A typed getter was asked for a field whose value is of another kind: `getString` of a binary or
 * composite field, `getBytes` of a text or numeric one. The message names the getter to use instead.
 *
 * @example
 * ```ts
 * request.getString(52); // FieldTypeError: field 52: holds bytes, not a string (use getBytes(52))
 * ```
 */
export class FieldTypeError extends FieldProblem<FieldPath> {
  override readonly name = 'FieldTypeError';

  constructor(field: FieldPath, problem: string, options?: { cause?: unknown }) {
    super(field, problem, `${fieldLabel(field)}: ${problem}`, options);
  }
}

/**
 * A jPOS GenericPackager XML file could not be imported: not well-formed, an entity declared, an
 * attribute or field class rx8583 does not map, a validator. `line` is the line of the element at
 * fault (1-based; `undefined` for the document as a whole), and the message starts with it:
 * `line 42: field 35: unknown field class 'org.jpos.iso.IFX_LLNUM'`.
 *
 * @example
 * ```ts
 * try { specFromJposPackager(xml) } catch (e) { if (e instanceof JposPackagerError) console.error(e.line, e.problem) }
 * ```
 */
export class JposPackagerError extends Error {
  override readonly name = 'JposPackagerError';
  /** The line of the element at fault, 1-based; `undefined` when the problem is the document as a whole. */
  readonly line: number | undefined;
  /** The problem alone, without the line prefix. */
  readonly problem: string;

  constructor(line: number | undefined, problem: string, options?: { cause?: unknown }) {
    super(line === undefined ? `jPOS packager: ${problem}` : `line ${line}: ${problem}`, options);
    this.line = line;
    this.problem = problem;
  }
}

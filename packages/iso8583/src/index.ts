// Our declarations use Node's Buffer type; this makes the shipped index.d.ts load @types/node itself,
// since TypeScript 6 no longer loads it unless a project lists it.
/// <reference types="node" preserve="true" />
/**
 * @rx8583/iso8583 — the ISO 8583 message codec: specs as plain data, encodings, length prefixes,
 * bitmaps, composite fields (positional, TLV, BER-TLV), `Message`, `unpack`, masking `describe`,
 * and precise, card-data-free errors. No I/O.
 */
export { defineSpec, specFromJSON } from './spec/define-spec';
export type {
  MessageSpec,
  FieldSpec,
  FieldType,
  Encoding,
  PrefixSpec,
  Padding,
  BcdAlign,
  Sensitivity,
  FieldSpecBase,
  ScalarFieldSpec,
  BitmapFieldSpec,
  CompositeFieldSpec,
  TagSpec,
  MtiClass,
  EchoFields,
} from './spec/types';
export type { FieldValue, FieldInput, CompositeValue, PositionalValue, TlvElement } from './values';
export { Message, type MessageInit } from './message';
export { unpack } from './unpack';
export { describe, describe as describeMessage, type DescribeOptions } from './describe';
export { responseMti, type ResponseFields } from './response/to-response';
export { STANDARD_ECHO } from './spec/echo-sets';
export { maskPan } from './mask';
export { spec87ascii, spec87binary } from './specs/builtin-specs';
export { PackError, UnpackError, SpecError, MissingFieldError, FieldTypeError, type FieldPath } from './errors';

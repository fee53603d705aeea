import { describe } from '../validation.js';

/**
 * A number as BASIC reads one from a value: a number, or a string that BASIC arithmetic takes
 * as a number (`'4000'`, `' 42 '`, `'-1.5'`, `'.5'`); the null string `''` is zero, as in BASIC.
 */
const NUMERIC = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)\s*$/;

/**
 * Reads a BASIC numeric argument. Anything else aborts a BASIC program ("Non-numeric where
 * numeric required"): here, a TypeError naming the argument.
 */
export function basicNumber(value: unknown, name: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    if (value.trim() === '') return 0;
    if (NUMERIC.test(value)) return Number(value);
  }
  throw new TypeError(`${name}: non-numeric where numeric required (got ${describe(value)})`);
}

/** A BASIC numeric argument used as a whole number: the fraction is dropped, as BASIC does. */
export function basicInteger(value: unknown, name: string): number {
  return Math.trunc(basicNumber(value, name));
}

/** A BASIC string argument: BASIC turns a number into its digits wherever a string is expected. */
export function basicString(value: unknown, name: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new TypeError(`${name} must be a string or a number, got ${describe(value)}`);
}

/**
 * A value as BASIC holds it: true/false become 1/0, as BASIC's boolean results are; numbers and
 * strings stay; nothing at all becomes the null string.
 */
export function toBasicValue(value: unknown): number | string {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  return JSON.stringify(value);
}

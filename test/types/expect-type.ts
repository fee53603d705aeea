// The assertions of the compile-time tests (test/types/*.test-d.ts): nothing here is executed.

/** True when A and B are the same type (not merely assignable; `any` matches only `any`). */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Compiles only when its type argument is `true`. */
export function expectType<T extends true>(): T | void {}
/** Compiles only when the value's type is exactly `Expected` (otherwise it wants a second argument). */
export function expectTypeOf<Expected>() {
  return <Actual>(_value: Actual, ..._mismatch: Equal<Actual, Expected> extends true ? [] : [never]): void => {};
}

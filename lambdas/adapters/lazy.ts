/** A value built on first use and kept: an adapter's module-scope default (a client, a configuration read once). */
export function lazy<T>(make: () => T): () => T {
  let made: { readonly value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}

import * as z from 'zod/mini';
import '../../core/schema.js';

// Stored items are parsed where they are read (issue #12): a DynamoDB item, or a line of a local data file, that does
// not have the shape the code relies on fails here, naming where it is kept, its key and each field that is wrong,
// instead of travelling on as a type it only claims to have. The messages name fields, never stored values.

/** A stored item that does not have the shape the code reading it relies on. */
export class StoredItemError extends Error {
  /** Where the item is kept: `table signoff-requests`, `file /…/secrets.json`. */
  readonly store: string;
  /** The item's key (JSON), or its line in a file. */
  readonly key: string;
  /** Each field that is wrong, as a path (`stages.0.decision`); `(item)` for the item as a whole. */
  readonly fields: readonly string[];
  constructor(store: string, key: string, problems: ReadonlyArray<{ readonly field: string; readonly message: string }>) {
    super(`stored item ${key} in ${store} does not have the expected shape: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
    this.name = 'StoredItemError';
    this.store = store;
    this.key = key;
    this.fields = problems.map((p) => p.field);
  }
}

/** The value parsed by `schema`; throws StoredItemError naming `store`, `key` and each wrong field. */
export function parseStored<S extends z.ZodMiniType>(schema: S, value: unknown, store: string, key: string): z.output<S> {
  const result = z.safeParse(schema, value);
  if (result.success) return result.data;
  throw new StoredItemError(store, key, problemsOf(result.error.issues, []));
}

type Problem = { readonly field: string; readonly message: string };

/**
 * Each issue as a field and a message. An item that matches no kind of a union is judged as the kind it says it is:
 * the closest branch whose literals (`t: 'callback'`) it has, so that the field named is the one it lacks.
 */
function problemsOf(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[]): Problem[] {
  return issues.flatMap((issue): Problem[] => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union') {
      const closest = issue.errors
        .filter((branch) => !branch.some((i) => i.code === 'invalid_value'))
        .sort((a, b) => a.length - b.length)[0];
      if (closest !== undefined) return problemsOf(closest, path);
    }
    return [{ field: path.map(String).join('.') || '(item)', message: issue.message }];
  });
}

/** A DynamoDB item parsed by `schema`; throws StoredItemError naming the table, the item's key and each wrong field. */
export function parseItem<S extends z.ZodMiniType>(
  schema: S,
  item: unknown,
  table: string,
  key: Readonly<Record<string, unknown>>,
): z.output<S> {
  return parseStored(schema, item, `table ${table}`, JSON.stringify(key));
}

/**
 * A type as a stored item has it: nothing readonly, and no `[key: string]: unknown` (a loose object's, for the fields
 * it keeps without knowing them). Two types with the same shape have the same fields, each optional or not alike, of
 * the same types.
 */
export type Shape<T> = T extends readonly (infer E)[]
  ? Shape<E>[]
  : T extends object
    ? { -readonly [K in keyof T as string extends K ? (unknown extends T[K] ? never : K) : K]: Shape<T[K]> }
    : T;

/**
 * `true` when the schema's output and the domain type have the same shape. Written `true satisfies SameShape<…>` beside
 * each schema: a field added to, dropped from or retyped in one of them and not the other fails the type check there.
 */
export type SameShape<A, B> = (<T>() => T extends Shape<A> ? 1 : 2) extends <T>() => T extends Shape<B> ? 1 : 2 ? true : false;

/**
 * The shape of the tables that scripts/generate-contract.ts writes into src/contract/generated/. Kept apart from
 * the generated files so that hand-written code (validator, gateway) depends on a stable, reviewed type.
 */

export type ShapeType =
  | "structure"
  | "string"
  | "list"
  | "map"
  | "integer"
  | "long"
  | "double"
  | "boolean"
  | "timestamp";

/**
 * How a pattern is matched, always in time linear in the value (see linear-pattern.ts): `v8` when the pattern,
 * or a rewrite of it with the same meaning, provably backtracks linearly (V8's RegExp, `u` flag, `source` in
 * JavaScript syntax); `re2` otherwise (re2js, `source` in RE2 syntax). Either way with Java's meaning.
 */
export interface PatternMatch {
  readonly engine: "v8" | "re2";
  readonly source: string;
}

/**
 * Constraints as the model states them; `pattern` is the model's Java regular expression, verbatim (messages
 * print it), and `patternMatch` how it is matched. A value longer than `max` is never matched.
 */
export interface Constraints {
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly patternMatch?: PatternMatch;
  readonly enum?: readonly string[];
}

export interface ShapeDef extends Constraints {
  readonly type: ShapeType;
  /** structure: member name -> target shape name, in the model's order. */
  readonly members?: Readonly<Record<string, string>>;
  readonly required?: readonly string[];
  /** list: the item shape. */
  readonly member?: string;
  /** map: key and value shapes. */
  readonly key?: string;
  readonly value?: string;
  /** structure that is an error the operation may answer with. */
  readonly exception?: true;
  /** the model marks the value as sensitive: keep it out of logs. */
  readonly sensitive?: true;
}

export interface OperationDef {
  /** Input and output structure shape names; null when the model has none (the wire body is then `{}`). */
  readonly input: string | null;
  readonly output: string | null;
  /** Error shapes the model lists for the operation. */
  readonly errors: readonly string[];
}

export interface ServiceMetadata {
  readonly targetPrefix: string;
  readonly signingName: string;
  readonly endpointPrefix: string;
  readonly apiVersion: string;
}

export interface PaginatorDef {
  readonly input_token: string;
  readonly output_token: string;
  readonly limit_key: string;
  readonly result_key: string;
}

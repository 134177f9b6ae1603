/**
 * The JSON Schema pieces the kinds' fragments share (a plan-safe module: the kinds' plan.ts files
 * build their $defs from these; plan-schema-defs.ts gathers them into spec/plan.schema.json).
 */
export type Schema = Record<string, unknown>;

export const ref = (def: string): Schema => ({ $ref: `#/$defs/${def}` });
export const object = (properties: Schema, required: string[] = []): Schema => ({
  type: 'object',
  ...(required.length ? { required } : {}),
  additionalProperties: false,
  properties,
});
/** a declared variable's name */
export const name: Schema = { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]{0,62}$' };
export const names = (min: number, max: number): Schema => ({
  type: 'array',
  minItems: min,
  maxItems: max,
  uniqueItems: true,
  items: name,
});

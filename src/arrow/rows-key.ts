/**
 * A string that is equal for two row lists exactly when they encode to the same Arrow batch: JSON,
 * except that NaN, ±Infinity (JSON writes null) and BigInt (JSON throws) are kept apart. The key of
 * the encoded-answer caches at the site (src/site/answer-bytes.ts) and the hub (src/hub/result-encoder.ts).
 */
export function rowsKey(value: unknown): string {
  return JSON.stringify(value, exactly);
}

function exactly(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return { bigint: String(value) };
  if (typeof value === 'number' && !Number.isFinite(value)) return { number: String(value) };
  return value;
}

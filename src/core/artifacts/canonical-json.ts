// Canonical JSON: object keys sorted, no whitespace, integer arrays for typed arrays, only finite
// numbers. The same value gives the same bytes on every engine (ECMAScript fixes number
// formatting), so a digest over these bytes is portable.
import { ArtifactError } from "./errors.ts";

export function canonicalJson(value: unknown, path = "$"): string {
  if (value === null || typeof value === "boolean") return JSON.stringify(value);
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new ArtifactError(`${path}: ${value} has no canonical form; only finite numbers`);
    return JSON.stringify(value);
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return canonicalJson(Array.from(value as unknown as ArrayLike<number>), path);
  }
  if (Array.isArray(value)) return `[${value.map((v, i) => canonicalJson(v, `${path}[${i}]`)).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v, `${path}.${k}`)}`).join(",")}}`;
  }
  throw new ArtifactError(`${path}: a ${typeof value} cannot be stored`);
}

/** Lowercase hex of bytes (digests and roots in JSON views and messages). */
export function hex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

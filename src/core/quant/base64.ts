// Int32 arrays as little-endian base64 text (how table rows travel in the plan's JSON).
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

function bytesToBase64(b: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < b.length; i += 3) {
    const n = (b[i]! << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    const rest = b.length - i;
    parts.push(
      ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]! +
      (rest > 1 ? ALPHABET[(n >> 6) & 63]! : "=") + (rest > 2 ? ALPHABET[n & 63]! : "="),
    );
  }
  return parts.join("");
}

/** Decodes base64, or returns undefined when the text is not canonical base64. */
function base64ToBytes(s: string): Uint8Array | undefined {
  if (s.length % 4 !== 0) return undefined;
  const pad = s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    let n = 0;
    for (let j = 0; j < 4; j++) {
      const c = s.charCodeAt(i + j);
      const v = s[i + j] === "=" && i + 4 === s.length && j >= 4 - pad ? 0 : c < 128 ? LOOKUP[c]! : -1;
      if (v < 0) return undefined;
      n = (n << 6) | v;
    }
    if (o < out.length) out[o++] = (n >> 16) & 255;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

export function int32ToBase64(v: Int32Array): string {
  const b = new Uint8Array(v.length * 4);
  const dv = new DataView(b.buffer);
  for (let i = 0; i < v.length; i++) dv.setInt32(4 * i, v[i]!, true);
  return bytesToBase64(b);
}

export function base64ToInt32(s: string): Int32Array | undefined {
  const b = base64ToBytes(s);
  if (!b || b.length % 4 !== 0) return undefined;
  const dv = new DataView(b.buffer);
  const out = new Int32Array(b.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = dv.getInt32(4 * i, true);
  return out;
}

// The container every artifact file shares: an 8-byte magic, a u32 version, then sections, each
// a u32 byte length and its contents, read by a reader of their own that must consume them
// exactly. Lengths are checked against a caller's maximum and the bytes left before anything
// is allocated.
import { ByteReader, ByteWriter, ProofFormatError } from "../bytes/index.ts";
import { ArtifactError } from "./errors.ts";

export class SectionWriter {
  private w = new ByteWriter();
  /** What is written before `w`, as parts (big sections are kept as views, not copied). */
  private readonly done: Uint8Array[] = [];

  constructor(magic: string, version: number) {
    this.w.raw(new TextEncoder().encode(magic)).u32(version);
  }

  section(fill: (w: ByteWriter) => void): this {
    const inner = new ByteWriter();
    fill(inner);
    this.w.bytesVec(inner.finish());
    return this;
  }

  /** A section whose contents are these parts, in order, not copied (weights of a proving key). */
  sectionParts(parts: readonly Uint8Array[]): this {
    this.w.u32(parts.reduce((a, p) => a + p.length, 0));
    this.done.push(this.w.finish(), ...parts);
    this.w = new ByteWriter();
    return this;
  }

  finish(): Uint8Array {
    const parts = this.finishParts();
    if (parts.length === 1) return parts[0]!;
    const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
    parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
    return out;
  }

  /** The file as parts to write in order. */
  finishParts(): Uint8Array[] {
    return [...this.done, this.w.finish()];
  }
}

export class SectionReader {
  private readonly r: ByteReader;

  /** Checks the magic and version; `what` names the file kind in errors. */
  constructor(private readonly bytes: Uint8Array, magic: string, version: number, private readonly what: string) {
    this.r = new ByteReader(bytes);
    const m = new TextEncoder().encode(magic);
    const head = bytes.subarray(0, m.length);
    if (head.length !== m.length || head.some((b, i) => b !== m[i])) throw new ArtifactError(`${what}: not a ${what} file (bad magic bytes)`);
    this.guard(() => this.r.raw(m.length, "magic"));
    const v = this.guard(() => this.r.u32(`${what} version`));
    if (v !== version) throw new ArtifactError(`${what}: version ${v} is not supported (this build reads version ${version}); re-create it with this version`);
  }

  get offset(): number {
    return this.r.offset;
  }

  /** What to do about a damaged file of this kind: keys come from setup, proofs from their prover. */
  private remedy(): string {
    const fix = this.what.endsWith(" key") ? "run zkml setup again" : "export it again";
    return ` (the ${this.what} is malformed, truncated or from another version; ${fix})`;
  }

  /** Runs `fn`, turning byte-level errors into ArtifactErrors naming the file kind. */
  guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof ProofFormatError) throw new ArtifactError(`${this.what}: ${e.finding}${this.remedy()}`);
      throw e;
    }
  }

  /** Reads one section of at most `max` bytes with `read`, which must consume it exactly. */
  section<T>(name: string, max: number, read: (r: ByteReader, bytes: Uint8Array) => T): T {
    return this.guard(() => {
      const at = this.r.offset + 4;
      const bytes = this.r.bytesVec(`${name} section`, max);
      const inner = new ByteReader(bytes);
      try {
        const out = read(inner, bytes);
        inner.expectEnd(`end of the ${name} section`);
        return out;
      } catch (e) {
        if (e instanceof ProofFormatError) throw new ArtifactError(`${this.what}: ${name} section (starting at byte ${at}): ${e.finding}${this.remedy()}`);
        throw e;
      }
    });
  }

  /** The next section's bytes as a view (no copy), for large sections the caller parses itself. */
  viewSection(name: string, max: number): { bytes: Uint8Array; offset: number } {
    return this.guard(() => {
      const n = this.r.length(`${name} section`, max, 1);
      const offset = this.r.offset;
      this.r.skip(n);
      return { bytes: this.bytes.subarray(offset, offset + n), offset };
    });
  }

  end(): void {
    this.guard(() => this.r.expectEnd(`end of the ${this.what}`));
  }
}

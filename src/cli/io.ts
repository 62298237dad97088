import { readFileSync } from "node:fs";

/** A failure the user can fix: printed as one line, exit code 1 (or `code`). */
export class CliError extends Error {
  constructor(message: string, readonly code = 1) {
    super(message);
  }
}

export function readInput(path: string, what: string): Uint8Array {
  try {
    // A plain Uint8Array that owns its memory (a Buffer's slice() is a view, and a small file's
    // Buffer sits in a shared pool): the file's own memory when it has it, since copying pk.bin
    // (600 MB for vgg16) took 0.3 s of every `zkml prove`; a copy of a small pooled file.
    const b = readFileSync(path);
    return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? new Uint8Array(b.buffer) : new Uint8Array(b);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === "ENOENT" ? "no such file" : err.code === "EISDIR" ? "it is a directory" : err.message;
    throw new CliError(`cannot read ${what} ${path}: ${why}`);
  }
}

export interface Output {
  out(line: string): void;
  err(line: string): void;
}

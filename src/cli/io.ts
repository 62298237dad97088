import { closeSync, fstatSync, openSync, readFileSync, readSync } from "node:fs";
import { readPkAt, type ProvingKey } from "../core/artifacts/index.ts";
import type { ColumnStore } from "../core/pcs/index.ts";

/** A failure the user can fix: printed as one line, exit code 1 (or `code`). */
export class CliError extends Error {
  constructor(message: string, readonly code = 1) {
    super(message);
  }
}

export function readInput(path: string, what: string): Uint8Array {
  try {
    // A plain Uint8Array that owns its memory (a Buffer's slice() is a view, and a small file's
    // Buffer sits in a shared pool): the file's own memory when it has it (copying a 600 MB file
    // took 0.3 s), a copy of a small pooled file.
    const b = readFileSync(path);
    return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? new Uint8Array(b.buffer) : new Uint8Array(b);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === "ENOENT" ? "no such file" : err.code === "EISDIR" ? "it is a directory" : err.message;
    throw new CliError(`cannot read ${what} ${path}: ${why}`);
  }
}

/**
 * A proving key read from its file at offsets: all of it but the encoded model now, the columns
 * a proof opens later; `close()` when the proofs are done.
 */
export function readProvingKey(path: string): { pk: ProvingKey<ColumnStore>; close(): void } {
  const what = "proving key";
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new CliError(`cannot read ${what} ${path}: ${err.code === "ENOENT" ? "no such file" : err.message}`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new CliError(`cannot read ${what} ${path}: it is a directory`);
    const pk = readPkAt(stat.size, (offset, length) => {
      const out = new Uint8Array(length);
      for (let got = 0; got < length;) {
        const n = readSync(fd, out, got, length - got, offset + got);
        if (n === 0) throw new CliError(`${path}: the ${what} ended early (it changed while being read?); run zkml setup again`);
        got += n;
      }
      return out;
    });
    return { pk, close: () => closeSync(fd) };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

export interface Output {
  out(line: string): void;
  err(line: string): void;
}

import { readFileSync } from "node:fs";

/** A failure the user can fix: printed as one line, exit code 1 (or `code`). */
export class CliError extends Error {
  constructor(message: string, readonly code = 1) {
    super(message);
  }
}

export function readInput(path: string, what: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
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

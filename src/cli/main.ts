import * as accuracy from "./commands/accuracy.ts";
import * as calibrate from "./commands/calibrate.ts";
import * as inspect from "./commands/inspect.ts";
import * as run from "./commands/run.ts";
import * as setup from "./commands/setup.ts";
import * as prove from "./commands/prove.ts";
import * as verify from "./commands/verify.ts";
import * as show from "./commands/show.ts";
import * as exportVerifier from "./commands/export-verifier.ts";
import * as proveGeneration from "./commands/prove-generation.ts";
import { CliError, type Output } from "./io.ts";

interface Command {
  usage: string;
  run(argv: string[], io: Output): number | Promise<number>;
}

const commands: Record<string, Command> = { inspect, run, calibrate, accuracy, setup, prove, verify, show, "export-verifier": exportVerifier, "prove-generation": proveGeneration };

const consoleOutput: Output = {
  out: (l) => process.stdout.write(l + "\n"),
  err: (l) => process.stderr.write(l + "\n"),
};

function help(): string {
  return [
    "zkml: prove that an answer came from your ONNX model (integrity proof; weights and input are not hidden)",
    "",
    "usage:",
    ...Object.values(commands).map((c) => "  " + c.usage),
    "",
    "Run `zkml <command> --help` for a command's options.",
  ].join("\n");
}

/** Runs the CLI; returns the exit code. Every user error becomes one line on stderr. */
export async function main(argv: string[], io: Output = consoleOutput): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.out(help());
    return name ? 0 : 2;
  }
  const cmd = commands[name];
  if (!cmd) {
    io.err(`zkml: unknown command '${name}'. Commands: ${Object.keys(commands).join(", ")}`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.out(`usage: ${cmd.usage}`);
    return 0;
  }
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    const err = e as Error & { code?: unknown };
    if (e instanceof CliError) {
      io.err(`zkml ${name}: ${err.message}`);
      return e.code;
    }
    if (err.name?.endsWith("Error") && err.name !== "Error" && err.name !== "TypeError" && err.name !== "RangeError") {
      // Typed errors from the core (OnnxError, QuantError, …) carry a user-facing message.
      io.err(`zkml ${name}: ${err.message}`);
      return 1;
    }
    if ((err as { code?: string }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" || (err as { code?: string }).code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
      io.err(`zkml ${name}: ${err.message}\nusage: ${cmd.usage}`);
      return 2;
    }
    io.err(`zkml ${name}: internal error: ${err.stack ?? err.message}`);
    return 70;
  }
}

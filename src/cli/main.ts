import { CliError, type Output } from "./io.ts";
import { USAGE, type CommandName } from "./usage.ts";

interface Command {
  run(argv: string[], io: Output): number | Promise<number>;
}

// Loaded when run: `zkml verify` need not load the prover (~150 ms of start-up).
const commands: Record<CommandName, () => Promise<Command>> = {
  inspect: () => import("./commands/inspect.ts"),
  run: () => import("./commands/run.ts"),
  calibrate: () => import("./commands/calibrate.ts"),
  accuracy: () => import("./commands/accuracy.ts"),
  setup: () => import("./commands/setup.ts"),
  prove: () => import("./commands/prove.ts"),
  verify: () => import("./commands/verify.ts"),
  show: () => import("./commands/show.ts"),
  "export-verifier": () => import("./commands/export-verifier.ts"),
  "prove-generation": () => import("./commands/prove-generation.ts"),
};

const isCommand = (name: string | undefined): name is CommandName => name !== undefined && Object.hasOwn(USAGE, name);

const consoleOutput: Output = {
  out: (l) => process.stdout.write(l + "\n"),
  err: (l) => process.stderr.write(l + "\n"),
};

function help(): string {
  return [
    "zkml: prove that an answer came from your ONNX model (integrity proof; weights and input are not hidden)",
    "",
    "usage:",
    ...Object.values(USAGE).map((u) => "  " + u),
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
  if (!isCommand(name)) {
    io.err(`zkml: unknown command '${name}'. Commands: ${Object.keys(commands).join(", ")}`);
    return 2;
  }
  const usage = USAGE[name];
  if (rest.includes("--help") || rest.includes("-h")) {
    io.out(`usage: ${usage}`);
    return 0;
  }
  try {
    return await (await commands[name]()).run(rest, io);
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
      io.err(`zkml ${name}: ${err.message}\nusage: ${usage}`);
      return 2;
    }
    io.err(`zkml ${name}: internal error: ${err.stack ?? err.message}`);
    return 70;
  }
}

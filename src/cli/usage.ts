// Every command's usage line, apart from the commands themselves: `zkml --help` lists them and
// main.ts loads a command's module only when it runs (the prover's modules are most of the start-up).
export const USAGE = {
  inspect:
    "zkml inspect <model.onnx> [--dim sym=N ...] [--json]   show a model's inputs, outputs, parameters, ops, and each node's shapes",
  run:
    "zkml run <model.onnx> --input [name=]<tensor.pb|.npy|.json> ... [--out <tensor.pb>] [--dim sym=N ...] [--plan plan.json] [--json]   evaluate a model in float (or, with --plan, in exact integers)",
  calibrate:
    "zkml calibrate <model.onnx> [--data <x.pb|.npy|.json>] [--method minmax|percentile|mse] [--percentile Q] [--weight-bits N] [--activation-bits N] [--per-channel] [--samples N] [--seed N] [--workers N] [-o plan.json]   choose fixed-point scales and write a QuantPlan (N threads share the samples, default up to 4 for a model over 1 MB; the plan is the same for any N)",
  accuracy:
    "zkml accuracy <model.onnx> --plan plan.json [--data <x.pb|.npy|.json>] [--labels <y.pb>] [--samples N] [--seed N] [--workers N] [--json]   float vs quantized: top-1, accuracy, cosine, per-node error (N threads share the samples, as for calibrate; the figures are the same for any N)",
  setup:
    "zkml setup <model.onnx> [--plan plan.json] -o <keys-dir> [--workers N] [--compact-pk] [--json]   commit the weights once and write vk.bin (verifying key) and pk.bin (proving key) (N threads, default the cores up to 8; the same keys for any N; --compact-pk: pk.bin without the encoded weights, ~10× smaller, each proof encodes them again and takes longer)",
  prove:
    "zkml prove <model.onnx> --keys <keys-dir> --input <x.pb> -o <dir> [--workers N] [--gpu auto|force] [--json]   prove one inference: writes proof.bin and output.json (N threads, default the cores up to 8; --gpu commits the witness on WebGPU: auto on a hardware adapter, force on any; the proof is the same either way)",
  verify:
    "zkml verify --vk <vk.bin> --input <x.pb> --output <output.json> --proof <proof.bin> [--json]   exit 0 and \"accepted\", or exit 1 and \"rejected: reason\"\n" +
    "  zkml verify --vk <vk.bin> --prompt \"text\" --text \"continuation\" --proof <proof.bin> [--json]   a generated text (zkml prove-generation)",
  show:
    "zkml show <vk.bin|proof.bin|pk.bin> [--json]   what a key or proof holds: digests, commitment root, sizes, version",
  "export-verifier":
    "zkml export-verifier -o <dir> [--json]   write a self-contained verifier: an ES module, a Node CLI script and an HTML page that works from disk",
  "prove-generation":
    'zkml prove-generation <model.onnx> --keys <keys-dir> --prompt "text" --tokens N -o <dir> [--workers N] [--json]   generate N tokens greedily and prove the whole sequence in one proof (N threads, as for prove)',
} as const;

export type CommandName = keyof typeof USAGE;

// The commitment with its two bulk loops on WebGPU: the rows' RS encoding and the SHA-256 of every
// encoded column (the Merkle leaves) run on the device, straight from the row-major encoding; the
// CPU transposes the encoding for the openings and hashes the (few, small) node levels. Byte for
// byte the PcsProverData of `commit` (commit-gpu.test.ts checks it).
import { fieldBackend } from "../kernels/index.ts";
import type { GpuBuf, GpuKernels } from "../kernels/gpu-kernels.ts";
import { checkCommitInput, wordsToBytes, type KeptPcsData } from "./commit.ts";
import { PcsError } from "./errors.ts";
import { buildMerkle, LEAF_PREFIX, merkleRoot } from "./merkle.ts";
import { codeLength, type PcsParams } from "./params.ts";

/** Bytes of the largest device buffer the GPU commitment binds (the encoded matrix). */
export function gpuCommitBytes(params: PcsParams): number {
  return 4 * 2 ** params.logRows * codeLength(params);
}

/** Whether the device can bind the encoded matrix in one buffer (else commit on the CPU). */
export function gpuCommitFits(params: PcsParams, G: GpuKernels): boolean {
  const { maxStorageBufferBindingSize, maxBufferSize } = G.device.limits;
  return gpuCommitBytes(params) <= Math.min(maxStorageBufferBindingSize, maxBufferSize);
}

/** Row-major rows × cols words → column-major, on the wasm kernels. */
function transposed(words: Uint32Array, rows: number, cols: number): Uint32Array {
  const K = fieldBackend();
  const a = K.from(words);
  try {
    const t = K.allocFor(rows * cols);
    try {
      K.transpose(a, rows, cols, t);
      return K.read(t);
    } finally {
      K.free(t);
    }
  } finally {
    K.free(a);
  }
}

/** `commit(params, evals)` with the RS encoding and the column leaves on the GPU: the same bytes. */
export async function commitOnGpu(params: PcsParams, evals: Uint32Array, G: GpuKernels): Promise<KeptPcsData> {
  checkCommitInput(params, evals);
  if (!gpuCommitFits(params, G)) {
    const limit = Math.min(G.device.limits.maxStorageBufferBindingSize, G.device.limits.maxBufferSize);
    throw new PcsError(`commitOnGpu: the encoded 2^${params.logN} matrix needs ${gpuCommitBytes(params)} bytes in one buffer but this device binds at most ${limit}; commit on the CPU (commit) instead`);
  }
  const rows = 2 ** params.logRows, len = codeLength(params);
  const bufs: GpuBuf[] = [];
  const keep = (b: GpuBuf) => (bufs.push(b), b);
  try {
    const inp = keep(G.upload(evals));
    const enc = keep(G.alloc(rows * len));
    const digests = keep(G.alloc(8 * len));
    // Submitted back to back: the hash reads the encoding on the device, no round trip.
    await G.rsEncode(inp, rows, params.logCols, params.logBlowup, enc);
    await G.columnLeaves(enc, rows, len, digests, LEAF_PREFIX);
    const [encoded, leafWords] = await Promise.all([G.read(enc), G.read(digests)]);
    const tree = buildMerkle(wordsToBytes(leafWords));
    return { params, root: merkleRoot(tree), matrix: evals, columns: transposed(encoded, rows, len), tree };
  } finally {
    for (const b of bufs) G.free(b);
  }
}

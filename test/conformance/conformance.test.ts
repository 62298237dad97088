// ONNX's own conformance data, driven by cases.json: every case folder must be listed there,
// and every listed case must report exactly its expected status.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect } from "vitest";
import { itShared, sharedPath } from "../shared-data.ts";
import { ATOL, RTOL, runFolderCase, runLightCase, type Tolerance } from "./run-case.ts";

type Expectation = "pass" | { status: string; reason: string; rtol?: number; atol?: number };
type Table = Record<string, Record<string, Expectation>>;

const table = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), "cases.json"), "utf8")) as Table;
const ROOT = "onnx-backend-tests";
const FOLDER_KINDS = ["node", "pytorch-converted", "pytorch-operator", "simple"];

function expectation(e: Expectation): { status: string; tol: Tolerance } {
  if (e === "pass") return { status: "pass", tol: { rtol: RTOL, atol: ATOL } };
  return { status: e.status, tol: { rtol: e.rtol ?? RTOL, atol: e.atol ?? ATOL } };
}

function casesOnDisk(kind: string): string[] {
  const dir = sharedPath(`${ROOT}/${kind}`);
  if (kind === "light") return readdirSync(dir).filter((f) => f.endsWith(".onnx")).map((f) => f.slice(0, -5)).sort();
  return readdirSync(dir).filter((d) => existsSync(join(dir, d, "model.onnx"))).sort();
}

describe("conformance table", () => {
  for (const kind of [...FOLDER_KINDS, "light"]) {
    itShared(`${ROOT}/${kind}`, `lists exactly the ${kind} cases on disk`, () => {
      expect(Object.keys(table[kind] ?? {}).sort()).toEqual(casesOnDisk(kind));
    });
  }
  itShared(ROOT, "gives a reason for every status other than a plain pass", () => {
    for (const kind of Object.keys(table).filter((k) => !k.startsWith("$"))) {
      for (const [name, e] of Object.entries(table[kind]!)) {
        if (e !== "pass") expect(e.reason, `${kind}/${name}`).toMatch(/\w{3,}/);
      }
    }
  });
});

for (const kind of FOLDER_KINDS) {
  describe(`onnx backend tests: ${kind}`, () => {
    for (const [name, e] of Object.entries(table[kind] ?? {})) {
      const { status, tol } = expectation(e);
      itShared(`${ROOT}/${kind}/${name}`, name, () => {
        expect(runFolderCase(sharedPath(`${ROOT}/${kind}/${name}`), tol)).toBe(status);
      });
    }
  });
}

describe("onnx backend tests: light models", () => {
  const dir = sharedPath(`${ROOT}/light`);
  for (const [name, e] of Object.entries(table.light ?? {})) {
    const { status, tol } = expectation(e);
    itShared(`${ROOT}/light/${name}.onnx`, `${name} loads and infers every shape`, () => {
      expect(runLightCase(dir, name, tol, false)).toBe("pass");
    });
    itShared(`${ROOT}/light/${name}.onnx`, `${name} matches ${name}_output_0.pb on ONNX's runner input`, () => {
      expect(runLightCase(dir, name, tol)).toBe(status);
    });
  }
});

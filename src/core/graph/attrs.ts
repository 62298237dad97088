// Typed reads of a node's attributes, with the node named in every error.
import type { AttrValue, TensorData } from "../onnx/index.ts";
import { GraphError } from "./errors.ts";

export class Attrs {
  constructor(private readonly a: Readonly<Record<string, AttrValue>>, private readonly node: string) {}

  has(name: string): boolean {
    return Object.hasOwn(this.a, name);
  }

  private get(name: string, kind: AttrValue["kind"]): AttrValue | undefined {
    if (!this.has(name)) return undefined;
    const v = this.a[name]!;
    if (v.kind !== kind) throw this.error(name, `should be ${kind} but is ${v.kind}`);
    return v;
  }

  int(name: string, def: number): number {
    return (this.get(name, "int")?.value as number | undefined) ?? def;
  }
  float(name: string, def: number): number {
    const v = this.a[name];
    if (v?.kind === "int") return v.value; // some exporters write integral floats as ints
    return (this.get(name, "float")?.value as number | undefined) ?? def;
  }
  string(name: string, def: string): string {
    return (this.get(name, "string")?.value as string | undefined) ?? def;
  }
  ints(name: string): number[] | undefined {
    const v = this.a[name];
    if (v?.kind === "int") return [v.value];
    return this.get(name, "ints")?.value as number[] | undefined;
  }
  floats(name: string): number[] | undefined {
    return this.get(name, "floats")?.value as number[] | undefined;
  }
  tensor(name: string): TensorData | undefined {
    return this.get(name, "tensor")?.value as TensorData | undefined;
  }

  error(name: string, what: string): GraphError {
    return new GraphError(`node ${this.node}: attribute ${name} ${what}; fix or re-export the model`, { node: this.node });
  }
}

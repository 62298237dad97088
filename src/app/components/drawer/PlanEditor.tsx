// The QuantPlan in Monaco with its JSON Schema (validation, completion, hover). The editor and
// the panels edit one document: a valid edit here becomes the active plan (undoable), a change
// from the panels replaces the text (kept in the editor's own undo), and selecting a node
// moves the cursor to its tensor; moving the cursor onto a tensor selects its node.
import { useEffect, useRef, useState } from "react";
import * as monaco from "monaco-editor";
import EditorWorker from "monaco-editor/editor/editor.worker?worker";
import JsonWorker from "monaco-editor/language/json/json.worker?worker";
import schema from "../../../core/quant/plan.schema.json";
import { parsePlan, serializePlan } from "../../../core/quant/index.ts";
import { activeSlot, projectStore } from "../../../state/project.ts";
import { useProject } from "../../store.ts";
import { replacePlan } from "../../clients/quant.ts";

(globalThis as unknown as { MonacoEnvironment: unknown }).MonacoEnvironment = {
  getWorker: (_: string, label: string) => (label === "json" ? new JsonWorker() : new EditorWorker()),
};
monaco.json.jsonDefaults.setDiagnosticsOptions({
  validate: true, allowComments: false, enableSchemaRequest: false,
  schemas: [{ uri: "https://zkml-studio.invalid/plan.schema.json", fileMatch: ["plan.json"], schema }],
});

function lineOfKey(text: string, key: string): number | null {
  const i = text.indexOf(`\n  ${JSON.stringify(key)}: {`);
  return i < 0 ? null : text.slice(0, i + 1).split("\n").length;
}

export default function PlanEditor() {
  const host = useRef<HTMLDivElement>(null);
  const ed = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const plan = useProject((s) => activeSlot(s)?.plan);
  const theme = useProject((s) => s.theme);
  const selected = useProject((s) => s.selectedNode);
  const [status, setStatus] = useState<string>("");
  const applying = useRef(false);

  useEffect(() => {
    const model = monaco.editor.createModel("", "json", monaco.Uri.parse("inmemory://model/plan.json"));
    const e = monaco.editor.create(host.current!, { model, automaticLayout: true, minimap: { enabled: false }, fontSize: 12, tabSize: 1, scrollBeyondLastLine: false });
    ed.current = e;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const sub = model.onDidChangeContent(() => {
      if (applying.current) return;
      clearTimeout(timer);
      timer = setTimeout(async () => {
        try {
          const p = parsePlan(model.getValue());
          setStatus("checking…");
          const err = await replacePlan(p);
          setStatus(err ? `not applied: ${err}` : "applied");
        } catch (err) {
          setStatus(`not applied: ${(err as Error).message}`);
        }
      }, 700);
    });
    const cur = e.onDidChangeCursorPosition((ev) => {
      if (applying.current || !e.hasTextFocus()) return;
      const line = model.getLineContent(ev.position.lineNumber);
      const m = /^ {2}"([^"]+)": \{/.exec(line);
      const view = projectStore.getState().model?.view;
      const node = m && view?.nodes.find((n) => n.outputs.includes(m[1]!) || n.weights.some((w) => w.name === m[1]));
      if (node) projectStore.getState().selectNode(node.id);
    });
    return () => { sub.dispose(); cur.dispose(); e.dispose(); model.dispose(); clearTimeout(timer); };
  }, []);

  useEffect(() => monaco.editor.setTheme(theme === "dark" ? "vs-dark" : "vs"), [theme]);

  useEffect(() => {
    const e = ed.current, model = e?.getModel();
    if (!e || !model) return;
    const text = plan ? serializePlan(plan) : "";
    let same = false;
    try { same = JSON.stringify(JSON.parse(model.getValue())) === JSON.stringify(JSON.parse(text)); } catch { /* different */ }
    if (same) return;
    applying.current = true;
    model.pushEditOperations([], [{ range: model.getFullModelRange(), text }], () => null);
    applying.current = false;
  }, [plan]);

  useEffect(() => {
    const e = ed.current, model = e?.getModel();
    const node = projectStore.getState().model?.view.nodes.find((n) => n.id === selected);
    if (!e || !model || !node || e.hasTextFocus()) return;
    for (const t of [...node.outputs, ...node.weights.map((w) => w.name)]) {
      const line = lineOfKey(model.getValue(), t);
      if (line) {
        applying.current = true;
        e.setPosition({ lineNumber: line, column: 3 });
        e.revealLineInCenter(line);
        applying.current = false;
        break;
      }
    }
  }, [selected, plan]);

  return (
    <div className="plan-editor">
      <div className="plan-status small" role="status" data-testid="plan-status">{plan ? status || "edit the plan: scales under /tensors; requants and tables follow" : "calibrate to get a plan"}</div>
      <div ref={host} className="monaco-host" data-testid="plan-editor" />
    </div>
  );
}

import { useEffect, useMemo, useRef, useState } from "react";
import { ACTIONS } from "../actions.ts";
import { useUi, uiStore } from "../ui-store.ts";

/** Ctrl/Cmd+K: every action by name, with its shortcut; arrows and Enter run one. */
export function Palette() {
  const open = useUi((s) => s.paletteOpen);
  const [q, setQ] = useState("");
  const [cur, setCur] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const list = useMemo(() => {
    const t = q.trim().toLowerCase();
    return ACTIONS.filter((a) => a.id !== "palette" && (!t || a.label.toLowerCase().includes(t) || a.id.includes(t)));
  }, [q, open]);
  useEffect(() => { if (open) { setQ(""); setCur(0); setTimeout(() => input.current?.focus(), 0); } }, [open]);
  useEffect(() => setCur(0), [q]);
  if (!open) return null;
  const close = () => uiStore.getState().set({ paletteOpen: false });
  const run = (i: number) => {
    const a = list[i];
    if (!a || (a.enabled && !a.enabled())) return;
    close();
    a.run();
  };
  return (
    <div className="palette-backdrop" onMouseDown={close}>
      <div className="palette" role="dialog" aria-modal="true" aria-label="Command palette" onMouseDown={(e) => e.stopPropagation()}>
        <input ref={input} value={q} placeholder="Type a command…" aria-label="Command" data-testid="palette-input" aria-activedescendant={`cmd-${cur}`}
          onChange={(e) => setQ(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "ArrowDown") { e.preventDefault(); setCur((c) => Math.min(c + 1, list.length - 1)); }
            else if (e.key === "ArrowUp") { e.preventDefault(); setCur((c) => Math.max(c - 1, 0)); }
            else if (e.key === "Enter") { e.preventDefault(); run(cur); }
            else if (e.key === "Escape") { e.preventDefault(); close(); }
          }} />
        <ul role="listbox" className="palette-list">
          {list.map((a, i) => {
            const off = a.enabled ? !a.enabled() : false;
            return (
              <li key={a.id} id={`cmd-${i}`} role="option" aria-selected={i === cur} aria-disabled={off} className={`${i === cur ? "current" : ""}${off ? " off" : ""}`} onMouseDown={(e) => { e.preventDefault(); run(i); }}>
                <span>{a.label}</span>{a.shortcut && <kbd>{a.shortcut}</kbd>}
              </li>
            );
          })}
        </ul>
      </div>
    </div>
  );
}

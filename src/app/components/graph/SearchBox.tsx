import { useEffect, useMemo, useRef, useState } from "react";
import { searchNodes, type ViewGraph } from "../../../core/view/index.ts";
import { useUi, uiStore } from "../../ui-store.ts";
import { revealNode } from "../../actions.ts";

/** "/" opens it; arrows move through matches, Enter zooms to one, Esc closes. */
export function SearchBox({ view }: { view: ViewGraph }) {
  const open = useUi((s) => s.searchOpen);
  const [q, setQ] = useState("");
  const [cur, setCur] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const hits = useMemo(() => searchNodes(view.nodes, q, 30), [view, q]);
  useEffect(() => {
    if (open) input.current?.focus();
  }, [open]);
  useEffect(() => setCur(0), [q]);
  const close = () => uiStore.getState().set({ searchOpen: false });
  const go = (i: number) => {
    const h = hits[i];
    if (h) revealNode(h.id);
  };
  if (!open) {
    return (
      <button className="search-button btn" onClick={() => uiStore.getState().set({ searchOpen: true })} title="Search nodes by name or op (/)">
        Search <kbd>/</kbd>
      </button>
    );
  }
  return (
    <div className="search-box" role="search">
      <input
        ref={input}
        value={q}
        placeholder="Search by name or op…"
        aria-label="Search nodes by name or op"
        aria-controls="search-results"
        aria-activedescendant={hits[cur] ? `hit-${cur}` : undefined}
        data-testid="search-input"
        onChange={(e) => setQ(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "ArrowDown") { e.preventDefault(); const n = Math.min(cur + 1, hits.length - 1); setCur(n); go(n); }
          else if (e.key === "ArrowUp") { e.preventDefault(); const n = Math.max(cur - 1, 0); setCur(n); go(n); }
          else if (e.key === "Enter") { e.preventDefault(); go(cur); }
          else if (e.key === "Escape") { e.preventDefault(); e.stopPropagation(); close(); }
        }}
      />
      <span className="search-count" aria-live="polite">{q ? `${hits.length}${hits.length === 30 ? "+" : ""} found` : ""}</span>
      {q && hits.length > 0 && (
        <ul id="search-results" className="search-results" role="listbox">
          {hits.map((h, i) => (
            <li key={h.id} id={`hit-${i}`} role="option" aria-selected={i === cur} className={i === cur ? "current" : ""} onMouseDown={(e) => { e.preventDefault(); setCur(i); go(i); }}>
              <span className={`hit-op fam-${h.family}`}>{h.op}</span> <span className="hit-name">{h.name}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

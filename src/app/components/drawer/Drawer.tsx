import { lazy, Suspense } from "react";
import { useUi, uiStore, type DrawerTab } from "../../ui-store.ts";
import { Timeline } from "./Timeline.tsx";
import { Log } from "./Log.tsx";

const PlanEditor = lazy(() => import("./PlanEditor.tsx"));
const TABS: { id: DrawerTab; label: string }[] = [{ id: "timeline", label: "Timeline" }, { id: "plan", label: "Plan" }, { id: "log", label: "Log" }];

export function Drawer() {
  const open = useUi((s) => s.drawerOpen);
  const tab = useUi((s) => s.drawerTab);
  return (
    <section className={`drawer${open ? " open" : ""}`} aria-label="Bottom drawer">
      <div className="drawer-tabs" role="tablist">
        {TABS.map((t) => (
          <button key={t.id} role="tab" aria-selected={open && tab === t.id} className={`tab${open && tab === t.id ? " active" : ""}`} data-testid={`drawer-${t.id}`}
            onClick={() => uiStore.getState().set({ drawerTab: t.id, drawerOpen: !(open && tab === t.id) })}>
            {t.label}
          </button>
        ))}
        <span className="drawer-hint">Ctrl+J</span>
      </div>
      {open && (
        <div className="drawer-body">
          {tab === "timeline" && <Timeline />}
          {tab === "log" && <Log />}
          {tab === "plan" && <Suspense fallback={<div className="muted pad">Loading the editor…</div>}><PlanEditor /></Suspense>}
        </div>
      )}
    </section>
  );
}

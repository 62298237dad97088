import { useUi } from "../../ui-store.ts";

export function Log() {
  const log = useUi((s) => s.log);
  if (log.length === 0) return <div className="muted pad">Nothing logged yet.</div>;
  return (
    <ol className="log" aria-live="polite">
      {log.map((l, i) => (
        <li key={i} className={`log-${l.level}`}><time>{new Date(l.at).toLocaleTimeString()}</time> {l.text}</li>
      ))}
    </ol>
  );
}

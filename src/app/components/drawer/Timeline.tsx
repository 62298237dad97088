import { useJobs } from "../../store.ts";
import { useTick } from "../../hooks/useTick.ts";

const TRACKS = ["compile", "setup", "prove", "steps", "layers", "verify"];

/** One row per stage track, bars as in a performance panel; live while proving. */
export function Timeline() {
  const job = useJobs((s) => s.jobs.prove);
  useTick(job.status === "running", 100);
  if (job.bars.length === 0) {
    // A proof can wait for the prover worker (keys being set up in the background) before its first bar.
    if (job.status === "running") return <div className="muted pad" data-testid="timeline-waiting">{job.detail || "starting the proof"}…</div>;
    return <div className="muted pad">Prove an inference to see its stages and layers here.</div>;
  }
  const now = performance.now();
  const t0 = job.startedAt, t1 = Math.max(job.endedAt ?? now, t0 + 1);
  const W = 1000;
  const x = (t: number) => ((t - t0) / (t1 - t0)) * W;
  const threads = [...new Set(job.bars.map((b) => b.track).filter((t) => t.startsWith("thread ")))].sort();
  const tracks = [...TRACKS.filter((t) => job.bars.some((b) => b.track === t && b.label)), ...threads];
  return (
    <div className="timeline" data-testid="timeline">
      {tracks.map((track) => {
        const bars = job.bars.filter((b) => b.track === track && b.label);
        const total = bars.reduce((a, b) => a + ((b.end ?? now) - b.start), 0);
        return (
          <div key={track} className="tl-row">
            <span className="tl-name">{track}</span>
            <svg viewBox={`0 0 ${W} 18`} preserveAspectRatio="none" className="tl-track" role="img" aria-label={`${track} track`}>
              {bars.map((b, i) => {
                const ms = (b.end ?? now) - b.start;
                return (
                  <rect key={i} className={`tl-bar tl-${track.startsWith("thread ") ? "thread" : track}`} x={x(b.start)} y={2} width={Math.max(1, x(b.end ?? now) - x(b.start))} height={14}>
                    <title>{`${b.label}: ${ms.toFixed(1)} ms${b.elements ? ` · ${((b.elements / ms) * 1e3 / 1e6).toFixed(2)} M elements/s` : ""}`}</title>
                  </rect>
                );
              })}
            </svg>
            <span className="tl-total">{total >= 1000 ? `${(total / 1000).toFixed(2)} s` : `${total.toFixed(0)} ms`}</span>
          </div>
        );
      })}
    </div>
  );
}

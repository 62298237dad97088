import { useRef, useState } from "react";

/** An 8×8 canvas to draw a digit: drag to paint (neighbours get half ink), right-click erases. */
export function DigitCanvas({ pixels, onChange }: { pixels: number[]; onChange(p: number[]): void }) {
  const [down, setDown] = useState<0 | 1 | 2>(0);
  const ref = useRef<HTMLDivElement>(null);
  const paint = (e: React.PointerEvent, mode: 1 | 2) => {
    const r = ref.current!.getBoundingClientRect();
    const cx = Math.floor(((e.clientX - r.left) / r.width) * 8), cy = Math.floor(((e.clientY - r.top) / r.height) * 8);
    if (cx < 0 || cy < 0 || cx > 7 || cy > 7) return;
    const p = [...pixels];
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      const x = cx + dx, y = cy + dy;
      if (x < 0 || y < 0 || x > 7 || y > 7) continue;
      const ink = dx === 0 && dy === 0 ? 1 : Math.abs(dx) + Math.abs(dy) === 1 ? 0.35 : 0;
      p[y * 8 + x] = mode === 1 ? Math.min(1, Math.max(p[y * 8 + x]!, ink)) : dx === 0 && dy === 0 ? 0 : p[y * 8 + x]!;
    }
    onChange(p);
  };
  return (
    <div>
      <div
        ref={ref}
        className="digit-canvas"
        role="img"
        aria-label="8 by 8 drawing canvas for a digit"
        data-testid="digit-canvas"
        onContextMenu={(e) => e.preventDefault()}
        onPointerDown={(e) => { const m = e.button === 2 ? 2 : 1; setDown(m); (e.target as HTMLElement).setPointerCapture?.(e.pointerId); paint(e, m); }}
        onPointerMove={(e) => { if (down) paint(e, down); }}
        onPointerUp={() => setDown(0)}
      >
        {pixels.map((v, i) => <span key={i} style={{ opacity: 0.08 + 0.92 * v }} />)}
      </div>
      <button className="btn btn-small" onClick={() => onChange(new Array(64).fill(0))}>clear</button>
    </div>
  );
}

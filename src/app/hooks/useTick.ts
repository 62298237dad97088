import { useEffect, useState } from "react";

/** Re-renders every `ms` while `active` (live elapsed times and timeline bars). */
export function useTick(active: boolean, ms: number): void {
  const [, tick] = useState(0);
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => tick((x) => x + 1), ms);
    return () => clearInterval(t);
  }, [active, ms]);
}

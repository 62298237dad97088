import { useEffect, useState } from "react";
import type { ValueStats } from "../../core/view/index.ts";
import { useProject } from "../store.ts";
import { modelWorker } from "../clients/model.ts";

/** Statistics of a constant tensor, from the model worker ("loading" until they arrive). */
export function useWeightStats(name: string): ValueStats | null | "loading" {
  const [stats, setStats] = useState<ValueStats | null | "loading">("loading");
  const fileName = useProject((s) => s.model?.fileName);
  useEffect(() => {
    let live = true;
    setStats("loading");
    modelWorker.run((api) => api.weightStats(name)).then((s) => live && setStats(s), () => live && setStats(null));
    return () => { live = false; };
  }, [name, fileName]);
  return stats;
}


import { useEffect } from "react";
import { actionForKey } from "../actions.ts";

/** Every action with a shortcut, from anywhere on the page. */
export function useShortcuts(): void {
  useEffect(() => {
    const down = (e: KeyboardEvent) => {
      const a = actionForKey(e);
      if (!a) return;
      e.preventDefault();
      a.run();
    };
    window.addEventListener("keydown", down);
    return () => window.removeEventListener("keydown", down);
  }, []);
}

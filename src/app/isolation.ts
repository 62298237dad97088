// Cross-origin isolation where the host cannot send COOP/COEP: a service worker (public/
// coi-sw.js) adds the headers, and the page reloads once under it. Without isolation (no
// service workers, file://, or the reload did not help) the app runs and the prover uses one
// worker; the Prove panel says so.

const KEY = "zkml-coi-reloaded";

/** Returns true when the page is about to reload under the service worker. */
export async function ensureIsolation(): Promise<boolean> {
  if (crossOriginIsolated || !("serviceWorker" in navigator) || !isSecureContext) return false;
  try {
    const reg = await navigator.serviceWorker.register(`${import.meta.env.BASE_URL}coi-sw.js`, { scope: import.meta.env.BASE_URL });
    if (sessionStorage.getItem(KEY)) return false; // reloaded once already: do not loop
    await navigator.serviceWorker.ready;
    if (reg.active) {
      sessionStorage.setItem(KEY, "1");
      location.reload();
      return true;
    }
  } catch {
    // No service worker: the app still works, on one prover thread.
  }
  return false;
}

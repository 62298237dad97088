// zkml-studio: cross-origin isolation for static hosts that cannot send headers.
// This service worker adds COOP/COEP (and CORP on same-origin responses) to every response it
// serves, so the page becomes cross-origin isolated and the prover can share memory between
// workers. The app registers it only when the page is not isolated already.
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (e) => e.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (e) => {
  const req = e.request;
  if (req.cache === "only-if-cached" && req.mode !== "same-origin") return;
  e.respondWith(
    fetch(req).then((res) => {
      if (res.status === 0) return res;
      const headers = new Headers(res.headers);
      headers.set("Cross-Origin-Opener-Policy", "same-origin");
      headers.set("Cross-Origin-Embedder-Policy", "require-corp");
      if (new URL(req.url).origin === self.location.origin) headers.set("Cross-Origin-Resource-Policy", "same-origin");
      return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
    }),
  );
});

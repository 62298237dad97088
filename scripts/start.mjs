// The README's start command: serves the app (dev server, COOP/COEP headers) on the demo model
// and prints the URL to open.
import { createServer } from "vite";

const server = await createServer({ server: { host: "127.0.0.1", port: 5173 } });
await server.listen();
const url = server.resolvedUrls?.local[0] ?? "http://127.0.0.1:5173/";
console.log(`\nzkml-studio is running. Open ${url}?demo=digits_cnn in your browser (Ctrl+C stops it).\n`);

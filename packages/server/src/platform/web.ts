import { existsSync } from "node:fs";
import { join } from "node:path";
import fastifyStatic from "@fastify/static";
import { type HttpApp, sendError } from "./http.ts";

/** Serves the built dashboard at / with SPA fallback; unknown API paths stay JSON 404s. */
export async function registerWeb(app: HttpApp, options: { webDist: string }) {
  const hasDashboard = existsSync(join(options.webDist, "index.html"));
  if (hasDashboard) {
    await app.register(fastifyStatic, {
      root: options.webDist,
      wildcard: false,
      // Vite puts a content hash in every asset name.
      setHeaders: (res, path) => {
        if (path.includes("/assets/")) res.header("cache-control", "public, max-age=31536000, immutable");
        else res.header("cache-control", "no-cache");
      },
    });
  }
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split("?")[0] ?? "";
    const isApi = path.startsWith("/api/") || path === "/api";
    if (!isApi && hasDashboard && (request.method === "GET" || request.method === "HEAD")) {
      return reply.header("cache-control", "no-cache").sendFile("index.html");
    }
    if (!isApi && !hasDashboard && request.method === "GET" && path === "/") {
      return reply
        .type("text/plain")
        .send("Slipway is running, but the dashboard is not built. Run `npm run build` (npm start does it for you).");
    }
    return sendError(reply, "not_found", `no route for ${request.method} ${path}`);
  });
}

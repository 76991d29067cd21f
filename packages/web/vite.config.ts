import tailwindcss from "@tailwindcss/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/** The API the dev server forwards to; `npm run dev` at the root starts it on :3000. */
const apiTarget = process.env.SLIPWAY_API_URL ?? "http://localhost:3000";

export default defineConfig({
  plugins: [react(), tailwindcss()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    rolldownOptions: {
      output: {
        // Libraries change less often than the app; separate chunks stay cached across releases.
        codeSplitting: {
          groups: [
            { name: "react", test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            { name: "tanstack", test: /node_modules[\\/]@tanstack[\\/]/ },
            { name: "radix", test: /node_modules[\\/]@radix-ui[\\/]/ },
            { name: "zod", test: /node_modules[\\/]zod[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      // better-auth refuses POSTs whose Origin is not the API's own address; in development
      // the page comes from Vite's port, so present the API's origin instead (dev server only).
      "/api": { target: apiTarget, headers: { origin: new URL(apiTarget).origin } },
      "/healthz": { target: apiTarget },
    },
  },
});

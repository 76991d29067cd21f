import { defineConfig } from "vite";

// No React plugin: Vite transforms JSX itself; the plugin only adds fast refresh for `vite dev`.
export default defineConfig({
  oxc: { jsx: { runtime: "automatic" } },
});

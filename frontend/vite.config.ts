/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

// `npm run dev` serves the app with hot reload and sends the API to a running `make run` stack.
const stack = process.env.CINEWEAVE_API ?? "http://127.0.0.1:8080";

// Redoc's menu shows its maker's logo from a CDN: a request to a third party from every docs page, and a
// console error where the server has no way out. An empty image takes its place.
const REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg";
function noRedocLogo(): Plugin {
  return {
    name: "cineweave-no-redoc-logo",
    transform(code, id) {
      if (!id.includes("/node_modules/redoc/") || !code.includes(REDOC_LOGO)) return null;
      return { code: code.replaceAll(REDOC_LOGO, "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E"), map: null };
    },
  };
}

export default defineConfig({
  plugins: [react(), noRedocLogo()],
  server: {
    port: 5173,
    proxy: { "/api": stack, "/app-config.json": stack },
  },
  build: { outDir: "dist", sourcemap: true },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test/setup.ts"],
  },
});

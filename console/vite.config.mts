import { defineConfig } from 'vite';

/*
 * The operator console: a single-page React app served by the gateway at /console (see
 * apps/gateway/src/console/console-static.ts). Vite's own transform (oxc) compiles the TSX, with
 * React's automatic JSX runtime. `npm run build` writes it to dist/console, beside the services.
 * `npx vite -c console/vite.config.mts` serves it for development, calling a gateway on :8080.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: { outDir: '../dist/console', emptyOutDir: true },
  server: { proxy: { '/v1': 'http://127.0.0.1:8080' } },
});

// Vite configuration of the dashboard. `npm run dev` proxies /api to a running `icb serve`
// (ICB_API, default http://127.0.0.1:8080); `npm run build` writes dist/, which icb serve serves at /.
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  build: { outDir: 'dist', target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 800 },
  server: { proxy: { '/api': { target: process.env.ICB_API ?? 'http://127.0.0.1:8080', changeOrigin: false } } },
});

import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// The build goes to internal/web/dist, which the binary embeds (go:embed);
// `make ui` rebuilds it and CI fails when the committed build is stale.
// `npm run dev` serves the app with hot reload and sends API and socket
// calls to a server on :8080 (`go run ./cmd/switchboard serve --demo`).
const server = 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [vue()],
  define: {
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'false',
    __VUE_I18N_LEGACY_API__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  build: {
    outDir: '../internal/web/dist',
    emptyOutDir: true,
    reportCompressedSize: false,
    target: 'es2022',
  },
  server: {
    proxy: {
      '/api': server,
      '/widget': server,
      '/ws': { target: server, ws: true },
    },
  },
});

// Builds the examples that need a build step — the headless page, the custom transport page, React and
// Vue — with Vite, as their authors would. The pages themselves are plain HTML served by `npm start`; each
// loads one entry from /build/ (Vite's "backend integration" setup: a server serves the HTML, Vite builds
// the scripts). Shared code (Lit, the core client, the elements) lands in shared chunks once.
//
// Run by `npm run build` after the packages (it uses their built `dist`): `vite build -c examples/vite.config.ts`.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import vue from '@vitejs/plugin-vue';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export default defineConfig({
  root: here('.'),
  // Nothing to copy: the pages and styles are served from examples/ as they are.
  publicDir: false,
  logLevel: 'warn',
  plugins: [
    react(),
    // `hearth-*` tags are custom elements, not Vue components.
    vue({ template: { compilerOptions: { isCustomElement: (tag) => tag.startsWith('hearth-') } } }),
  ],
  build: {
    outDir: here('./build'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // Pages load their entry by name; no HTML is generated, so no preload polyfill is needed.
    modulePreload: { polyfill: false },
    rollupOptions: {
      input: {
        headless: here('./headless/main.ts'),
        'custom-transport': here('./custom-transport/main.ts'),
        react: here('./react/main.tsx'),
        vue: here('./vue/main.ts'),
      },
      output: { entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', assetFileNames: 'assets/[name]-[hash][extname]' },
      // The entries export nothing; keep them as small as their code.
      preserveEntrySignatures: false,
    },
  },
});

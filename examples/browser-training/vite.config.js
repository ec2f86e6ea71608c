import { defineConfig } from 'vite';

// Relative asset paths, so the built page works from any directory the check serves it from;
// TensorFlow.js makes one large chunk, as expected.
export default defineConfig({
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 4000 },
});

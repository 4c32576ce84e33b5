import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// One test runner for the whole repo. Workspace packages resolve to their TypeScript
// sources, so tests never depend on a stale build.
export default defineConfig({
  resolve: {
    alias: {
      '@pertouch/imaging': fileURLToPath(new URL('./libs/imaging/src/index.ts', import.meta.url)),
      '@pertouch/segmentation': fileURLToPath(new URL('./libs/segmentation/src/index.ts', import.meta.url)),
      '@pertouch/contracts': fileURLToPath(new URL('./libs/contracts/src/index.ts', import.meta.url)),
      '@pertouch/render-pool': fileURLToPath(new URL('./libs/render-pool/src/index.ts', import.meta.url)),
      '@pertouch/storage': fileURLToPath(new URL('./libs/storage/src/index.ts', import.meta.url)),
      '@pertouch/image-io': fileURLToPath(new URL('./libs/image-io/src/index.ts', import.meta.url)),
      '@pertouch/db': fileURLToPath(new URL('./libs/db/src/index.ts', import.meta.url)),
      '@pertouch/instructions': fileURLToPath(new URL('./libs/instructions/src/index.ts', import.meta.url)),
      '@pertouch/memory': fileURLToPath(new URL('./libs/memory/src/index.ts', import.meta.url)),
      '@pertouch/webhooks': fileURLToPath(new URL('./libs/webhooks/src/index.ts', import.meta.url)),
      '@pertouch/diffusion': fileURLToPath(new URL('./libs/diffusion/src/index.ts', import.meta.url)),
    },
  },
  test: {
    include: ['libs/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'scripts/**/*.test.ts', 'tests/**/*.test.mjs'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});

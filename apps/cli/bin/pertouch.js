#!/usr/bin/env node
// The `pertouch` command: a launcher for the compiled CLI. It is committed (unlike
// dist/) so that `npm ci` can link it into node_modules/.bin before the first build.
import('../dist/main.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/main.js')) {
    console.error('pertouch: [setup.not_built] the CLI is not built yet: run `npm run build` (or `npm run setup`) in the repository root');
    process.exit(1);
  }
  throw error;
});

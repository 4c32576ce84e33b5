#!/usr/bin/env node
// The `pertouch-migrate` command: a launcher for the compiled migrate CLI. It is committed
// (unlike dist/) so that `npm ci` can link it into node_modules/.bin before the first build.
import('../dist/migrate-cli.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/migrate-cli.js')) {
    console.error('pertouch-migrate: @pertouch/db is not built yet: run `npm run build` in the repository root');
    process.exit(1);
  }
  throw error;
});

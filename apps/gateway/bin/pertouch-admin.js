#!/usr/bin/env node
// The `pertouch-admin` command: a launcher for the compiled admin CLI. It is committed
// (unlike dist/) so that `npm ci` can link it into node_modules/.bin before the first build.
import('../dist/admin.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/admin.js')) {
    console.error('pertouch-admin: the gateway is not built yet: run `npm run build` in the repository root');
    process.exit(2);
  }
  throw error;
});

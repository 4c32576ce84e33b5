/** The `pertouch-admin` command (admin/cli.ts has the commands). */
import { runAdmin } from './admin/cli.js';

const status = await runAdmin(process.argv.slice(2), {
  env: process.env,
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
});
process.exitCode = status;

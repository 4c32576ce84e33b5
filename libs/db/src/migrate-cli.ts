#!/usr/bin/env node
// Entry point of `pertouch-migrate` (bin/pertouch-migrate.js loads the built copy).
import { runMigrateCommand } from './migrate-command.js';

process.exitCode = await runMigrateCommand(process.argv.slice(2), process.env);

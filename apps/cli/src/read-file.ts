import { readFile } from 'node:fs/promises';
import { CliError, messageOf } from './errors.js';

/**
 * Reads a whole input file; a missing or unreadable file becomes a CliError coded
 * `<what>.not_found` / `<what>.unreadable` (what: image, segmentation, map, calibration).
 */
export async function readInputFile(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new CliError(`${what}.not_found`, `${path}: no such file`);
    if (code === 'EISDIR') throw new CliError(`${what}.unreadable`, `${path}: is a directory, not a file`);
    if (code === 'EACCES' || code === 'EPERM') throw new CliError(`${what}.unreadable`, `${path}: permission denied`);
    throw new CliError(`${what}.unreadable`, `${path}: ${messageOf(error)}`);
  }
}

/** Reads and parses a JSON file; invalid JSON becomes `<what>.invalid_json`. */
export async function readJsonFile(path: string, what: string): Promise<unknown> {
  const text = (await readInputFile(path, what)).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CliError(`${what}.invalid_json`, `${path}: not valid JSON (${describeJsonError(messageOf(error))})`);
  }
}

/** JSON.parse's message without the snippet of input it quotes (which may be binary). */
function describeJsonError(message: string): string {
  const plain = message.replace(/,? ".*"(\.\.\.)? is not valid JSON$/s, '').replace(/[^\x20-\x7e]+/g, '?');
  return plain.length > 120 ? `${plain.slice(0, 117)}...` : plain;
}

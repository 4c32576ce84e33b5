import { MapValidationError, parseParameterMap, type ParameterMap } from '@pertouch/imaging';
import { CliError } from './errors.js';
import { readJsonFile } from './read-file.js';

/** A MapValidationError as a CliError: `[map.<code>] <json path>: <message>`. */
export function mapError(error: MapValidationError): CliError {
  return new CliError(`map.${error.code}`, error.message);
}

/**
 * Validates a parsed map; with `regionIds`, every region id must be one of them.
 * Called once without ids right after reading (fail fast, before decoding the
 * image) and again with the segmentation's ids.
 */
export function validateMap(value: unknown, regionIds?: ReadonlySet<number>): ParameterMap {
  try {
    return parseParameterMap(value, regionIds);
  } catch (error) {
    if (error instanceof MapValidationError) throw mapError(error);
    throw error;
  }
}

/** Reads a ParameterMap JSON file and checks its shape and value ranges. */
export async function readMapFile(path: string): Promise<unknown> {
  const value = await readJsonFile(path, 'map');
  validateMap(value);
  return value;
}

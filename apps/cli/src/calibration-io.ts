import { CalibrationError, DEFAULT_CALIBRATION, validateCalibrationTable, type CalibrationTable } from '@pertouch/imaging';
import { CliError } from './errors.js';
import { readJsonFile } from './read-file.js';

/**
 * The calibration table to normalise scores with: `--calibration PATH`, else
 * PERTOUCH_CALIBRATION, else the table the library ships.
 */
export async function loadCalibration(path: string | undefined): Promise<CalibrationTable> {
  if (path === undefined) return DEFAULT_CALIBRATION;
  const value = await readJsonFile(path, 'calibration');
  try {
    return validateCalibrationTable(value);
  } catch (error) {
    if (error instanceof CalibrationError) throw new CliError('calibration.invalid', `${path}: ${error.message}`);
    throw error;
  }
}

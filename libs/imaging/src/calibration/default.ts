import data from './default-table.json' with { type: 'json' };
import { validateCalibrationTable, type CalibrationTable } from './table.js';

/**
 * The calibration table PerTouch ships: fitted by `npm run calibrate` on the licensed
 * photos in samples/ (see samples/LICENSES.md and the table's `source` field).
 * Operators can load another with PERTOUCH_CALIBRATION / --calibration.
 */
export const DEFAULT_CALIBRATION: CalibrationTable = validateCalibrationTable(data);

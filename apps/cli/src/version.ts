import { readFileSync } from 'node:fs';
import { DEFAULT_CALIBRATION } from '@pertouch/imaging';
import sharp from 'sharp';

/** `pertouch 0.1.0 (calibration …; sharp …, libvips …)`; the version is the package's. */
export function versionText(): string {
  // src/ and dist/ both sit one level below the package root.
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return `pertouch ${pkg.version} (calibration ${DEFAULT_CALIBRATION.version}; sharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips})\n`;
}

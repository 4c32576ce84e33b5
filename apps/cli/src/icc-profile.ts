import sharp from 'sharp';

/**
 * The description ('desc' tag) of an ICC profile, e.g. "sRGB IEC61966-2.1" or
 * "Adobe RGB (1998)"; undefined when the profile has none or is malformed.
 * Handles v2 'desc' (ASCII) and v4 'mluc' (UTF-16BE, first record) tag types.
 */
export function iccDescription(icc: Buffer): string | undefined {
  try {
    const count = icc.readUInt32BE(128);
    for (let i = 0; i < count; i++) {
      const entry = 132 + 12 * i;
      if (icc.toString('latin1', entry, entry + 4) !== 'desc') continue;
      const at = icc.readUInt32BE(entry + 4);
      const type = icc.toString('latin1', at, at + 4);
      if (type === 'desc') {
        const length = icc.readUInt32BE(at + 8);
        return icc.toString('latin1', at + 12, at + 12 + length).replace(/\0.*$/s, '');
      }
      if (type === 'mluc') {
        const length = icc.readUInt32BE(at + 20);
        const offset = icc.readUInt32BE(at + 24);
        return Buffer.from(icc.subarray(at + offset, at + offset + length)).swap16().toString('utf16le');
      }
      return undefined;
    }
  } catch {
    // RangeError from a truncated profile: no usable description.
  }
  return undefined;
}

/** Whether an embedded profile declares itself sRGB (by its description). */
export function isSrgbProfile(icc: Buffer | undefined): boolean {
  if (!icc) return false;
  return /\bsRGB\b/i.test(iccDescription(icc) ?? '');
}

let srgbProfileBytes: Promise<Buffer> | undefined;

/**
 * The bytes of the sRGB profile sharp attaches with `withIccProfile('srgb')`, so that
 * 16-bit outputs (tagged by hand, see png-iccp.ts) carry the same profile as 8-bit ones.
 */
export function srgbProfile(): Promise<Buffer> {
  srgbProfileBytes ??= sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } })
    .withIccProfile('srgb')
    .png()
    .toBuffer()
    .then((png) => sharp(png).metadata())
    .then((meta) => {
      if (!meta.icc) throw new Error('internal: sharp did not attach its sRGB profile');
      return meta.icc;
    });
  return srgbProfileBytes;
}

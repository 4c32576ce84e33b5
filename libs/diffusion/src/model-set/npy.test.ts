/** Expected bytes from NumPy 2.4: np.save(BytesIO, np.array(...)). */
import { describe, expect, it } from 'vitest';
import { encodeNpy, parseNpy } from './npy.js';

const header = (shape: string, descr: string, fortran = 'False') => {
  const text = `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;
  return [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0, ...new TextEncoder().encode(text.padEnd(117, ' ')), 10];
};
/** np.save of np.array([[1.5, -2.0, 3.25]], dtype=np.float32). */
const NUMPY_F4 = Uint8Array.from([...header('(1, 3)', '<f4'), 0, 0, 192, 63, 0, 0, 0, 192, 0, 0, 80, 64]);
/** np.save of np.array([0.5, -1.0], dtype=np.float16). */
const NUMPY_F2 = Uint8Array.from([...header('(2,)', '<f2'), 0, 56, 0, 188]);

describe('npy', () => {
  it('reads what numpy.save writes (float32)', () => {
    const array = parseNpy(NUMPY_F4);
    expect(array.dtype).toBe('float32');
    expect(array.shape).toEqual([1, 3]);
    expect(Array.from(array.data)).toEqual([1.5, -2, 3.25]);
  });
  it('reads float16 as its bits', () => {
    const array = parseNpy(NUMPY_F2);
    expect(array).toMatchObject({ dtype: 'float16', shape: [2] });
    expect(Array.from(array.data)).toEqual([0x3800, 0xbc00]);
  });
  it('writes byte for byte what numpy.save writes', () => {
    expect(encodeNpy([1, 3], Float32Array.from([1.5, -2, 3.25]))).toEqual(NUMPY_F4);
  });
  it('refuses other files, dtypes, orders and truncated data', () => {
    expect(() => parseNpy(new TextEncoder().encode('{"not": "npy"}'))).toThrow(/magic/);
    const data = [0, 0, 192, 63, 0, 0, 0, 192, 0, 0, 80, 64];
    expect(() => parseNpy(Uint8Array.from([...header('(1, 3)', '<i4'), ...data]))).toThrow(/<i4 is not supported/);
    expect(() => parseNpy(Uint8Array.from([...header('(1, 3)', '<f4', 'True'), ...data]))).toThrow(/Fortran/);
    expect(() => parseNpy(NUMPY_F4.subarray(0, NUMPY_F4.length - 4))).toThrow(/needs 12/);
  });
});

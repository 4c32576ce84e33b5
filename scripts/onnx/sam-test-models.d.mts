/** Types of sam-test-models.mjs, for TypeScript tests that import it. */
export declare const SAM_INPUT_SIDE: number;
export declare const EMBEDDING_DIMS: readonly number[];
/** Disk radii of the tiny decoder's 4 masks, in pixels of the 1024 frame. */
export declare const DECODER_RADII: readonly number[];
/** Base iou of the tiny decoder's 4 masks. */
export declare const DECODER_IOU: readonly number[];
/** The tiny encoder's ONNX bytes; `channels` ≠ 256 gives a wrongly shaped embedding. */
export declare function samTestEncoder(options?: { channels?: number }): Uint8Array;
/** The tiny decoder's ONNX bytes; `pointLabelsName` renames the point_labels input. */
export declare function samTestDecoder(options?: { pointLabelsName?: string }): Uint8Array;
/** Writes encoder.onnx and decoder.onnx into `dir`. */
export declare function writeSamTestModels(dir: string): { encoderPath: string; decoderPath: string };

/** Types of scene-test-model.mjs, for TypeScript tests that import it. */
export declare const SCENE_TEST_INPUT_SIDE: number;
export declare const SCENE_TEST_DIMENSION: number;
export declare const SCENE_TEST_GRID: number;
/** The projection's weights [48, D] (row-major) and bias [D]. */
export declare function sceneTestWeights(options?: { dimension?: number; seed?: number }): { weights: Float32Array; bias: Float32Array; features: number };
/** The tiny scene model's ONNX bytes: pixel_values [1,3,S,S] → image_embeds [1,D]. */
export declare function sceneTestModel(options?: { side?: number; dimension?: number; dynamic?: boolean; seed?: number }): Uint8Array;
/** A mis-shaped model for the load checks. */
export declare function sceneTestModelVariant(options?: { inputName?: string; inputDims?: number[]; outputName?: string; outputDims?: number[]; extraInputs?: string[] }): Uint8Array;
/** Writes scene-test.onnx (or fileName) into `dir`; returns its path. */
export declare function writeSceneTestModel(dir: string, options?: { side?: number; dimension?: number; dynamic?: boolean; seed?: number; fileName?: string }): string;

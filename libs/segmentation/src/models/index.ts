/**
 * Optional "thing" models of the embedded engine: ISNet (subject), selfie (person),
 * BlazeFace (face) and CenterNet (COCO objects), each behind a TensorPort.
 */
export * from './tensor-port.js';
export * from './image-ops.js';
export * from './coco-labels.js';
export * from './isnet-detector.js';
export * from './selfie-detector.js';
export * from './face-detector.js';
export * from './coco-detector.js';
export * from './load-detectors.js';
// The runtimes import onnxruntime-node / TensorFlow.js lazily (dynamic import), so these are cheap to export.
export { loadOnnxModel } from './onnx-runtime.js';
export { loadTfjsGraph, tfjs } from './tfjs-runtime.js';

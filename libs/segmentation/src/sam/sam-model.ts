/**
 * The port between the SAM engine and a SAM-style model: one image encoder and one prompt
 * decoder. The ONNX adapter (onnx-sam-model.ts) implements it with onnxruntime; tests
 * implement it with deterministic fakes, so the engine's logic needs no model files.
 */

/** The embedding an encoder produced for one image. */
export interface SamEmbedding {
  /** Row-major float32 values, e.g. [1, 256, 64, 64] for SAM ViT-B/H and MobileSAM. */
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/** Prompt points in the model's 1024 frame (see preprocess.ts), as SAM's decoder takes them. */
export interface SamDecoderPrompt {
  /** x0, y0, x1, y1, …: N points, 2 values each. */
  readonly coords: Float32Array;
  /** N labels: 1 positive, 0 negative, 2 / 3 box corners, -1 padding point. */
  readonly labels: Float32Array;
}

/** Width × height in pixels. */
export interface Size {
  readonly width: number;
  readonly height: number;
}

/** Where a decoder's masks go. */
export interface SamDecodeTarget {
  /** The image's part of the model frame, resizedSizeOf(image, inputSide): the rest is padding. */
  readonly frame: Size;
  /** The size masks are wanted at (SAM's `orig_im_size`); the image's aspect ratio. */
  readonly output: Size;
}

export interface SamDecoderResult {
  readonly maskCount: number;
  /** The output size of every mask. */
  readonly width: number;
  readonly height: number;
  /** maskCount predicted IoU scores: SAM's confidence in each mask. */
  readonly scores: Float32Array;
  /**
   * Mask `index` as width × height logits (> 0 = inside). Computed on demand, so only the
   * chosen mask pays for post-processing to full size.
   */
  maskLogits(index: number): Float32Array;
}

export interface SamModel {
  /** The encoder's square input side (1024 for every SAM export); prompts are in this frame. */
  readonly inputSide: number;
  /**
   * Embeds one preprocessed image: float32 [1, 3, inputSide, inputSide], normalised and
   * zero-padded as preprocess.ts `encoderInput` writes it.
   */
  encode(input: Float32Array): Promise<SamEmbedding>;
  /** Runs the prompt decoder on a cached embedding; masks come back at `target.output`. */
  decode(embedding: SamEmbedding, prompt: SamDecoderPrompt, target: SamDecodeTarget): Promise<SamDecoderResult>;
  /** Releases native resources; the model is unusable afterwards. */
  dispose?(): Promise<void>;
}

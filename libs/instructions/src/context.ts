/** What a caller may give the parser besides the words. */
export interface ParseContext {
  /**
   * The photo, encoded (JPEG, PNG or WebP), for the VLM to look at; the rule engine does
   * not use it. Boxes come back in the pixels of this image: send a downscaled copy and
   * scale the boxes yourself. `width`/`height` (of this encoded image) let the engine
   * tell the VLM the size and clip the boxes to it.
   */
  readonly image?: { readonly data: Uint8Array; readonly mediaType: string; readonly width?: number; readonly height?: number };
  /** Labels of the photo's segmentation (sky, person, dog…): hints for the VLM's region names. */
  readonly regionLabels?: readonly string[];
  /** Cancels the request; a cancelled parse rejects instead of falling back. */
  readonly signal?: AbortSignal;
}

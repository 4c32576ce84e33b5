/**
 * Parameter maps as the API accepts them: four values in [-1, 1] per region, 0 = the
 * median look of well-retouched photos (design.md §4). Regions are named by the
 * segmentation's region id or by a label ("sky", "person", "the eagle"), since a client
 * usually does not know region ids before the image is segmented.
 */
import { z } from 'zod';

export const ATTRIBUTE_NAMES = ['colorfulness', 'contrast', 'temperature', 'brightness'] as const;
export type AttributeName = (typeof ATTRIBUTE_NAMES)[number];

const value = z.number().finite().min(-1, 'values lie in [-1, 1]').max(1, 'values lie in [-1, 1]');

export const AttributeValuesSchema = z
  .strictObject({ colorfulness: value.optional(), contrast: value.optional(), temperature: value.optional(), brightness: value.optional() })
  .refine((v) => Object.keys(v).length > 0, 'give at least one of colorfulness, contrast, temperature, brightness');
export type ApiAttributeValues = z.infer<typeof AttributeValuesSchema>;

export const ApiRegionValuesSchema = z
  .strictObject({
    /** A region id of the image's segmentation. */
    id: z.number().int().min(0).max(255).optional(),
    /** A label resolved against the segmentation (synonyms, COCO names); every matching region. */
    label: z.string().trim().min(1).max(64).optional(),
    values: AttributeValuesSchema,
  })
  .refine((r) => (r.id === undefined) !== (r.label === undefined), 'name a region by exactly one of id or label');

/** Global values first, then per-region overrides; unspecified attributes keep the as-shot value. */
export const ApiParameterMapSchema = z
  .strictObject({ global: AttributeValuesSchema.optional(), regions: z.array(ApiRegionValuesSchema).max(256).optional() })
  .refine((m) => m.global !== undefined || (m.regions?.length ?? 0) > 0, 'a map needs global values or at least one region');
export type ApiParameterMap = z.infer<typeof ApiParameterMapSchema>;

/** Object keys of the platform (libs/storage writes only these). */
import { tenantPrefix } from '../tenancy.js';

export const objectKeys = {
  original: (tenantId: string, imageId: string) => `${tenantPrefix(tenantId)}images/${imageId}/original`,
  round: (tenantId: string, imageId: string, jobId: string, round: number, ext: string) => `${tenantPrefix(tenantId)}images/${imageId}/jobs/${jobId}/round-${round}.${ext}`,
  roundReport: (tenantId: string, imageId: string, jobId: string, round: number) => `${tenantPrefix(tenantId)}images/${imageId}/jobs/${jobId}/round-${round}.report.json`,
  /** A small JPEG of a round's output, for the VLM judge (pipeline.ts PREVIEW_LONG_SIDE). */
  roundPreview: (tenantId: string, imageId: string, jobId: string, round: number) => `${tenantPrefix(tenantId)}images/${imageId}/jobs/${jobId}/round-${round}.preview.jpg`,
  /** A small JPEG of the original as shot, for the VLM (parse with boxes, and the judge's "before"). */
  preview: (tenantId: string, imageId: string) => `${tenantPrefix(tenantId)}images/${imageId}/preview.jpg`,
};

/** File extension of an output format. */
export function formatExtension(format: string): string {
  return format === 'jpeg' ? 'jpg' : format === 'tiff' ? 'tif' : format;
}

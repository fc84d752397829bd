import type { OcrLine } from './tesseract-pool.js';
import { emptyFields, type ExtractedFields, type FieldName } from './types.js';
export function extractVizFields(_lines: OcrLine[]): { fields: ExtractedFields; confidence: Partial<Record<FieldName, number>> } {
  return { fields: emptyFields(), confidence: {} };
}

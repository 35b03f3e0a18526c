/**
 * What a bot does to a picture before handing it to tesseract, as issue 10's suite does: the
 * picture as it is, then binarised (Otsu, specks dropped) and doubled in size with a white
 * margin — tesseract reads best at that size — as it is and opened with a 5 × 5 square (lines
 * under 5 px gone). (Opened with a 3 × 3 square it read what the plain binary did, run for
 * run: left out to keep the suite short.)
 */
import { inkMask, opening, type Grey } from './knn';

export const OCR_VARIANTS = ['as-is', 'binary-2x', 'open5-2x'] as const;
export type OcrVariant = (typeof OCR_VARIANTS)[number];

export function prepare(img: Grey, variant: OcrVariant): Grey {
  if (variant === 'as-is') return img;
  const r = { 'binary-2x': 0, 'open5-2x': 2 }[variant];
  const mask = opening(inkMask(img), img.width, img.height, r);
  const margin = 20;
  const width = img.width * 2 + 2 * margin;
  const height = img.height * 2 + 2 * margin;
  const grey = new Uint8Array(width * height).fill(255);
  for (let y = 0; y < img.height * 2; y++) {
    for (let x = 0; x < img.width * 2; x++) {
      if (mask[(y >> 1) * img.width + (x >> 1)]) grey[(y + margin) * width + x + margin] = 0;
    }
  }
  return { width, height, grey };
}

/** The attacker's one guess from many readings: the commonest four-digit one (ties: the first). */
export function vote(readings: string[]): string | null {
  const counts = new Map<string, number>();
  for (const r of readings) if (/^\d{4}$/.test(r)) counts.set(r, (counts.get(r) ?? 0) + 1);
  let best: string | null = null;
  for (const [r, n] of counts) if (best === null || n > counts.get(best)!) best = r;
  return best;
}

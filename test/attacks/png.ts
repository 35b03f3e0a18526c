/**
 * What the attack suite reads pictures with: a PNG decoder (8-bit greyscale, RGB or RGBA,
 * every filter, no interlace: what the Worker writes and what Chromium's screenshots are),
 * giving the chunk list too, and a greyscale encoder for the pictures handed to tesseract.
 * Works in workerd and in Node (DecompressionStream is in both).
 */
import { encodeGreyPng } from '../../src/platform/captcha/png';
import type { Grey } from './knn';

export interface DecodedPng extends Grey {
  /** The chunk types in file order. */
  chunks: string[];
}

async function inflate(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export async function decodePng(file: Uint8Array): Promise<DecodedPng> {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const chunks: string[] = [];
  const idat: Uint8Array[] = [];
  let width = 0;
  let height = 0;
  let colour = 0;
  for (let at = 8; at + 8 <= file.length;) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...file.subarray(at + 4, at + 8));
    chunks.push(type);
    const data = file.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      if (data[8] !== 8 || data[12] !== 0) throw new Error('png: only 8-bit, non-interlaced');
      colour = data[9]!;
    }
    if (type === 'IDAT') idat.push(data);
    at += 12 + length;
  }
  const bpp = { 0: 1, 2: 3, 6: 4 }[colour];
  if (!bpp) throw new Error(`png: colour type ${colour}`);
  const joined = new Uint8Array(idat.reduce((n, d) => n + d.length, 0));
  let at = 0;
  for (const d of idat) {
    joined.set(d, at);
    at += d.length;
  }
  const raw = await inflate(joined);
  const stride = width * bpp;
  const px = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= bpp ? px[y * stride + x - bpp]! : 0;
      const b = y > 0 ? px[(y - 1) * stride + x]! : 0;
      const c = x >= bpp && y > 0 ? px[(y - 1) * stride + x - bpp]! : 0;
      let p = 0;
      if (filter === 1) p = a;
      else if (filter === 2) p = b;
      else if (filter === 3) p = (a + b) >> 1;
      else if (filter === 4) {
        const pa = Math.abs(b - c);
        const pb = Math.abs(a - c);
        const pc = Math.abs(a + b - 2 * c);
        p = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      px[y * stride + x] = (v + p) & 0xff;
    }
  }
  const grey = new Uint8Array(width * height);
  for (let i = 0; i < width * height; i++) {
    grey[i] =
      bpp === 1 ? px[i]! : Math.round(0.2126 * px[i * bpp]! + 0.7152 * px[i * bpp + 1]! + 0.0722 * px[i * bpp + 2]!);
  }
  return { width, height, grey, chunks };
}

/** A rectangle of a greyscale picture. */
export function crop(img: Grey, x: number, y: number, width: number, height: number): Grey {
  const grey = new Uint8Array(width * height);
  for (let r = 0; r < height; r++)
    grey.set(img.grey.subarray((y + r) * img.width + x, (y + r) * img.width + x + width), r * width);
  return { width, height, grey };
}

export const encodePng = (img: Grey) => encodeGreyPng(img.width, img.height, img.grey);

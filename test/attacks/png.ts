/**
 * What the attack suite reads pictures with: a PNG decoder (4- or 8-bit greyscale, 8-bit RGB
 * or RGBA, every filter, no interlace: what the Worker writes and what Chromium's screenshots
 * are), giving the chunk list too, and an 8-bit greyscale encoder for the pictures handed to
 * tesseract (the Worker's own encoder keeps 16 levels only).
 * Works in workerd and in Node (DecompressionStream is in both).
 */
import { zlibFixed } from '../../src/platform/captcha/png';
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
  let depth = 8;
  for (let at = 8; at + 8 <= file.length;) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...file.subarray(at + 4, at + 8));
    chunks.push(type);
    const data = file.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      depth = data[8]!;
      colour = data[9]!;
      if (data[12] !== 0 || !(depth === 8 || (depth === 4 && colour === 0))) {
        throw new Error(`png: ${depth}-bit colour type ${colour}, interlace ${data[12]}`);
      }
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
  const stride = depth === 4 ? Math.ceil(width / 2) : width * bpp;
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
  if (depth === 4) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const byte = px[y * stride + (x >> 1)]!;
        grey[y * width + x] = (x & 1 ? byte & 15 : byte >> 4) * 17;
      }
    }
    return { width, height, grey, chunks };
  }
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

/** An 8-bit greyscale PNG of `img` (no filter; the same zlib writer as the Worker's). */
export function encodePng(img: Grey): Uint8Array {
  const raw = new Uint8Array((img.width + 1) * img.height);
  for (let y = 0; y < img.height; y++)
    raw.set(img.grey.subarray(y * img.width, (y + 1) * img.width), y * (img.width + 1) + 1);
  const header = new Uint8Array(13);
  new DataView(header.buffer).setUint32(0, img.width);
  new DataView(header.buffer).setUint32(4, img.height);
  header[8] = 8;
  const chunk = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, data.length);
    for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
    out.set(data, 8);
    view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
    return out;
  };
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlibFixed(raw)),
    chunk('IEND', new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

// Crops a screenshot (an 8-bit RGB or RGBA PNG, as Chromium writes them) to
// the part a README shows, and writes it back as a small PNG: the README's
// images ship in the VSIX, whose size has a budget. No image library: PNG is
// zlib-compressed rows with a filter byte each (see the PNG specification).
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';

export interface Region {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

interface Image {
  readonly width: number;
  readonly height: number;
  /** Bytes per pixel: 3 (RGB) or 4 (RGBA). */
  readonly channels: number;
  readonly colorType: number;
  readonly pixels: Buffer;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** The value a filter predicts for byte i of a row from its left, up and up-left neighbours. */
function predict(filter: number, row: Buffer, prior: Buffer, i: number, bpp: number): number {
  const left = i >= bpp ? row[i - bpp] : 0;
  const up = prior[i];
  const upLeft = i >= bpp ? prior[i - bpp] : 0;
  switch (filter) {
    case 0:
      return 0;
    case 1:
      return left;
    case 2:
      return up;
    case 3:
      return (left + up) >> 1;
    case 4:
      return paeth(left, up, upLeft);
    default:
      throw new Error(`unknown PNG filter ${filter}`);
  }
}

export function decodePng(file: string): Image {
  const data = fs.readFileSync(file);
  if (!data.subarray(0, 8).equals(SIGNATURE)) throw new Error(`${file} is not a PNG`);
  let at = 8;
  let header: Buffer | undefined;
  const idat: Buffer[] = [];
  while (at < data.length) {
    const length = data.readUInt32BE(at);
    const type = data.toString('latin1', at + 4, at + 8);
    const body = data.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') header = body;
    if (type === 'IDAT') idat.push(body);
    at += 12 + length;
  }
  if (!header) throw new Error(`${file} has no IHDR`);
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  const [depth, colorType, , , interlace] = header.subarray(8);
  if (depth !== 8 || (colorType !== 2 && colorType !== 6) || interlace !== 0) {
    throw new Error(`${file}: only 8-bit, non-interlaced RGB or RGBA PNGs are supported (depth ${depth}, colour type ${colorType}, interlace ${interlace})`);
  }
  const channels = colorType === 6 ? 4 : 3;
  const stride = width * channels;
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const pixels = Buffer.alloc(stride * height);
  let prior: Buffer = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const row = pixels.subarray(y * stride, (y + 1) * stride);
    raw.copy(row, 0, y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) row[i] = (row[i] + predict(filter, row, prior, i, channels)) & 0xff;
    prior = row;
  }
  return { width, height, channels, colorType, pixels };
}

function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(Buffer.concat([head.subarray(4), body])) >>> 0);
  return Buffer.concat([head, body, crc]);
}

export function encodePng(image: Image): Buffer {
  const { width, height, channels, pixels } = image;
  const stride = width * channels;
  const out = Buffer.alloc((stride + 1) * height);
  let prior: Buffer = Buffer.alloc(stride);
  const candidate = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const row = pixels.subarray(y * stride, (y + 1) * stride);
    // Per row, the filter whose output has the smallest sum of absolute values (the specification's suggested heuristic).
    let best = 0;
    let bestScore = Infinity;
    for (let filter = 0; filter <= 4; filter++) {
      let score = 0;
      for (let i = 0; i < stride; i++) {
        const value = (row[i] - predict(filter, row, prior, i, channels)) & 0xff;
        score += value < 128 ? value : 256 - value;
      }
      if (score < bestScore) [best, bestScore] = [filter, score];
    }
    for (let i = 0; i < stride; i++) candidate[i] = (row[i] - predict(best, row, prior, i, channels)) & 0xff;
    out[y * (stride + 1)] = best;
    candidate.copy(out, y * (stride + 1) + 1);
    prior = row;
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, image.colorType, 0, 0, 0], 8);
  return Buffer.concat([SIGNATURE, chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(out, { level: 9, memLevel: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** Writes `region` of the PNG `from` to `to` (which may be the same file). */
export function cropPng(from: string, to: string, region: Region): void {
  const image = decodePng(from);
  const { x, y, width, height } = region;
  if (x < 0 || y < 0 || width <= 0 || height <= 0 || x + width > image.width || y + height > image.height) {
    throw new Error(`${from}: region ${width}x${height}+${x}+${y} is not inside the ${image.width}x${image.height} image`);
  }
  const stride = width * image.channels;
  const pixels = Buffer.alloc(stride * height);
  for (let row = 0; row < height; row++) {
    const start = ((y + row) * image.width + x) * image.channels;
    image.pixels.copy(pixels, row * stride, start, start + stride);
  }
  fs.writeFileSync(to, encodePng({ ...image, width, height, pixels }));
}

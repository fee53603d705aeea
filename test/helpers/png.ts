// A small PNG reader for screenshot checks: enough of the format for what chromium writes (8-bit
// RGB or RGBA, not interlaced) to tell a page that rendered from a blank one.
import { inflateSync } from 'node:zlib';

/** The eight bytes every PNG file starts with. */
export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface Image {
  readonly width: number;
  readonly height: number;
  /** Bytes per pixel: 3 (RGB) or 4 (RGBA). */
  readonly channels: number;
  /** The pixels row by row, `channels` bytes each, without the PNG filter bytes. */
  readonly pixels: Buffer;
}

/** Decodes a PNG; throws on anything but an 8-bit RGB or RGBA image without interlacing. */
export function decodePng(png: Buffer): Image {
  if (!png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG: wrong signature');
  let offset = 8;
  let header: { width: number; height: number; channels: number } | undefined;
  const data: Buffer[] = [];
  while (offset + 8 <= png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    offset += 12 + length; // length, type, body, CRC
    if (type === 'IHDR') {
      const [depth, colour, , , interlace] = body.subarray(8, 13);
      if (depth !== 8 || (colour !== 2 && colour !== 6) || interlace !== 0) {
        throw new Error(`unsupported PNG: bit depth ${depth}, colour type ${colour}, interlace ${interlace}`);
      }
      header = { width: body.readUInt32BE(0), height: body.readUInt32BE(4), channels: colour === 6 ? 4 : 3 };
    } else if (type === 'IDAT') {
      data.push(body);
    } else if (type === 'IEND') {
      break;
    }
  }
  if (header === undefined) throw new Error('not a PNG: no IHDR chunk');
  const { width, height, channels } = header;
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * channels;
  if (raw.length !== height * (stride + 1)) throw new Error(`PNG data is ${raw.length} bytes, expected ${height * (stride + 1)}`);
  const pixels = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = pixels.subarray(y * stride, (y + 1) * stride);
    const above = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : Buffer.alloc(stride);
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? (row[x - channels] as number) : 0;
      const b = above[x] as number;
      const c = x >= channels ? (above[x - channels] as number) : 0;
      row[x] = ((line[x] as number) + predictor(filter, a, b, c)) & 0xff;
    }
  }
  return { width, height, channels, pixels };
}

/** The value PNG filter `filter` predicts from the bytes left (a), above (b) and above-left (c). */
function predictor(filter: number | undefined, a: number, b: number, c: number): number {
  switch (filter) {
    case 0:
      return 0;
    case 1:
      return a;
    case 2:
      return b;
    case 3:
      return (a + b) >> 1;
    case 4: {
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
    default:
      throw new Error(`bad PNG filter type ${filter}`);
  }
}

/** How many different colours the image has, and the share of pixels not of its commonest one. */
export function colourSpread(image: Image): { colours: number; notBackground: number } {
  const counts = new Map<number, number>();
  for (let i = 0; i < image.pixels.length; i += image.channels) {
    const rgb = image.pixels.readUIntBE(i, 3);
    counts.set(rgb, (counts.get(rgb) ?? 0) + 1);
  }
  const commonest = Math.max(...counts.values());
  const total = image.width * image.height;
  return { colours: counts.size, notBackground: (total - commonest) / total };
}

/**
 * An independent PNG structure check for the report tests: signature, every chunk's CRC-32,
 * IHDR, and the inflated IDAT stream's size against the scanlines IHDR promises.
 */
import { inflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 as the PNG specification defines it (ISO 3309). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export interface PngStructure {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  chunkTypes: string[];
  /** Inflated IDAT data: `height` scanlines, each a filter byte and the row's bytes. */
  scanlines: Buffer;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Parses and checks a PNG; throws on the first defect. */
export function checkPng(png: Buffer): PngStructure {
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG signature');
  const chunkTypes: string[] = [];
  const idat: Buffer[] = [];
  let header: Buffer | undefined;
  for (let offset = 8; offset < png.length;) {
    const length = png.readUInt32BE(offset);
    const typeAndData = png.subarray(offset + 4, offset + 8 + length);
    const type = typeAndData.subarray(0, 4).toString('latin1');
    const stored = png.readUInt32BE(offset + 8 + length);
    if (crc32(typeAndData) !== stored) throw new Error(`chunk ${type} at ${offset}: CRC mismatch`);
    chunkTypes.push(type);
    if (type === 'IHDR') header = typeAndData.subarray(4);
    if (type === 'IDAT') idat.push(typeAndData.subarray(4));
    offset += 12 + length;
  }
  if (chunkTypes[0] !== 'IHDR' || chunkTypes[chunkTypes.length - 1] !== 'IEND' || !header) throw new Error(`bad chunk order ${chunkTypes.join(',')}`);
  const [width, height, bitDepth, colorType, interlace] = [header.readUInt32BE(0), header.readUInt32BE(4), header[8], header[9], header[12]];
  if (interlace !== 0) throw new Error('interlaced PNG not checked');
  const scanlines = inflateSync(Buffer.concat(idat));
  const rowBytes = Math.ceil((width * CHANNELS[colorType] * bitDepth) / 8);
  if (scanlines.length !== height * (1 + rowBytes)) throw new Error(`IDAT inflates to ${scanlines.length} bytes, expected ${height * (1 + rowBytes)}`);
  for (let row = 0; row < height; row++) {
    if (scanlines[row * (1 + rowBytes)] > 4) throw new Error(`row ${row}: filter type ${scanlines[row * (1 + rowBytes)]}`);
  }
  return { width, height, bitDepth, colorType, chunkTypes, scanlines };
}

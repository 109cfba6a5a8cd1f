/** RGBA DataTextures for activation images, written in place. */

import { DataTexture, NearestFilter, LinearFilter, RGBAFormat, SRGBColorSpace, UnsignedByteType } from "three";

import { fillRgba, type ColorScale } from "../data/colormap";

export function makeDataTexture(width: number, height: number): DataTexture {
  const w = Math.max(1, width);
  const h = Math.max(1, height);
  const texture = new DataTexture(new Uint8Array(w * h * 4), w, h, RGBAFormat, UnsignedByteType);
  texture.magFilter = NearestFilter;
  texture.minFilter = LinearFilter;
  texture.generateMipmaps = false;
  texture.colorSpace = SRGBColorSpace;
  texture.needsUpdate = true;
  return texture;
}

export function textureData(texture: DataTexture): Uint8Array {
  return texture.image.data as Uint8Array;
}

/** Fills a whole texture with one opaque colour (0xRRGGBB). */
export function fillSolid(texture: DataTexture, hex: number): void {
  const data = textureData(texture);
  const r = (hex >> 16) & 255;
  const g = (hex >> 8) & 255;
  const b = hex & 255;
  for (let i = 0; i < data.length; i += 4) {
    data[i] = r;
    data[i + 1] = g;
    data[i + 2] = b;
    data[i + 3] = 255;
  }
  texture.needsUpdate = true;
}

/**
 * Writes a height x width image into `texture` at pixel (x0, y0) counted from the top
 * left. Value (row, col) is `values[start + row * rowStride + col * stride]` (rowStride
 * defaults to width * stride), so one channel of a channels-last tensor, or a
 * transposed image, can be drawn without copying.
 */
export function writeImage(
  texture: DataTexture,
  values: Float32Array,
  scale: ColorScale,
  width: number,
  height: number,
  x0 = 0,
  y0 = 0,
  start = 0,
  stride = 1,
  rowStride = width * stride,
): void {
  const data = textureData(texture);
  const tw = texture.image.width;
  const th = texture.image.height;
  for (let row = 0; row < height; row++) {
    // texture row 0 is the bottom of the plane: flip so that image row 0 is on top
    const ty = th - 1 - (y0 + row);
    fillRgba(values, scale, data, ty * tw + x0, start + row * rowStride, stride, width);
  }
  texture.needsUpdate = true;
}

/** Pixel (column, row from the top) of a texture under a uv coordinate. */
export function pixelAt(u: number, v: number, width: number, height: number): [number, number] {
  const x = Math.min(width - 1, Math.max(0, Math.floor(u * width)));
  const y = Math.min(height - 1, Math.max(0, Math.floor((1 - v) * height)));
  return [x, y];
}

/**
 * Where one element of a layer's output sits in the world, by its row-major (C order,
 * channels last) index: what a reshape's fan of lines connects. Pure; mirrors how
 * each visual draws its family (closed or open).
 */

import type { NodeLayout, Vec3 } from "./types";
import {
  channelGrid,
  colorPlanesGrid,
  dim,
  neuronLayout,
  PLANE_DEPTH,
  stripGrid,
  volumeGrid,
  type ChannelGrid,
} from "./sizes";

/** Number of elements in a shape (unknown dims count as 1). */
export function elementCount(shape: ReadonlyArray<number | null>): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= dim(shape, i);
  return n;
}

/** `index` split into coordinates of `dims` (row-major). */
export function unravel(index: number, dims: readonly number[]): number[] {
  const out = new Array<number>(dims.length);
  let rest = Math.max(0, Math.floor(index));
  for (let i = dims.length - 1; i >= 0; i--) {
    out[i] = rest % dims[i];
    rest = Math.floor(rest / dims[i]);
  }
  return out;
}

/** Centre of pixel (row, col) of tile `tile` of a grid laid over the box's front face. */
function onTile(n: NodeLayout, g: ChannelGrid, tile: number, row: number, col: number): Vec3 {
  const { x, y, z } = n.position;
  const { w, h, d } = n.size;
  const tx = (tile % g.cols) * (g.tileW + g.padPx) + col + 0.5;
  const ty = Math.floor(tile / g.cols) * (g.tileH + g.padPx) + row + 0.5;
  return { x: x - w / 2 + (tx / g.atlasW) * w, y: y + h / 2 - (ty / g.atlasH) * h, z: z + d / 2 };
}

/** Centre of pixel (row, col) of an `rows` x `cols` image on the front face, `depth` (0..1) into the box. */
function onFace(n: NodeLayout, rows: number, cols: number, row: number, col: number, depth = 0): Vec3 {
  const { x, y, z } = n.position;
  const { w, h, d } = n.size;
  return {
    x: x - w / 2 + ((col + 0.5) / cols) * w,
    y: y + h / 2 - ((row + 0.5) / rows) * h,
    z: z + d / 2 - depth * Math.max(0, d - PLANE_DEPTH),
  };
}

/** World position of element `index` of the node's output as its visual draws it. */
export function elementPoint(n: NodeLayout, index: number): Vec3 {
  const s = n.node.output_shape;
  switch (n.node.family) {
    case "vector": {
      if (n.node.passthrough) break;
      const cells = neuronLayout(dim(s, 0));
      const i = Math.min(cells.count - 1, Math.max(0, Math.floor(index)));
      const col = i % cells.cols;
      const row = Math.floor(i / cells.cols);
      return {
        x: n.position.x - n.size.w / 2 + cells.pitch / 2 + col * cells.pitch,
        y: n.position.y + (cells.rows * cells.pitch) / 2 - cells.pitch / 2 - row * cells.pitch,
        z: n.position.z,
      };
    }
    case "image":
    case "feature_map": {
      const [H, W, C] = [dim(s, 0), dim(s, 1), dim(s, 2)];
      const [r, c, k] = unravel(index, [H, W, C]);
      if (n.open && !n.node.passthrough) {
        const g = n.node.family === "image" ? colorPlanesGrid(H, W) : channelGrid(H, W, C);
        return onTile(n, g, Math.min(k, g.channels - 1), r, c);
      }
      return onFace(n, H, W, r, c, C > 1 ? k / (C - 1) : 0);
    }
    case "volume": {
      const [D, H, W, C] = [dim(s, 0), dim(s, 1), dim(s, 2), dim(s, 3)];
      const [q, r, c, k] = unravel(index, [D, H, W, C]);
      if (n.open && !n.node.passthrough) {
        const g = volumeGrid(D, H, W, C);
        return onTile(n, g, Math.min(q, g.rows - 1) * g.cols + Math.min(k, g.cols - 1), r, c);
      }
      return onFace(n, H, W, r, c, D > 1 ? q / (D - 1) : 0);
    }
    case "sequence": {
      const [T, C] = [dim(s, 0, 8), dim(s, 1)];
      const [t, f] = unravel(index, [T, C]);
      if (n.open && !n.node.passthrough) {
        const g = stripGrid(T, C, n.closed.h);
        const k = Math.min(f, g.strips - 1);
        const p = onFace(n, 1, T, 0, t);
        const pitch = n.size.h / (g.strips + (g.strips - 1) / 3);
        return { ...p, y: n.position.y + n.size.h / 2 - k * pitch * (4 / 3) - pitch / 2 };
      }
      return onFace(n, C, T, f, t);
    }
    default:
      break;
  }
  return { x: n.position.x, y: n.position.y, z: n.position.z + n.size.d / 2 };
}

/** `count` element indices spread evenly from the first to the last of `total`. */
export function sampleIndices(total: number, count: number): number[] {
  const n = Math.max(1, Math.floor(total));
  const k = Math.max(1, Math.min(n, Math.floor(count)));
  if (k === 1) return [0];
  return Array.from({ length: k }, (_, j) => Math.round((j * (n - 1)) / (k - 1)));
}

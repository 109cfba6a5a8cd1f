/**
 * A layer drawn as one textured plane inside a thin box frame: the shared body of the
 * image input and the sequence grid. Owns the plane, the frame and the texture, which
 * it replaces (and disposes) only when the data's size changes.
 */

import {
  BoxGeometry,
  type DataTexture,
  DoubleSide,
  EdgesGeometry,
  LineBasicMaterial,
  LineSegments,
  Mesh,
  MeshBasicMaterial,
  PlaneGeometry,
  type Raycaster,
} from "three";

import type { NodeLayout, Size3 } from "../layout";
import type { Palette } from "../render/palette";
import type { NodeSpec } from "../spec";
import { BaseVisual } from "./base";
import type { VisualContext } from "./types";
import { fillSolid, makeDataTexture, pixelAt } from "../render/textures";

export abstract class TexturedPlaneVisual extends BaseVisual {
  protected texture: DataTexture;
  private readonly material: MeshBasicMaterial;
  protected readonly plane: Mesh;
  private readonly frame: LineSegments;
  private readonly frameMaterial: LineBasicMaterial;

  constructor(node: NodeSpec, layout: NodeLayout, ctx: VisualContext, width: number, height: number) {
    super(node, layout, ctx);
    this.texture = makeDataTexture(width, height);
    fillSolid(this.texture, ctx.palette.neutral);
    this.material = this.own(new MeshBasicMaterial({ map: this.texture, side: DoubleSide }));
    this.plane = new Mesh(this.own(new PlaneGeometry(1, 1)), this.material);
    this.frameMaterial = this.own(new LineBasicMaterial({ color: ctx.palette.stackLine }));
    this.frame = new LineSegments(this.own(new EdgesGeometry(this.own(new BoxGeometry(1, 1, 1)))), this.frameMaterial);
    this.group.add(this.plane, this.frame);
    this.place(layout);
  }

  /** Whether the visual holds data now (otherwise it shows the neutral colour). */
  protected abstract hasData(): boolean;

  protected layoutChildren({ w, h, d }: Size3): void {
    this.plane.scale.set(w, h, 1);
    this.plane.position.z = d / 2;
    this.frame.scale.set(w, h, d);
  }

  /** Makes the texture `width` x `height`, replacing it only when the size differs. */
  protected sizeTexture(width: number, height: number): void {
    if (this.texture.image.width === width && this.texture.image.height === height) return;
    this.texture.dispose();
    this.texture = makeDataTexture(width, height);
    this.material.map = this.texture;
    this.material.needsUpdate = true;
  }

  protected showNeutral(): void {
    fillSolid(this.texture, this.palette.neutral);
  }

  /** Texture pixel (column, row from the top) under the ray, or null off the plane. */
  protected pixelUnder(raycaster: Raycaster, width: number, height: number): [number, number] | null {
    // A raycast ignores `visible`: an open layer's hidden plane must not answer for it.
    if (!this.plane.visible) return null;
    const hit = raycaster.intersectObject(this.plane, false)[0];
    return hit?.uv ? pixelAt(hit.uv.x, hit.uv.y, width, height) : null;
  }

  protected override applyTheme(palette: Palette): void {
    this.frameMaterial.color.setHex(palette.stackLine);
    if (!this.hasData()) fillSolid(this.texture, palette.neutral);
  }

  override dispose(): void {
    this.texture.dispose();
    super.dispose();
  }
}

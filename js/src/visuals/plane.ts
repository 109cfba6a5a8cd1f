/**
 * A layer drawn as one textured plane inside a thin box frame: the shared body of the
 * image input and the sequence grid. Owns the frame and the picture (an AtlasPlane,
 * whose texture is replaced only when the data's size changes).
 */

import { BoxGeometry, EdgesGeometry, type LineBasicMaterial, LineSegments, type Raycaster } from "three";

import type { NodeLayout, Size3 } from "../layout";
import { AtlasPlane } from "../render/atlas";
import type { Palette } from "../render/palette";
import type { NodeSpec } from "../spec";
import { lineMaterial, whiteLines } from "../render/lines";
import { BaseVisual } from "./base";
import type { VisualContext } from "./types";

export abstract class TexturedPlaneVisual extends BaseVisual {
  /** The closed picture. */
  protected readonly plane: AtlasPlane;
  private readonly frame: LineSegments;
  private readonly frameMaterial: LineBasicMaterial;

  constructor(node: NodeSpec, layout: NodeLayout, ctx: VisualContext, width: number, height: number) {
    super(node, layout, ctx);
    this.plane = this.own(new AtlasPlane(width, height));
    this.plane.fill(ctx.palette.neutral);
    this.frameMaterial = this.own(lineMaterial(ctx.palette.stackLine));
    this.frame = new LineSegments(
      this.own(whiteLines(new EdgesGeometry(this.own(new BoxGeometry(1, 1, 1))))),
      this.frameMaterial,
    );
    this.group.add(this.plane.mesh, this.frame);
    this.place(layout);
  }

  /** Whether the visual holds data now (otherwise it shows the neutral colour). */
  protected abstract hasData(): boolean;

  protected layoutChildren({ w, h, d }: Size3): void {
    this.plane.place(w, h, d / 2);
    this.frame.scale.set(w, h, d);
    this.openView?.place(w, h, d / 2);
  }

  protected showNeutral(): void {
    this.plane.fill(this.palette.neutral);
  }

  protected override showClosed(visible: boolean): void {
    this.plane.show(visible);
  }

  /** Texture pixel (column, row from the top) of the closed picture under the ray, or null off it. */
  protected pixelUnder(raycaster: Raycaster): [number, number] | null {
    return this.plane.pixelUnder(raycaster);
  }

  protected override applyTheme(palette: Palette): void {
    this.frameMaterial.color.setHex(palette.stackLine);
    if (!this.hasData()) this.plane.fill(palette.neutral);
  }
}

import { BoxGeometry, Group, Mesh, MeshBasicMaterial, PerspectiveCamera, Scene } from "three";
import { describe, expect, it } from "vitest";

import type { LayerVisual } from "../src/visuals";
import { Picker } from "../src/scene/picking";

/** The part of a LayerVisual the picker reads: its group and its unit-box proxy. */
function layer(id: string, x: number, scene: Scene, geometry: BoxGeometry, material: MeshBasicMaterial): LayerVisual {
  const group = new Group();
  const pickProxy = new Mesh(geometry, material);
  pickProxy.visible = false;
  pickProxy.scale.set(1, 2, 0.5);
  group.add(pickProxy);
  group.position.set(x, 0, 0);
  scene.add(group);
  return { id, group, pickProxy } as unknown as LayerVisual;
}

describe("Picker", () => {
  // 200 layers in a row along x, 3 apart; the camera looks at them from the front.
  const scene = new Scene();
  const geometry = new BoxGeometry(1, 1, 1);
  const material = new MeshBasicMaterial({ visible: false });
  const visuals = Array.from({ length: 200 }, (_, i) => layer(`l${i}`, i * 3, scene, geometry, material));
  const camera = new PerspectiveCamera(35, 2, 0.1, 5000);
  camera.position.set(300, 0, 400);
  camera.lookAt(300, 0, 0);
  camera.updateMatrixWorld();
  scene.updateMatrixWorld();
  const canvas = {
    getBoundingClientRect: () => ({ left: 0, top: 0, width: 800, height: 400 }),
  } as unknown as HTMLElement;
  const picker = new Picker(camera, canvas);

  it("raycasts only the layers whose bounding sphere the ray passes", () => {
    // The centre of the view is x = 300: layer 100.
    const hit = picker.pick(400, 200, visuals);
    expect(hit?.visual.id).toBe("l100");
    expect(picker.lastTested).toBeGreaterThanOrEqual(1);
    expect(picker.lastTested).toBeLessThanOrEqual(2);
  });

  it("tests no layer when the ray passes above all of them", () => {
    expect(picker.pick(400, 5, visuals)).toBeNull();
    expect(picker.lastTested).toBe(0);
  });

  it("skips hidden layers", () => {
    visuals[100].group.visible = false;
    try {
      expect(picker.pick(400, 200, visuals)?.visual.id).not.toBe("l100");
    } finally {
      visuals[100].group.visible = true;
    }
  });
});

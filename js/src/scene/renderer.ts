/** The WebGL renderer, sized to its container by a ResizeObserver. */

import { NoToneMapping, SRGBColorSpace, WebGLRenderer } from "three";

export const MAX_PIXEL_RATIO = 2;

export interface ViewportRenderer {
  renderer: WebGLRenderer;
  canvas: HTMLCanvasElement;
  /** CSS pixels. */
  width(): number;
  height(): number;
  dispose(): void;
}

/**
 * Creates a renderer whose canvas fills `container`. `onResize` runs (after the new
 * size is applied) whenever the container's size changes.
 */
export function createRenderer(container: HTMLElement, onResize: (w: number, h: number) => void): ViewportRenderer {
  const renderer = new WebGLRenderer({ antialias: true, preserveDrawingBuffer: true, alpha: false });
  renderer.outputColorSpace = SRGBColorSpace;
  renderer.toneMapping = NoToneMapping;
  const canvas = renderer.domElement;
  canvas.className = "ls-canvas";
  canvas.tabIndex = 0;
  // The picture is described in words for screen readers (see widget.ts showTitle).
  canvas.setAttribute("role", "img");
  container.appendChild(canvas);

  let w = 0;
  let h = 0;
  const apply = (): void => {
    const nw = Math.max(1, Math.floor(container.clientWidth));
    const nh = Math.max(1, Math.floor(container.clientHeight));
    const ratio = Math.min(MAX_PIXEL_RATIO, window.devicePixelRatio || 1);
    if (nw === w && nh === h && renderer.getPixelRatio() === ratio) return;
    w = nw;
    h = nh;
    renderer.setPixelRatio(ratio);
    renderer.setSize(w, h, false);
    onResize(w, h);
  };
  apply();
  const observer = new ResizeObserver(() => apply());
  observer.observe(container);

  return {
    renderer,
    canvas,
    width: () => w,
    height: () => h,
    dispose() {
      observer.disconnect();
      renderer.dispose();
      renderer.forceContextLoss();
      canvas.remove();
    },
  };
}

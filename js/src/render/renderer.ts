/**
 * One WebGL renderer for every view on the page, and a 2D canvas per view.
 *
 * Browsers keep about 16 live WebGL contexts per page and drop the oldest beyond that,
 * so a notebook with 40 views would lose some. Instead every view draws into the one
 * shared renderer (in the corner of its drawing buffer that the view's size needs) and
 * copies that corner to its own 2D canvas with drawImage. The shared renderer is
 * reference counted: the first view creates it, the last one to go disposes it.
 *
 * It is shared through the page's global object, not this module: anywidget imports the
 * module afresh for every widget (a new blob URL each time), so module state would be
 * one per view. Only bundles built on the same three.js release share one.
 */

import { NoToneMapping, REVISION, SRGBColorSpace, Vector2, WebGLRenderer, type Camera, type Scene } from "three";

export const MAX_PIXEL_RATIO = 2;

/** What one frame cost the GPU side. */
export interface FrameInfo {
  /** Draw calls (drawArrays/drawElements and their instanced forms) in the frame. */
  calls: number;
  triangles: number;
}

export interface ViewportRenderer {
  /** The view's own (2D) canvas, in the page. */
  canvas: HTMLCanvasElement;
  /** CSS pixels (1 x 1 before the container first had a size). */
  width(): number;
  height(): number;
  /**
   * Takes the container's size now, as laid out (the canvas follows it, which clears
   * it); true when the canvas changed. A container with no size (display:none,
   * detached, 0 px high) leaves the canvas, and its picture, as they are.
   */
  fit(): boolean;
  /** Whether the container had a size when last measured (by `fit` or the ResizeObserver). */
  sized(): boolean;
  /** Draws `scene` into the shared renderer and copies it to this view's canvas. */
  render(scene: Scene, camera: Camera): FrameInfo;
  /** Geometries and textures alive in the shared renderer (every view on the page). */
  memory(): { geometries: number; textures: number };
  /** Whether the shared WebGL context is lost. */
  contextLost(): boolean;
  /** The shared WebGL context (tests lose and restore it through WEBGL_lose_context). */
  context(): WebGLRenderingContext | WebGL2RenderingContext;
  dispose(): void;
}

interface SharedGL {
  renderer: WebGLRenderer;
  /** Views holding it. */
  refs: number;
  /** Drawing buffer size in device pixels (grows to the largest view). */
  width: number;
  height: number;
}

const SHARED_KEY = Symbol.for(`layerscape.sharedRenderer.three-r${REVISION}`);
type PageGlobal = typeof globalThis & { [SHARED_KEY]?: SharedGL };
const page = globalThis as PageGlobal;

function acquire(): SharedGL {
  const current = page[SHARED_KEY];
  if (current) {
    current.refs += 1;
    return current;
  }
  // The drawing buffer is copied out right after each render, in the same task, so it
  // need not be preserved; the views' 2D canvases keep the pictures.
  const renderer = new WebGLRenderer({ antialias: true, preserveDrawingBuffer: false, alpha: false });
  renderer.outputColorSpace = SRGBColorSpace;
  renderer.toneMapping = NoToneMapping;
  // three's own materials compile; checking each program makes the first frame wait
  // for every shader to link (a round trip per program, ~0.2 s on a software GPU).
  renderer.debug.checkShaderErrors = false;
  renderer.setPixelRatio(1); // sizes below are device pixels
  const buffer = renderer.getDrawingBufferSize(new Vector2());
  const shared: SharedGL = { renderer, refs: 1, width: buffer.x, height: buffer.y };
  page[SHARED_KEY] = shared;
  return shared;
}

function release(gl: SharedGL): void {
  gl.refs -= 1;
  if (gl.refs > 0) return;
  gl.renderer.dispose();
  gl.renderer.forceContextLoss();
  if (page[SHARED_KEY] === gl) delete page[SHARED_KEY];
}

/** What the renderer tells its view. */
export interface RendererHooks {
  /**
   * The container's size changed and the canvas took it (which cleared its picture),
   * or the container has a size again after having none: the view should draw now, in
   * the same task (a ResizeObserver callback, before the page paints), so no blank or
   * stale canvas is painted. Not called for what `fit()` itself finds.
   */
  onResize(w: number, h: number): void;
  /** The shared context came back after a loss: three.js re-creates the GPU side of
   * every object from the scene on its next render, so the view only has to draw. */
  onRestore(): void;
}

/**
 * Creates a view's canvas, filling `container`. While the shared context is lost the
 * canvas keeps its last picture (nothing is drawn or copied over it, and a resize
 * rescales it), and the view draws again once the context is restored.
 */
export function createRenderer(container: HTMLElement, hooks: RendererHooks): ViewportRenderer {
  const gl = acquire();
  const canvas = document.createElement("canvas");
  canvas.className = "ls-canvas";
  canvas.tabIndex = 0;
  // The picture is described in words for screen readers (see widget.ts showTitle).
  canvas.setAttribute("role", "img");
  const context = canvas.getContext("2d", { alpha: false });
  if (!context) {
    release(gl);
    throw new Error("this browser gives no 2D canvas context");
  }
  container.appendChild(canvas);

  canvas.width = canvas.height = 1;
  let w = 1;
  let h = 1;
  let ratio = 0;
  let hasSize = false;
  /** Measures the container; resizes the canvas to it when it has a size. */
  const apply = (): "none" | "same" | "changed" => {
    const nw = Math.floor(container.clientWidth);
    const nh = Math.floor(container.clientHeight);
    hasSize = nw > 0 && nh > 0;
    if (!hasSize) return "none";
    const nr = Math.min(MAX_PIXEL_RATIO, window.devicePixelRatio || 1);
    if (nw === w && nh === h && nr === ratio) return "same";
    w = nw;
    h = nh;
    ratio = nr;
    // Setting the size clears the canvas; with no context to draw again, keep the old
    // picture, stretched to the new size.
    const kept = lost() ? snapshot(canvas) : null;
    canvas.width = Math.max(1, Math.round(w * ratio));
    canvas.height = Math.max(1, Math.round(h * ratio));
    if (kept) context.drawImage(kept, 0, 0, canvas.width, canvas.height);
    return "changed";
  };
  const lost = (): boolean => gl.renderer.getContext().isContextLost();
  if (apply() === "changed") hooks.onResize(w, h);
  const observer = new ResizeObserver(() => {
    const had = hasSize;
    const found = apply();
    if (found === "changed" || (found === "same" && !had)) hooks.onResize(w, h);
  });
  observer.observe(container);
  const onRestored = (): void => hooks.onRestore();
  gl.renderer.domElement.addEventListener("webglcontextrestored", onRestored);
  let disposed = false;
  let last: FrameInfo = { calls: 0, triangles: 0 };

  return {
    canvas,
    width: () => w,
    height: () => h,
    fit: () => apply() === "changed",
    sized: () => hasSize,
    render(scene, camera) {
      // A lost context draws nothing; copying its buffer would blank the picture.
      if (lost()) return last;
      const pw = canvas.width;
      const ph = canvas.height;
      const r = gl.renderer;
      // Grow (never shrink per view) the shared buffer: resizing it reallocates.
      if (pw > gl.width || ph > gl.height) {
        gl.width = Math.max(gl.width, pw);
        gl.height = Math.max(gl.height, ph);
        r.setSize(gl.width, gl.height, false);
      }
      // The view's picture is the buffer's bottom-left pw x ph (GL's origin); the
      // scissor keeps the clear to that corner.
      r.setViewport(0, 0, pw, ph);
      r.setScissor(0, 0, pw, ph);
      r.setScissorTest(true);
      r.render(scene, camera);
      r.setScissorTest(false);
      context.drawImage(r.domElement, 0, gl.height - ph, pw, ph, 0, 0, pw, ph);
      const { calls, triangles } = r.info.render;
      last = { calls, triangles };
      return last;
    },
    memory() {
      const { geometries, textures } = gl.renderer.info.memory;
      return { geometries, textures };
    },
    contextLost: lost,
    context: () => gl.renderer.getContext(),
    dispose() {
      if (disposed) return;
      disposed = true;
      observer.disconnect();
      gl.renderer.domElement.removeEventListener("webglcontextrestored", onRestored);
      canvas.remove();
      // Frees the 2D canvas's backing store now rather than at garbage collection.
      canvas.width = canvas.height = 0;
      release(gl);
    },
  };
}

/** A copy of `canvas`'s picture (to draw back after a resize cleared it). */
function snapshot(canvas: HTMLCanvasElement): HTMLCanvasElement | null {
  if (canvas.width <= 1 && canvas.height <= 1) return null;
  const copy = document.createElement("canvas");
  copy.width = canvas.width;
  copy.height = canvas.height;
  copy.getContext("2d")?.drawImage(canvas, 0, 0);
  return copy;
}

/**
 * When a view's element first has a size on the page. Hosts call render() on an element
 * that is not laid out yet: JupyterLab and Notebook 7 before they attach the output,
 * VS Code when an output first scrolls into view (it runs no render code before),
 * often into a container that is 0 px high or display:none for a while. The scene is
 * built for the shape of the view (its rows wrap for its aspect) and drawn at the
 * canvas's final size, so the host waits for a size before building: the view then
 * says `loading` rather than `ready` over a picture nobody can see.
 *
 * Views that are laid out but scrolled out of view are built and drawn as usual (the
 * picture is there when they scroll in; the browser itself throttles animation frames
 * in hidden pages and off-screen frames). Pausing a built view that loses its size
 * again is the frame scheduler's job (render/frames.ts, canDraw).
 */

/** Whether `el` has a size now (reading it lays the page out, as the renderer does). */
export function hasSize(el: HTMLElement): boolean {
  return el.clientWidth > 0 && el.clientHeight > 0;
}

/**
 * Calls `onSized(late)` once `el` has a size: at once (`late` false) when it has one
 * now, else from the ResizeObserver callback that first sees it laid out (`late`
 * true: after layout, before the page paints, so what it draws then is painted).
 * Returns the cancel, which disconnects the observer (safe to call after it fired).
 */
export function whenSized(el: HTMLElement, onSized: (late: boolean) => void): () => void {
  if (hasSize(el)) {
    onSized(false);
    return () => {};
  }
  let observer: ResizeObserver | null = new ResizeObserver(() => {
    if (!observer || !hasSize(el)) return;
    observer.disconnect();
    observer = null;
    onSized(true);
  });
  observer.observe(el);
  return () => {
    observer?.disconnect();
    observer = null;
  };
}

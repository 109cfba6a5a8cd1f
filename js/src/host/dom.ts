/** Small DOM helpers shared by the host's controls (toolbar, readout, scrubber, picker). */

/** A new `<tag class="className">` with `text` as its content, when given. */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A plain `<button type="button">` (never a form submit), named for screen readers. */
export function button(className: string, text: string, label?: string): HTMLButtonElement {
  const node = element("button", className, text);
  node.type = "button";
  if (label !== undefined) node.setAttribute("aria-label", label);
  return node;
}

/** An integer `<input type="range">` from 0, named for screen readers. */
export function rangeSlider(className: string, label: string): HTMLInputElement {
  const node = element("input", className);
  node.type = "range";
  node.min = "0";
  node.step = "1";
  node.setAttribute("aria-label", label);
  return node;
}

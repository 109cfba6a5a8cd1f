/** Small DOM helpers shared by the host's in-view controls (readout, scrubber, picker). */

/** A new `<tag class="className">` with `text` as its content, when given. */
export function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string) {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * Just enough of the DOM for the label overlay in node: elements with classes, styles,
 * children and text, whose offsetWidth/offsetHeight come from their visible text (7 px
 * per character, 5 px in the compact form; 14 px per line, 11 px compact). Installed as
 * `globalThis.document` for one test file.
 */

const CHAR_PX = { normal: 7, compact: 5 };
const LINE_PX = { normal: 14, compact: 11 };

class FakeClassList {
  private readonly names = new Set<string>();
  constructor(private readonly owner: FakeElement) {}
  toggle(name: string, on?: boolean): boolean {
    const want = on ?? !this.names.has(name);
    if (want) this.names.add(name);
    else this.names.delete(name);
    return want;
  }
  contains(name: string): boolean {
    return this.names.has(name) || this.owner.className.split(/\s+/).includes(name);
  }
}

export class FakeElement {
  className = "";
  readonly dataset: Record<string, string> = {};
  readonly style: Record<string, string> = {};
  readonly classList = new FakeClassList(this);
  children: Array<FakeElement | string> = [];
  parent: FakeElement | null = null;
  private text = "";

  set textContent(value: string) {
    this.text = value;
    this.children = [];
  }
  get textContent(): string {
    return this.text + this.children.map((c) => (typeof c === "string" ? c : c.textContent)).join("");
  }
  append(...nodes: Array<FakeElement | string>): void {
    for (const n of nodes) {
      if (typeof n !== "string") n.parent = this;
      this.children.push(n);
    }
  }
  appendChild(node: FakeElement): FakeElement {
    this.append(node);
    return node;
  }
  replaceChildren(...nodes: Array<FakeElement | string>): void {
    this.children = [];
    this.text = "";
    this.append(...nodes);
  }
  remove(): void {
    if (this.parent) this.parent.children = this.parent.children.filter((c) => c !== this);
    this.parent = null;
  }

  /** The lines a label shows now: in the short form, the first line without its `.ls-more` tail. */
  private visibleLines(): string[] {
    const short = this.classList.contains("ls-short");
    const lines = this.children.filter((c): c is FakeElement => typeof c !== "string");
    const shown = short ? lines.slice(0, 1) : lines;
    return shown.map(
      (line) =>
        line.children
          .filter((c) => !(short && typeof c !== "string" && c.className === "ls-more"))
          .map((c) => (typeof c === "string" ? c : c.textContent))
          .join("") || line.text,
    );
  }
  private get form(): "normal" | "compact" {
    return this.classList.contains("ls-compact") ? "compact" : "normal";
  }
  get offsetWidth(): number {
    return Math.max(0, ...this.visibleLines().map((l) => l.length)) * CHAR_PX[this.form];
  }
  get offsetHeight(): number {
    return this.visibleLines().length * LINE_PX[this.form];
  }
}

/** Installs the fake `document` (createElement only) and returns a container element. */
export function installFakeDom(): FakeElement {
  (globalThis as { document?: unknown }).document = { createElement: () => new FakeElement() };
  return new FakeElement();
}

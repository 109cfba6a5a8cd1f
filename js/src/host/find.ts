/**
 * The search field in the view's toolbar: type part of a layer's id, name or class
 * (data/find.ts ranks the matches), pick a suggestion with ↑/↓ and Enter or the mouse.
 * A layer suggestion goes to that layer; "All Conv2D (53)" marks every match and shows
 * the stepper ("3 / 53", ‹ ›, ×), which Enter / Shift+Enter in the field also step.
 * Escape closes the list and gives the keyboard back to the view. Owns its elements and
 * listeners; `dispose` removes them.
 */

import { findSuggestions, stepText, suggestionText, type Suggestion } from "../data/find";
import type { GraphSpec } from "../spec";
import { button, element } from "./dom";

export interface FindHooks {
  graph(): GraphSpec | null;
  /** A layer suggestion was chosen. */
  onLayer(id: string): void;
  /** A class suggestion was chosen: its layers in the graph's order. */
  onClass(className: string, ids: string[]): void;
  /** Step `by` (+1, -1) through the marked matches. */
  onStep(by: number): void;
  /** The stepper's ×: the marks go. */
  onClear(): void;
  /** Escape (or a layer chosen): the keyboard goes back to the view. */
  onLeave(): void;
}

export interface FindPanel {
  /** Puts the cursor in the field (`/`, Ctrl+F) with its text selected. */
  open(): void;
  /** Shows the stepper at match `index` of `count` (count 0 hides it). */
  setSteps(index: number, count: number): void;
  /** The suggestions listed now (for tests: what the list says). */
  readonly field: HTMLInputElement;
  dispose(): void;
}

export function createFind(parent: HTMLElement, hooks: FindHooks): FindPanel {
  const box = element("div", "ls-find");
  const field = element("input", "ls-find-field");
  field.type = "search";
  field.placeholder = "Find layer  /";
  field.autocomplete = "off";
  field.spellcheck = false;
  field.setAttribute("aria-label", "Find a layer by name, id or class");
  field.setAttribute("role", "combobox");
  field.setAttribute("aria-autocomplete", "list");
  field.setAttribute("aria-expanded", "false");
  const list = element("ul", "ls-suggestions");
  // Unique on the page: anywidget loads this module afresh per view, so no module counter.
  list.id = `ls-suggestions-${Math.random().toString(36).slice(2, 10)}`;
  list.setAttribute("role", "listbox");
  list.hidden = true;
  field.setAttribute("aria-controls", list.id);
  const steps = element("div", "ls-find-steps");
  steps.hidden = true;
  const prev = button("ls-find-prev", "\u2039", "Previous match");
  const position = element("span", "ls-find-position");
  position.setAttribute("aria-live", "polite");
  const next = button("ls-find-next", "\u203a", "Next match");
  const clear = button("ls-find-clear", "\u00d7", "Clear the marks");
  steps.append(prev, position, next, clear);
  box.append(field, list, steps);
  parent.prepend(box);

  let suggestions: Suggestion[] = [];
  let active = -1;
  let stepping = false;

  const showList = (): void => {
    list.replaceChildren();
    suggestions.forEach((s, i) => {
      const item = element("li", s.kind === "class" ? "ls-suggestion ls-suggestion-class" : "ls-suggestion");
      item.id = `${list.id}-${i}`;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", String(i === active));
      item.dataset.kind = s.kind;
      item.append(element("span", "ls-suggestion-name", suggestionText(s)));
      if (s.kind === "layer") item.append(element("span", "ls-suggestion-class-name", s.className));
      list.append(item);
    });
    const open = suggestions.length > 0;
    list.hidden = !open;
    field.setAttribute("aria-expanded", String(open));
    if (active >= 0) field.setAttribute("aria-activedescendant", `${list.id}-${active}`);
    else field.removeAttribute("aria-activedescendant");
  };

  const closeList = (): void => {
    suggestions = [];
    active = -1;
    showList();
  };

  const choose = (s: Suggestion): void => {
    field.value = s.kind === "class" ? `All ${s.className}` : s.name;
    closeList();
    if (s.kind === "class") {
      hooks.onClass(s.className, s.ids);
      return; // the field keeps the keyboard: Enter steps on
    }
    hooks.onLayer(s.id);
    hooks.onLeave();
  };

  const onInput = (): void => {
    suggestions = findSuggestions(hooks.graph(), field.value);
    active = suggestions.length > 0 ? 0 : -1;
    showList();
  };

  const onKey = (event: KeyboardEvent): void => {
    const open = !list.hidden && suggestions.length > 0;
    let handled = true;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (open) {
        const by = event.key === "ArrowDown" ? 1 : -1;
        active = (active + by + suggestions.length) % suggestions.length;
        showList();
      } else if (field.value.trim()) {
        onInput();
      }
    } else if (event.key === "Enter") {
      if (open && active >= 0) choose(suggestions[active]);
      else if (stepping) hooks.onStep(event.shiftKey ? -1 : 1);
      else onInput();
    } else if (event.key === "Escape") {
      closeList();
      hooks.onLeave();
    } else {
      handled = false;
    }
    if (handled) {
      event.preventDefault();
      // The view's own keys (and the notebook's shortcuts) must not act on these too.
      event.stopPropagation();
    }
  };

  // mousedown, not click: the field keeps the keyboard (no blur before the choice).
  const onListDown = (event: MouseEvent): void => {
    const item = (event.target as HTMLElement | null)?.closest?.("li");
    if (!item || !list.contains(item)) return;
    event.preventDefault();
    const index = [...list.children].indexOf(item);
    if (suggestions[index]) choose(suggestions[index]);
  };

  // The list closes when the field loses the keyboard (a click elsewhere).
  const onBlur = (): void => closeList();
  const onPrev = (): void => hooks.onStep(-1);
  const onNext = (): void => hooks.onStep(1);
  const onClear = (): void => {
    field.value = "";
    hooks.onClear();
  };

  const listeners: Array<[HTMLElement, string, (event: never) => void]> = [
    [field, "input", onInput],
    [field, "keydown", onKey],
    [field, "blur", onBlur],
    [list, "mousedown", onListDown],
    [prev, "click", onPrev],
    [next, "click", onNext],
    [clear, "click", onClear],
  ];
  for (const [target, type, fn] of listeners) target.addEventListener(type, fn as EventListener);

  return {
    field,
    open: () => {
      field.focus();
      field.select();
      if (field.value.trim() && !stepping) onInput();
    },
    setSteps: (index, count) => {
      stepping = count > 0;
      steps.hidden = !stepping;
      position.textContent = stepping ? stepText(index, count) : "";
    },
    dispose: () => {
      for (const [target, type, fn] of listeners) target.removeEventListener(type, fn as EventListener);
      box.remove();
    },
  };
}

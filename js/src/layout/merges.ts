/**
 * Merge layers: where branches join, and with which operation. Pure: a class name
 * in, the operator's symbol out (drawn as text on a badge where the edges meet).
 * Raw `keras.ops` calls on symbolic tensors (`x + y`) arrive as operation classes
 * named like the layers (`Add`, `Multiply`, ...), and get the same symbols.
 */

const SYMBOLS: Record<string, string> = {
  Add: "+",
  Subtract: "−",
  Multiply: "×",
  Average: "avg",
  Maximum: "max",
  Minimum: "min",
  Concatenate: "concat",
  Dot: "dot",
  Divide: "÷",
};

/** The operator a merge layer applies, or null for layers that do not merge (in a graph, a
 * badge needs two or more incoming edges as well: `ops.add(x, 1.0)` joins nothing). */
export function mergeSymbol(className: string): string | null {
  return Object.hasOwn(SYMBOLS, className) ? SYMBOLS[className] : null;
}

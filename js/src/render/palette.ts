/** Light and dark palettes: the colours every part of the scene draws with. */

export type ThemeName = "light" | "dark";

export interface Palette {
  name: ThemeName;
  /** Scene colours (hex numbers for three.js). */
  background: number;
  edge: number;
  stack: number;
  stackLine: number;
  neutral: number;
  generic: number;
  highlight: number;
  accent: number;
  /** Wireframe boxes around nested models. */
  group: number;
}

export const PALETTES: Record<ThemeName, Palette> = {
  light: {
    name: "light",
    background: 0xffffff,
    edge: 0x9aa4b2,
    stack: 0xc3ccd8,
    stackLine: 0x7d8899,
    neutral: 0xd6dbe2,
    generic: 0xb8c2cf,
    highlight: 0xf59e0b,
    accent: 0xdc2626,
    group: 0x8891c9,
  },
  dark: {
    name: "dark",
    background: 0x16191f,
    edge: 0x5b6575,
    stack: 0x3b4453,
    stackLine: 0x8893a5,
    neutral: 0x4a5362,
    generic: 0x566173,
    highlight: 0xfbbf24,
    accent: 0xf87171,
    group: 0x6b74b0,
  },
};

/** The host's theme: JupyterLab's body data attribute, VS Code's body class, then the OS. */

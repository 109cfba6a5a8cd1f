/** Graph → 3D layout (pure; tested in node). */
export * from "./layout";
export * from "./sizes";
export * from "./groups";
export * from "./elements";

/** Graph → 3D layout (pure; tested in node). */
export * from "./types";
export * from "./layout";
export * from "./layered";
export * from "./routes";
export * from "./merges";
export * from "./sizes";
export * from "./weights";
export * from "./groups";
export * from "./elements";
export * from "./folding";
export * from "./wrap";
export * from "./bounds";

export * from "./generate";
export * from "./build";
export * from "./wine";

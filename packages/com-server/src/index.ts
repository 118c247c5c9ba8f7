export * from "./generate";
export * from "./build";

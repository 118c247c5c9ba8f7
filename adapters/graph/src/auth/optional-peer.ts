/**
 * An optional peer dependency (@azure/identity, @azure/msal-node-extensions), loaded when a
 * configuration asks for it. The name goes through a parameter so that bundlers (esbuild, webpack)
 * leave the require to run time: an application bundling the adapter without the package still
 * builds, and the caller reports how to install it if the configuration needs it.
 */
export function optionalPeer<T>(name: string): T {
  return require(name) as T;
}

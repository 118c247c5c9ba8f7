/**
 * Builds the COM server DLLs with mingw-w64: the IDL and the C vtable stubs generated from the contract,
 * widl (type library, header, GUIDs), windres (the type library as resource 1 TYPELIB), gcc. Needs
 * Debian's mingw-w64-tools, gcc-mingw-w64-x86-64 / -i686 and libwine-dev (the system .idl files widl
 * imports); see ../README.md. About 2 s per architecture.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { generateIdl, generateStubs } from './generate';

export type Arch = 'x64' | 'x86';
export const ARCHES: readonly Arch[] = ['x64', 'x86'];
const TRIPLE: Record<Arch, string> = { x64: 'x86_64-w64-mingw32', x86: 'i686-w64-mingw32' };
const WINE_IDL = '/usr/include/wine/wine/windows';
const STDOLE_DIR = '/usr/lib/x86_64-linux-gnu/wine/x86_64-windows';

// Functions, not constants: a bundle of this package in ES-module form has no __dirname until asked.
/** The C sources shipped with the package. */
export const nativeDir = (): string => resolve(__dirname, '..', 'native');
/** Where the built DLLs are (prebuilt in the published package). */
export const prebuiltDir = (): string => resolve(__dirname, '..', 'prebuilt');
export const dllName = (arch: Arch): string => `imessenger-com-${arch}.dll`;

/** Why the native toolchain is unusable here (a missing tool), or null when it is complete. */
export function missingToolchain(arch: Arch = 'x64'): string | null {
  const tools = [`${TRIPLE[arch]}-gcc`, `${TRIPLE[arch]}-widl`, `${TRIPLE[arch]}-windres`];
  const onPath = (tool: string) => (process.env['PATH'] ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, tool)));
  const missing = tools.find((tool) => !onPath(tool));
  if (missing) return `${missing} is not installed (apt-get install gcc-mingw-w64-x86-64 gcc-mingw-w64-i686 mingw-w64-tools)`;
  if (!existsSync(join(WINE_IDL, 'oaidl.idl'))) return `${WINE_IDL}/oaidl.idl is missing (apt-get install libwine-dev)`;
  return null;
}

export interface BuildResult {
  readonly dll: string;
  /** The generated header, type library and GUIDs (for early-bound clients built against them). */
  readonly header: string;
  readonly tlb: string;
  readonly guids: string;
}

/** Writes messenger.idl and stubs.c into `dir` and compiles them with the hand-written C into the DLL. */
export function buildDll(arch: Arch, outDir: string): BuildResult {
  const gen = resolve(outDir, `gen-${arch}`);
  mkdirSync(gen, { recursive: true });
  writeFileSync(join(gen, 'messenger.idl'), generateIdl());
  writeFileSync(join(gen, 'stubs.c'), generateStubs());
  const t = TRIPLE[arch];
  const widl = (flag: string, out: string) =>
    execFileSync(`${t}-widl`, [arch === 'x64' ? '--win64' : '--win32', '-I', WINE_IDL, '-L', STDOLE_DIR, flag, '-o', out, 'messenger.idl'], { cwd: gen, stdio: 'pipe' });
  widl('-t', 'messenger.tlb');
  widl('-h', 'messenger.h');
  widl('-u', 'messenger_i.c');
  writeFileSync(join(gen, 'resource.rc'), '1 TYPELIB "messenger.tlb"\n');
  execFileSync(`${t}-windres`, ['-O', 'coff', '-i', 'resource.rc', '-o', 'resource.o'], { cwd: gen, stdio: 'pipe' });
  const dll = resolve(outDir, dllName(arch));
  const sources = ['server.c', 'bridge.c', 'register.c'].map((f) => join(nativeDir(), f));
  execFileSync(`${t}-gcc`, [
    '-O2', '-Wall', '-Wextra', '-Wno-unused-parameter', '-Wno-cast-function-type', '-Wno-missing-field-initializers', '-shared', '-static-libgcc', '-s',
    '-I', gen, '-I', nativeDir(), '-o', dll, ...sources, join(gen, 'stubs.c'), join(gen, 'messenger_i.c'), join(gen, 'resource.o'),
    join(nativeDir(), 'imessenger-com.def'), ...(arch === 'x86' ? ['-Wl,--kill-at', '-Wl,--enable-stdcall-fixup'] : []),
    '-lole32', '-loleaut32', '-luuid', '-lws2_32', '-luser32', '-lbcrypt', '-ladvapi32',
  ], { stdio: 'pipe' });
  return { dll, header: join(gen, 'messenger.h'), tlb: join(gen, 'messenger.tlb'), guids: join(gen, 'messenger_i.c') };
}

/** Both architectures (what `npm run build:native` ships in prebuilt/). */
export function buildAll({ outDir = prebuiltDir() }: { outDir?: string } = {}): BuildResult[] {
  return ARCHES.map((arch) => buildDll(arch, outDir));
}

/**
 * What kind of script a file is, so that `imessenger run` refuses what is not plain JScript with a
 * usage error that names it and says what runs it, rather than a JScript compilation error on
 * line 1. cscript chose the engine by extension; so does this, for the extensions of Windows Script
 * Host and its neighbours. A file with another extension (or none) is JScript unless its first bytes
 * say otherwise: the Script Encoder's `#@~^` mark, an XML job (`<?xml`, `<job`, `<package`), an HTML
 * page, or VBScript's unmistakable statements (`Option Explicit`, `On Error Resume Next`,
 * `Dim x`, `End Sub`…). A `.js` file is JScript whatever it holds, as for cscript, except when it
 * is encoded (a `.js` with the `#@~^` mark ran under cscript only with //E:jscript.encode).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The planned way to run other languages against the SDK: not a command of this version. */
const COM_SERVER = 'Windows\' own cscript/wscript will reach the SDK through its planned COM server ("imessenger serve" + "imessenger com register"), not yet available';
const PAGE = 'in a page or an HTA, load @imessenger/shim instead: see its README, "A legacy web page"';

interface Kind { readonly name: string; readonly advice: string }

const VBSCRIPT: Kind = { name: 'a VBScript file', advice: `${COM_SERVER}; until then, port it to JScript, with the same objects and members` };
const ENCODED: Kind = { name: 'an encoded script (Microsoft Script Encoder, "#@~^")', advice: 'decode it to plain text first: the host does not decode that format' };

/** Kinds by extension (lower case, with the dot). `.js` and unknown extensions are not here. */
const BY_EXTENSION: Readonly<Record<string, Kind>> = {
  '.jse': { name: 'encoded JScript (.jse, Microsoft Script Encoder)', advice: 'decode it to a .js and run that: the host does not decode that format' },
  '.vbs': VBSCRIPT,
  '.vbe': { name: 'encoded VBScript (.vbe, Microsoft Script Encoder)', advice: COM_SERVER },
  '.wsf': {
    name: 'a Windows Script File (.wsf, an XML job)',
    advice: `save its <script language="JScript"> code as a .js and run that; for VBScript parts, ${COM_SERVER}`,
  },
  '.wsc': { name: 'a Windows Script Component (.wsc, a COM object written in script)', advice: `it is not a script to run; ${COM_SERVER}` },
  '.sct': { name: 'a scriptlet (.sct, a COM object written in script)', advice: `it is not a script to run; ${COM_SERVER}` },
  '.wsh': { name: 'a Windows Script Host settings file (.wsh)', advice: 'run the script it names, its [ScriptFile] Path=' },
  '.hta': { name: 'an HTML Application (.hta)', advice: PAGE },
  '.htm': { name: 'an HTML page', advice: PAGE },
  '.html': { name: 'an HTML page', advice: PAGE },
  '.ps1': { name: 'a PowerShell script', advice: `PowerShell reaches Messenger through New-Object -ComObject: ${COM_SERVER}` },
  '.psm1': { name: 'a PowerShell module', advice: COM_SERVER },
  '.bat': { name: 'a batch file', advice: 'run the script it calls: cscript x.js becomes imessenger run x.js' },
  '.cmd': { name: 'a batch file', advice: 'run the script it calls: cscript x.js becomes imessenger run x.js' },
  '.pl': { name: 'a Perl script', advice: COM_SERVER },
  '.py': { name: 'a Python script', advice: COM_SERVER },
  '.vb': { name: 'a Visual Basic source file', advice: COM_SERVER },
};

/** How much of a file of unknown kind is read to sniff it. */
const SNIFF_BYTES = 4096;
const ENCODED_MARK = /^\uFEFF?\s*#@~\^/;
const XML_JOB = /^\uFEFF?\s*<(\?xml|job\b|package\b)/i;
const HTML = /^\uFEFF?\s*<(!doctype\s+html|html\b|hta:application\b|head\b|body\b)/i;
const VBSCRIPT_STATEMENT = /^[ \t]*(Option[ \t]+Explicit\b|On[ \t]+Error[ \t]+(Resume[ \t]+Next|GoTo[ \t]+0)\b|Dim[ \t]+[A-Za-z]\w*[ \t]*(,|\(|$)|End[ \t]+(Sub|Function|If|With|Select)\b|Set[ \t]+[A-Za-z]\w*[ \t]*=[ \t]*(Wscript\.)?CreateObject\b)/im;

/**
 * What is wrong with running `file` as JScript, as a usage message ("… is a VBScript file; …"), or
 * undefined when it is JScript. Reads at most the first SNIFF_BYTES of the file.
 */
export function notJScript(file: string): string | undefined {
  const extension = path.extname(file).toLowerCase();
  const known = BY_EXTENSION[extension];
  const head = known ? '' : readHead(file);
  const kind = known ?? (ENCODED_MARK.test(head) ? ENCODED : extension === '.js' ? undefined : sniff(head));
  return kind && `${file} is ${kind.name}; "imessenger run" runs plain JScript only (${kind.advice})`;
}

function sniff(head: string): Kind | undefined {
  if (XML_JOB.test(head)) return BY_EXTENSION['.wsf'];
  if (HTML.test(head)) return BY_EXTENSION['.html'];
  if (VBSCRIPT_STATEMENT.test(head)) return VBSCRIPT;
  return undefined;
}

function readHead(file: string): string {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const read = fs.readSync(fd, buffer, 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, read).toString('utf8');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

import * as vm from 'node:vm';
import { QUIT_GUARD, rewriteScript } from '../src/rewrite';

describe('rewriteScript: function obj::Event handlers', () => {
  it('turns a handler into a plain function of the same length and reports it', () => {
    const source = 'var msn;\nfunction msn::OnSignin(hr) { log(hr); }\n';
    const { code, handlers } = rewriteScript(source);
    expect(code).toBe('var msn;\nfunction msn__OnSignin(hr) { log(hr); }\n');
    expect(code.length).toBe(source.length);
    expect(handlers).toEqual([{ object: 'msn', event: 'OnSignin', functionName: 'msn__OnSignin', line: 2 }]);
  });

  it('finds several handlers on several objects', () => {
    const { code, handlers } = rewriteScript([
      'function msn::OnSignin(hr) {}',
      'function msn::OnGroupAdded(hr, group) {}',
      'function other::OnSignout() {}',
    ].join('\n'));
    expect(code).not.toContain('::');
    expect(handlers.map((h) => `${h.object}.${h.event}@${h.line}`)).toEqual(['msn.OnSignin@1', 'msn.OnGroupAdded@2', 'other.OnSignout@3']);
  });

  it('accepts whitespace, line breaks and comments around the name, keeping lines and columns', () => {
    const source = 'function /* sink */ msn :: OnSignin (hr) {}\nfunction\n  msn\n::\nOnSignout() { x(); }';
    const { code, handlers } = rewriteScript(source);
    expect(code).toBe('function /* sink */ msn__OnSignin   (hr) {}\nfunction\n  msn__OnSignout\n  \n         () { x(); }');
    // Every line keeps its length but the one the split name now stands on alone.
    const lengths = (text: string): number[] => text.split('\n').map((l) => l.length);
    expect(lengths(code).filter((_, i) => i !== 2)).toEqual(lengths(source).filter((_, i) => i !== 2));
    expect(handlers.map((h) => h.functionName)).toEqual(['msn__OnSignin', 'msn__OnSignout']);
    expect(handlers[1]!.line).toBe(3);
  });

  it('leaves `::` alone inside strings, comments, regular expressions and object literals', () => {
    const source = [
      'var a = "function msn::OnSignin(hr) {}";',
      "var b = 'function msn::OnSignout() {}';",
      '// function msn::OnSignin(hr) {}',
      '/* function msn::OnSignin(hr) {} */',
      'var r = /function msn::OnSignin/g;',
      'var d = x / 2; var s = "a::b";',
      'var o = { k: function () {} };',
    ].join('\n');
    const { code, handlers } = rewriteScript(source);
    expect(code).toBe(source);
    expect(handlers).toEqual([]);
  });

  it('keeps a string containing an escaped quote intact', () => {
    const source = 'var s = "say \\"function a::B()\\""; function msn::OnSignin(hr) {}';
    const { code, handlers } = rewriteScript(source);
    expect(code).toBe('var s = "say \\"function a::B()\\""; function msn__OnSignin(hr) {}');
    expect(handlers).toHaveLength(1);
  });

  it('produces code V8 runs: the handler is a global function of the rewritten name', () => {
    const { code } = rewriteScript('var calls = []; function msn::OnSignin(hr) { calls.push(hr); }');
    const context = vm.createContext({ [QUIT_GUARD]: () => undefined });
    vm.runInContext(code, context);
    vm.runInContext('msn__OnSignin(0)', context);
    expect(vm.runInContext('calls.join()', context)).toBe('0');
  });
});

describe('rewriteScript: catch guard for WScript.Quit', () => {
  it('calls the guard first thing in every catch block', () => {
    const { code } = rewriteScript('try { f(); } catch (e) { g(e); }\ntry {} catch(err)\n{ }');
    expect(code).toBe(`try { f(); } catch (e) {${QUIT_GUARD}(e); g(e); }\ntry {} catch(err)\n{${QUIT_GUARD}(err); }`);
  });

  it('does not touch `catch` in strings or as a property name', () => {
    const source = 'var s = "catch (e) {"; promise.catch(function (e) {});';
    expect(rewriteScript(source).code).toBe(source);
  });

  it('maps columns after the inserted guard back to the original ones', () => {
    const source = 'try { a(); } catch (e) { b(); }';
    const { code, originalColumn } = rewriteScript(source);
    const original = source.indexOf('b()') + 1;
    const rewritten = code.indexOf('b()') + 1;
    expect(rewritten).toBeGreaterThan(original);
    expect(originalColumn(1, rewritten)).toBe(original);
    expect(originalColumn(1, 3)).toBe(3);
    expect(originalColumn(2, rewritten)).toBe(rewritten);
  });
});

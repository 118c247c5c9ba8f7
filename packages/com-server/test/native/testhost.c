/*
 * Test helper for Wine's WSH, whose WScript.ConnectObject and WScript.Sleep are stubs (E_NOTIMPL):
 * ProgID "imessenger.TestHost", an IDispatch with
 *   ConnectObject(source, handlers [, prefix])  what WScript.ConnectObject does: the source's default event
 *       interface (IProvideClassInfo2), Advise a sink that names each event through the type library and
 *       calls handlers.<prefix><Event>(args) (IDispatchEx::GetDispID, case-insensitive: Wine's VBScript
 *       class instances answer E_NOTIMPL to GetIDsOfNames). Returns the cookie.
 *   DisconnectObject(source, cookie)
 *   Sleep(ms)  waits while pumping messages, as WScript.Sleep does on Windows.
 * Real Windows hosts have both built in; the scripts under test use this object only under Wine.
 */
#define COBJMACROS
#include <windows.h>
#include <ole2.h>
#include <ocidl.h>
#include <dispex.h>
#include <olectl.h>

static const CLSID CLSID_TestHost = { 0x3f2a9c41, 0x7d10, 0x4c55, { 0x9a, 0x31, 0x6b, 0x8e, 0x52, 0x0c, 0xd4, 0x17 } };
static const IID IID_IDispatchEx_ = { 0xa6ef9860, 0xc720, 0x11d0, { 0x93, 0x37, 0x00, 0xa0, 0xc9, 0x0d, 0xca, 0xa9 } };
static HINSTANCE g_module;

/* ---------- the sink ---------- */
typedef struct Sink { IDispatch iface; LONG refs; IID iid; ITypeInfo *events; IDispatch *handlers; BSTR prefix; } Sink;

static HRESULT STDMETHODCALLTYPE sk_QI(IDispatch *p, REFIID r, void **v) {
  Sink *s = (Sink *)p;
  if (IsEqualIID(r, &IID_IUnknown) || IsEqualIID(r, &IID_IDispatch) || IsEqualIID(r, &s->iid)) { *v = p; IDispatch_AddRef(p); return S_OK; }
  *v = NULL; return E_NOINTERFACE;
}
static ULONG STDMETHODCALLTYPE sk_AddRef(IDispatch *p) { return InterlockedIncrement(&((Sink *)p)->refs); }
static ULONG STDMETHODCALLTYPE sk_Release(IDispatch *p) {
  Sink *s = (Sink *)p;
  LONG n = InterlockedDecrement(&s->refs);
  if (!n) { ITypeInfo_Release(s->events); IDispatch_Release(s->handlers); SysFreeString(s->prefix); free(s); }
  return n;
}
static HRESULT STDMETHODCALLTYPE sk_Count(IDispatch *p, UINT *n) { *n = 0; return S_OK; }
static HRESULT STDMETHODCALLTYPE sk_TI(IDispatch *p, UINT i, LCID l, ITypeInfo **t) { *t = NULL; return E_NOTIMPL; }
static HRESULT STDMETHODCALLTYPE sk_Ids(IDispatch *p, REFIID r, LPOLESTR *n, UINT c, LCID l, DISPID *d) { return E_NOTIMPL; }
static HRESULT STDMETHODCALLTYPE sk_Invoke(IDispatch *p, DISPID id, REFIID r, LCID l, WORD f, DISPPARAMS *dp, VARIANT *res, EXCEPINFO *ei, UINT *ae) {
  Sink *s = (Sink *)p;
  BSTR name = NULL; UINT got = 0;
  if (FAILED(ITypeInfo_GetNames(s->events, id, &name, 1, &got)) || !got) return S_OK;
  WCHAR full[256];
  wsprintfW(full, L"%s%s", s->prefix ? s->prefix : L"", name);
  SysFreeString(name);
  BSTR b = SysAllocString(full);
  IDispatchEx *ex; DISPID target;
  HRESULT hr = S_OK;
  if (SUCCEEDED(IDispatch_QueryInterface(s->handlers, &IID_IDispatchEx_, (void **)&ex))) {
    if (SUCCEEDED(IDispatchEx_GetDispID(ex, b, fdexNameCaseInsensitive, &target)))
      hr = IDispatchEx_InvokeEx(ex, target, LOCALE_USER_DEFAULT, DISPATCH_METHOD, dp, res, ei, NULL);
    IDispatchEx_Release(ex);
  } else if (SUCCEEDED(IDispatch_GetIDsOfNames(s->handlers, &IID_NULL, &b, 1, LOCALE_USER_DEFAULT, &target))) {
    hr = IDispatch_Invoke(s->handlers, target, &IID_NULL, LOCALE_USER_DEFAULT, DISPATCH_METHOD, dp, res, ei, ae);
  }
  SysFreeString(b);
  return hr;
}
static const IDispatchVtbl sink_vtbl = { sk_QI, sk_AddRef, sk_Release, sk_Count, sk_TI, sk_Ids, sk_Invoke };

/* ---------- the host object ---------- */
enum { ID_CONNECT = 1, ID_DISCONNECT = 2, ID_SLEEP = 3 };
static HRESULT STDMETHODCALLTYPE h_QI(IDispatch *p, REFIID r, void **v) {
  if (IsEqualIID(r, &IID_IUnknown) || IsEqualIID(r, &IID_IDispatch)) { *v = p; return S_OK; }
  *v = NULL; return E_NOINTERFACE;
}
static ULONG STDMETHODCALLTYPE h_AddRef(IDispatch *p) { return 2; }
static ULONG STDMETHODCALLTYPE h_Release(IDispatch *p) { return 1; }
static HRESULT STDMETHODCALLTYPE h_Ids(IDispatch *p, REFIID r, LPOLESTR *n, UINT c, LCID l, DISPID *d) {
  static const WCHAR *names[] = { L"ConnectObject", L"DisconnectObject", L"Sleep" };
  for (UINT i = 0; i < c; i++) {
    d[i] = DISPID_UNKNOWN;
    for (int k = 0; k < 3; k++) if (!lstrcmpiW(n[i], names[k])) d[i] = k + 1;
    if (d[i] == DISPID_UNKNOWN) return DISP_E_UNKNOWNNAME;
  }
  return S_OK;
}

static HRESULT connection_point(IUnknown *source, IConnectionPoint **cp, IID *iid, ITypeInfo **events) {
  IProvideClassInfo2 *pci; IConnectionPointContainer *cpc; ITypeInfo *cls; ITypeLib *tl; UINT idx;
  HRESULT hr = IUnknown_QueryInterface(source, &IID_IProvideClassInfo2, (void **)&pci);
  if (FAILED(hr)) return hr;
  hr = IProvideClassInfo2_GetGUID(pci, GUIDKIND_DEFAULT_SOURCE_DISP_IID, iid);
  if (SUCCEEDED(hr)) hr = IProvideClassInfo2_GetClassInfo(pci, &cls);
  IProvideClassInfo2_Release(pci);
  if (FAILED(hr)) return hr;
  hr = ITypeInfo_GetContainingTypeLib(cls, &tl, &idx);
  ITypeInfo_Release(cls);
  if (FAILED(hr)) return hr;
  hr = ITypeLib_GetTypeInfoOfGuid(tl, iid, events);
  ITypeLib_Release(tl);
  if (FAILED(hr)) return hr;
  hr = IUnknown_QueryInterface(source, &IID_IConnectionPointContainer, (void **)&cpc);
  if (SUCCEEDED(hr)) { hr = IConnectionPointContainer_FindConnectionPoint(cpc, iid, cp); IConnectionPointContainer_Release(cpc); }
  if (FAILED(hr)) ITypeInfo_Release(*events);
  return hr;
}

static VARIANT *arg(DISPPARAMS *dp, UINT i) { /* i-th argument in declaration order */
  VARIANT *v = &dp->rgvarg[dp->cArgs - 1 - i];
  return V_VT(v) == (VT_VARIANT | VT_BYREF) ? V_VARIANTREF(v) : v;
}

static HRESULT STDMETHODCALLTYPE h_Invoke(IDispatch *p, DISPID id, REFIID r, LCID l, WORD f, DISPPARAMS *dp, VARIANT *res, EXCEPINFO *ei, UINT *ae) {
  if (id == ID_SLEEP) {
    if (dp->cArgs < 1) return DISP_E_BADPARAMCOUNT;
    VARIANT ms; VariantInit(&ms);
    if (FAILED(VariantChangeType(&ms, arg(dp, 0), 0, VT_I4))) return DISP_E_TYPEMISMATCH;
    DWORD end = GetTickCount() + (DWORD)V_I4(&ms);
    for (;;) {
      MSG m;
      while (PeekMessageW(&m, NULL, 0, 0, PM_REMOVE)) { TranslateMessage(&m); DispatchMessageW(&m); }
      LONG left = (LONG)(end - GetTickCount());
      if (left <= 0) break;
      MsgWaitForMultipleObjects(0, NULL, FALSE, (DWORD)left, QS_ALLINPUT);
    }
    return S_OK;
  }
  if (dp->cArgs < 2) return DISP_E_BADPARAMCOUNT;
  VARIANT *src = arg(dp, 0);
  if (V_VT(src) != VT_DISPATCH || !V_DISPATCH(src)) return DISP_E_TYPEMISMATCH;
  IConnectionPoint *cp; IID iid; ITypeInfo *events;
  HRESULT hr = connection_point((IUnknown *)V_DISPATCH(src), &cp, &iid, &events);
  if (FAILED(hr)) return hr;
  if (id == ID_DISCONNECT) {
    VARIANT c; VariantInit(&c);
    VariantChangeType(&c, arg(dp, 1), 0, VT_I4);
    hr = IConnectionPoint_Unadvise(cp, (DWORD)V_I4(&c));
    ITypeInfo_Release(events);
  } else {
    VARIANT *h = arg(dp, 1);
    if (V_VT(h) != VT_DISPATCH || !V_DISPATCH(h)) { IConnectionPoint_Release(cp); ITypeInfo_Release(events); return DISP_E_TYPEMISMATCH; }
    Sink *s = calloc(1, sizeof *s);
    s->iface.lpVtbl = (IDispatchVtbl *)&sink_vtbl; s->refs = 1; s->iid = iid; s->events = events;
    s->handlers = V_DISPATCH(h); IDispatch_AddRef(s->handlers);
    if (dp->cArgs > 2 && V_VT(arg(dp, 2)) == VT_BSTR) s->prefix = SysAllocString(V_BSTR(arg(dp, 2)));
    DWORD cookie = 0;
    hr = IConnectionPoint_Advise(cp, (IUnknown *)&s->iface, &cookie);
    IDispatch_Release(&s->iface);
    if (SUCCEEDED(hr) && res) { V_VT(res) = VT_I4; V_I4(res) = (LONG)cookie; }
  }
  IConnectionPoint_Release(cp);
  return hr;
}
static HRESULT STDMETHODCALLTYPE h_Count(IDispatch *p, UINT *n) { *n = 0; return S_OK; }
static const IDispatchVtbl host_vtbl = { h_QI, h_AddRef, h_Release, h_Count, sk_TI, h_Ids, h_Invoke };
static IDispatch g_host = { (IDispatchVtbl *)&host_vtbl };

/* ---------- class factory and exports ---------- */
static HRESULT STDMETHODCALLTYPE cf_QI(IClassFactory *p, REFIID r, void **v) {
  if (IsEqualIID(r, &IID_IUnknown) || IsEqualIID(r, &IID_IClassFactory)) { *v = p; return S_OK; }
  *v = NULL; return E_NOINTERFACE;
}
static ULONG STDMETHODCALLTYPE cf_AddRef(IClassFactory *p) { return 2; }
static ULONG STDMETHODCALLTYPE cf_Release(IClassFactory *p) { return 1; }
static HRESULT STDMETHODCALLTYPE cf_Create(IClassFactory *p, IUnknown *o, REFIID r, void **v) { return h_QI(&g_host, r, v); }
static HRESULT STDMETHODCALLTYPE cf_Lock(IClassFactory *p, BOOL l) { return S_OK; }
static const IClassFactoryVtbl cf_vtbl = { cf_QI, cf_AddRef, cf_Release, cf_Create, cf_Lock };
static IClassFactory g_cf = { (IClassFactoryVtbl *)&cf_vtbl };

BOOL WINAPI DllMain(HINSTANCE i, DWORD reason, void *r) { if (reason == DLL_PROCESS_ATTACH) g_module = i; return TRUE; }
HRESULT WINAPI DllGetClassObject(REFCLSID c, REFIID r, void **v) {
  if (!IsEqualCLSID(c, &CLSID_TestHost)) { *v = NULL; return CLASS_E_CLASSNOTAVAILABLE; }
  return cf_QI(&g_cf, r, v);
}
HRESULT WINAPI DllCanUnloadNow(void) { return S_FALSE; }
static void set(const WCHAR *key, const WCHAR *name, const WCHAR *data) {
  RegSetKeyValueW(HKEY_LOCAL_MACHINE, key, name, REG_SZ, data, (lstrlenW(data) + 1) * sizeof(WCHAR));
}
HRESULT WINAPI DllRegisterServer(void) {
  WCHAR path[MAX_PATH];
  GetModuleFileNameW(g_module, path, MAX_PATH);
  set(L"Software\\Classes\\imessenger.TestHost\\CLSID", NULL, L"{3F2A9C41-7D10-4C55-9A31-6B8E520CD417}");
  set(L"Software\\Classes\\CLSID\\{3F2A9C41-7D10-4C55-9A31-6B8E520CD417}\\InprocServer32", NULL, path);
  set(L"Software\\Classes\\CLSID\\{3F2A9C41-7D10-4C55-9A31-6B8E520CD417}\\InprocServer32", L"ThreadingModel", L"Apartment");
  return S_OK;
}
HRESULT WINAPI DllUnregisterServer(void) {
  RegDeleteTreeW(HKEY_LOCAL_MACHINE, L"Software\\Classes\\imessenger.TestHost");
  RegDeleteTreeW(HKEY_LOCAL_MACHINE, L"Software\\Classes\\CLSID\\{3F2A9C41-7D10-4C55-9A31-6B8E520CD417}");
  return S_OK;
}

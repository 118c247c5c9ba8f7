/*
 * COM objects of the imessenger server: the proxies (one per daemon handle, so one COM identity per
 * Messenger object), IDispatch through the type library, IProvideClassInfo2, ISupportErrorInfo, the
 * DMessengerEvents connection point, IObjectSafety, IEnumVARIANT, the class factory and the DLL exports.
 */
#include "bridge.h"
#include <stdio.h>

HINSTANCE g_module;
LONG g_locks;
static LONG g_objects;
static ITypeLib *g_typelib;
static ITypeInfo *g_disp_ti[KIND_SLOTS], *g_iface_ti[KIND_SLOTS];
static Obj *g_root;
static DWORD g_safety;                 /* IObjectSafety options the host enabled (Internet Explorer) */
#define ROOT_KIND 2                    /* IMessenger3 in INTERFACES */

/* {6D1C4F4E-2B8A-4B7E-9E51-3C0A5E1B7A10}: QueryInterface answers it with the Obj itself, so an argument
 * can be recognised as one of our proxies (its handle is sent) or as a foreign object. */
static const IID IID_BridgeObj = { 0x6d1c4f4e, 0x2b8a, 0x4b7e, { 0x9e, 0x51, 0x3c, 0x0a, 0x5e, 0x1b, 0x7a, 0x10 } };
/* CLSID_Messenger of Office Communicator's CommunicatorAPI (TYPELIB.md section 1); served by this DLL too. */
static const CLSID CLSID_Communicator = { 0x8885370d, 0xb33e, 0x44b7, { 0x87, 0x5d, 0x28, 0xe4, 0x03, 0xcf, 0x92, 0x70 } };

/* ---------- type information ---------- */

static ITypeLib *typelib(void) {
  if (!g_typelib) {
    WCHAR path[MAX_PATH];
    GetModuleFileNameW(g_module, path, MAX_PATH);
    LoadTypeLibEx(path, REGKIND_NONE, &g_typelib);
  }
  return g_typelib;
}

/* The dispatch (GetTypeInfo, GetIDsOfNames) or the vtable (DispInvoke) type info of a kind. */
static HRESULT kind_typeinfo(int kind, BOOL vtable, ITypeInfo **out) {
  *out = NULL;
  if (kind < 0 || kind >= KIND_SLOTS || !KINDS[kind].vtbl || !typelib()) return E_UNEXPECTED;
  if (!g_disp_ti[kind]) {
    HRESULT hr = ITypeLib_GetTypeInfoOfGuid(g_typelib, KINDS[kind].iids[0], &g_disp_ti[kind]);
    if (FAILED(hr)) return hr;
    HREFTYPE ref;
    if (SUCCEEDED(ITypeInfo_GetRefTypeOfImplType(g_disp_ti[kind], -1, &ref)))
      ITypeInfo_GetRefTypeInfo(g_disp_ti[kind], ref, &g_iface_ti[kind]);
  }
  *out = vtable ? g_iface_ti[kind] : g_disp_ti[kind];
  if (!*out) return E_UNEXPECTED;
  ITypeInfo_AddRef(*out);
  return S_OK;
}

/* ---------- handle table (the current connection's proxies) ---------- */

#define BUCKETS 1024
static Obj *g_table[BUCKETS];

static Obj *table_find(uint32_t h) {
  for (Obj *o = g_table[h % BUCKETS]; o; o = o->next) if (o->handle == h) return o;
  return NULL;
}
static void table_remove(Obj *o) {
  for (Obj **p = &g_table[o->handle % BUCKETS]; *p; p = &(*p)->next)
    if (*p == o) { *p = o->next; o->next = NULL; return; }
}
void objects_disconnected(void) {
  for (int i = 0; i < BUCKETS; i++) {
    Obj *o = g_table[i];
    while (o) { Obj *n = o->next; o->next = NULL; o = n; }
    g_table[i] = NULL;
  }
}

/* ---------- the proxy ---------- */

static const IProvideClassInfo2Vtbl pci_vtbl;
static const ISupportErrorInfoVtbl sei_vtbl;
static const IConnectionPointContainerVtbl cpc_vtbl;
static const IConnectionPointVtbl cp_vtbl;
static const IObjectSafetyVtbl safety_vtbl;

static Obj *obj_new(uint32_t handle, int kind) {
  Obj *o = calloc(1, sizeof *o);
  if (!o) return NULL;
  o->vtbl = KINDS[kind].vtbl;
  o->pci = &pci_vtbl; o->sei = &sei_vtbl; o->cpc = &cpc_vtbl; o->cp = &cp_vtbl; o->safety = &safety_vtbl;
  o->refs = 1; o->kind = kind; o->handle = handle; o->received = handle ? 1 : 0;
  o->gen = bridge_generation();
  InterlockedIncrement(&g_objects);
  return o;
}

Obj *obj_for_handle(uint32_t handle, int kind) {
  if (handle == 0) {
    if (g_root) { obj_AddRef(g_root); return g_root; }
    return g_root = obj_new(0, ROOT_KIND);
  }
  Obj *o = table_find(handle);
  if (o) { o->received++; obj_AddRef(o); return o; }
  if (kind < 0 || kind >= KIND_SLOTS || !KINDS[kind].vtbl) { bridge_release(handle, bridge_generation(), 1); return NULL; }
  o = obj_new(handle, kind);
  if (o) { o->next = g_table[handle % BUCKETS]; g_table[handle % BUCKETS] = o; }
  return o;
}

Obj *obj_from_dispatch(IDispatch *d) {
  Obj *o = NULL;
  if (d && SUCCEEDED(IDispatch_QueryInterface(d, &IID_BridgeObj, (void **)&o))) return o; /* not AddRef'd */
  return NULL;
}

static Sink *g_sinks;
static UINT g_nsinks;
static DWORD g_next_cookie;

HRESULT obj_QueryInterface(Obj *o, REFIID riid, void **ppv) {
  *ppv = NULL;
  BOOL root = o == g_root;
  if (IsEqualIID(riid, &IID_BridgeObj)) { *ppv = o; return S_OK; }
  if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch)) *ppv = &o->vtbl;
  for (int i = 0; !*ppv && KINDS[o->kind].iids[i]; i++) if (IsEqualIID(riid, KINDS[o->kind].iids[i])) *ppv = &o->vtbl;
  if (!*ppv && IsEqualIID(riid, &IID_ISupportErrorInfo)) *ppv = &o->sei;
  if (!*ppv && IsEqualIID(riid, &IID_IObjectSafety)) *ppv = &o->safety;
  if (!*ppv && root && (IsEqualIID(riid, &IID_IProvideClassInfo) || IsEqualIID(riid, &IID_IProvideClassInfo2))) *ppv = &o->pci;
  if (!*ppv && root && IsEqualIID(riid, &IID_IConnectionPointContainer)) *ppv = &o->cpc;
  if (!*ppv) return E_NOINTERFACE;
  obj_AddRef(o);
  return S_OK;
}

ULONG obj_AddRef(Obj *o) { return (ULONG)InterlockedIncrement(&o->refs); }

ULONG obj_Release(Obj *o) {
  LONG n = InterlockedDecrement(&o->refs);
  if (n) return (ULONG)n;
  if (o == g_root) {
    g_root = NULL;
    for (UINT i = 0; i < g_nsinks; i++) IDispatch_Release(g_sinks[i].disp);
    free(g_sinks); g_sinks = NULL; g_nsinks = 0;
    bridge_advise(FALSE);
  } else if (o->gen == bridge_generation() && table_find(o->handle) == o) {
    table_remove(o);
    bridge_release(o->handle, o->gen, o->received);
  }
  free(o);
  if (InterlockedDecrement(&g_objects) == 0) bridge_flush(); /* the last proxy: nothing may follow soon */
  return 0;
}

HRESULT obj_GetTypeInfoCount(Obj *o, UINT *n) { (void)o; *n = 1; return S_OK; }
HRESULT obj_GetTypeInfo(Obj *o, UINT i, LCID lcid, ITypeInfo **ti) {
  (void)lcid;
  if (i != 0) { *ti = NULL; return DISP_E_BADINDEX; }
  return kind_typeinfo(o->kind, FALSE, ti);
}
HRESULT obj_GetIDsOfNames(Obj *o, REFIID riid, LPOLESTR *names, UINT n, LCID lcid, DISPID *ids) {
  (void)riid; (void)lcid;
  ITypeInfo *ti;
  HRESULT hr = kind_typeinfo(o->kind, FALSE, &ti);
  if (FAILED(hr)) return hr;
  hr = DispGetIDsOfNames(ti, names, n, ids);
  ITypeInfo_Release(ti);
  return hr;
}

/* Late binding goes through the type library to the vtable, so COM coerces the arguments (VT_I2,
 * numeric strings, VT_BYREF, optional parameters) exactly as for any type-library-described object. */
HRESULT obj_Invoke(Obj *o, DISPID id, REFIID riid, LCID lcid, WORD flags, DISPPARAMS *dp, VARIANT *res, EXCEPINFO *ei, UINT *argerr) {
  (void)lcid;
  if (!IsEqualIID(riid, &IID_NULL)) return DISP_E_UNKNOWNINTERFACE;
  ITypeInfo *ti;
  HRESULT hr = kind_typeinfo(o->kind, TRUE, &ti);
  if (FAILED(hr)) return hr;
  SetErrorInfo(0, NULL);
  /* _NewEnum is a property; Wine's JScript Enumerator asks for it with DISPATCH_METHOD alone. */
  if (id == DISPID_NEWENUM && (flags & DISPATCH_METHOD)) flags |= DISPATCH_PROPERTYGET;
  hr = DispInvoke(&o->vtbl, ti, id, flags, dp, res, ei, argerr);
  ITypeInfo_Release(ti);
  /* Some DispInvoke implementations return the member's HRESULT itself: give the caller EXCEPINFO. */
  if (FAILED(hr) && hr != DISP_E_EXCEPTION && ei && (HRESULT_FACILITY(hr) != FACILITY_DISPATCH)) {
    IErrorInfo *e = NULL;
    memset(ei, 0, sizeof *ei);
    ei->scode = hr;
    if (GetErrorInfo(0, &e) == S_OK) {
      IErrorInfo_GetSource(e, &ei->bstrSource);
      IErrorInfo_GetDescription(e, &ei->bstrDescription);
      SetErrorInfo(0, e);
      IErrorInfo_Release(e);
    }
    hr = DISP_E_EXCEPTION;
  }
  return hr;
}

static void error_text(const WCHAR *text) {
  ICreateErrorInfo *c; IErrorInfo *e;
  if (FAILED(CreateErrorInfo(&c))) return;
  ICreateErrorInfo_SetSource(c, (LPOLESTR)L"Messenger.UIAutomation");
  ICreateErrorInfo_SetDescription(c, (LPOLESTR)text);
  if (SUCCEEDED(ICreateErrorInfo_QueryInterface(c, &IID_IErrorInfo, (void **)&e))) { SetErrorInfo(0, e); IErrorInfo_Release(e); }
  ICreateErrorInfo_Release(c);
}

HRESULT bridge_invoke(Obj *o, DISPID id, WORD kind, BOOL scriptable, UINT argc, VARIANT *args, VARIANT *result) {
  VariantInit(result);
  /* In a web page (the host asked for IObjectSafety's untrusted-caller mode), members the reference
   * marks as not available to scripts fail as the original did. */
  if (!scriptable && (g_safety & INTERFACESAFE_FOR_UNTRUSTED_CALLER)) {
    error_text(L"This member is not available to scripts in a web page.");
    return E_NOTIMPL;
  }
  return bridge_call(o->handle, o->gen, id, kind, argc, args, result);
}

/* ---------- ISupportErrorInfo ---------- */

#define FROM(p, field) ((Obj *)((char *)(p) - offsetof(Obj, field)))

static HRESULT STDMETHODCALLTYPE sei_QI(ISupportErrorInfo *p, REFIID r, void **v) { return obj_QueryInterface(FROM(p, sei), r, v); }
static ULONG STDMETHODCALLTYPE sei_AddRef(ISupportErrorInfo *p) { return obj_AddRef(FROM(p, sei)); }
static ULONG STDMETHODCALLTYPE sei_Release(ISupportErrorInfo *p) { return obj_Release(FROM(p, sei)); }
static HRESULT STDMETHODCALLTYPE sei_Supports(ISupportErrorInfo *p, REFIID riid) {
  Obj *o = FROM(p, sei);
  if (IsEqualIID(riid, &IID_IDispatch)) return S_OK;
  for (int i = 0; KINDS[o->kind].iids[i]; i++) if (IsEqualIID(riid, KINDS[o->kind].iids[i])) return S_OK;
  return S_FALSE;
}
static const ISupportErrorInfoVtbl sei_vtbl = { sei_QI, sei_AddRef, sei_Release, sei_Supports };

/* ---------- IProvideClassInfo2 (root) ---------- */

static HRESULT STDMETHODCALLTYPE pci_QI(IProvideClassInfo2 *p, REFIID r, void **v) { return obj_QueryInterface(FROM(p, pci), r, v); }
static ULONG STDMETHODCALLTYPE pci_AddRef(IProvideClassInfo2 *p) { return obj_AddRef(FROM(p, pci)); }
static ULONG STDMETHODCALLTYPE pci_Release(IProvideClassInfo2 *p) { return obj_Release(FROM(p, pci)); }
static HRESULT STDMETHODCALLTYPE pci_GetClassInfo(IProvideClassInfo2 *p, ITypeInfo **ti) {
  (void)p;
  *ti = NULL;
  return typelib() ? ITypeLib_GetTypeInfoOfGuid(g_typelib, &CLSID_Messenger, ti) : E_UNEXPECTED;
}
static HRESULT STDMETHODCALLTYPE pci_GetGUID(IProvideClassInfo2 *p, DWORD kind, GUID *g) {
  (void)p;
  if (!g) return E_POINTER;
  if (kind != GUIDKIND_DEFAULT_SOURCE_DISP_IID) return E_INVALIDARG;
  *g = DIID_DMessengerEvents;
  return S_OK;
}
static const IProvideClassInfo2Vtbl pci_vtbl = { pci_QI, pci_AddRef, pci_Release, pci_GetClassInfo, pci_GetGUID };

/* ---------- IObjectSafety ---------- */

#define SAFE_OPTIONS (INTERFACESAFE_FOR_UNTRUSTED_CALLER | INTERFACESAFE_FOR_UNTRUSTED_DATA)
static HRESULT STDMETHODCALLTYPE os_QI(IObjectSafety *p, REFIID r, void **v) { return obj_QueryInterface(FROM(p, safety), r, v); }
static ULONG STDMETHODCALLTYPE os_AddRef(IObjectSafety *p) { return obj_AddRef(FROM(p, safety)); }
static ULONG STDMETHODCALLTYPE os_Release(IObjectSafety *p) { return obj_Release(FROM(p, safety)); }
static HRESULT STDMETHODCALLTYPE os_Get(IObjectSafety *p, REFIID riid, DWORD *supported, DWORD *enabled) {
  (void)p; (void)riid;
  if (!supported || !enabled) return E_POINTER;
  *supported = SAFE_OPTIONS; *enabled = g_safety;
  return S_OK;
}
static HRESULT STDMETHODCALLTYPE os_Set(IObjectSafety *p, REFIID riid, DWORD mask, DWORD enabled) {
  (void)p; (void)riid;
  if (mask & ~SAFE_OPTIONS) return E_FAIL;
  g_safety = (g_safety & ~mask) | (enabled & mask);
  return S_OK;
}
static const IObjectSafetyVtbl safety_vtbl = { os_QI, os_AddRef, os_Release, os_Get, os_Set };

/* ---------- connection point (root): DMessengerEvents ---------- */

static HRESULT STDMETHODCALLTYPE cpc_QI(IConnectionPointContainer *p, REFIID r, void **v) { return obj_QueryInterface(FROM(p, cpc), r, v); }
static ULONG STDMETHODCALLTYPE cpc_AddRef(IConnectionPointContainer *p) { return obj_AddRef(FROM(p, cpc)); }
static ULONG STDMETHODCALLTYPE cpc_Release(IConnectionPointContainer *p) { return obj_Release(FROM(p, cpc)); }
static HRESULT STDMETHODCALLTYPE cpc_Enum(IConnectionPointContainer *p, IEnumConnectionPoints **e) { (void)p; *e = NULL; return E_NOTIMPL; }
static HRESULT STDMETHODCALLTYPE cpc_Find(IConnectionPointContainer *p, REFIID riid, IConnectionPoint **cp) {
  Obj *o = FROM(p, cpc);
  *cp = NULL;
  if (!IsEqualIID(riid, &DIID_DMessengerEvents)) return CONNECT_E_NOCONNECTION;
  *cp = (IConnectionPoint *)&o->cp;
  obj_AddRef(o);
  return S_OK;
}
static const IConnectionPointContainerVtbl cpc_vtbl = { cpc_QI, cpc_AddRef, cpc_Release, cpc_Enum, cpc_Find };

static HRESULT STDMETHODCALLTYPE cp_QI(IConnectionPoint *p, REFIID r, void **v) {
  if (IsEqualIID(r, &IID_IUnknown) || IsEqualIID(r, &IID_IConnectionPoint)) { *v = p; obj_AddRef(FROM(p, cp)); return S_OK; }
  *v = NULL;
  return E_NOINTERFACE;
}
static ULONG STDMETHODCALLTYPE cp_AddRef(IConnectionPoint *p) { return obj_AddRef(FROM(p, cp)); }
static ULONG STDMETHODCALLTYPE cp_Release(IConnectionPoint *p) { return obj_Release(FROM(p, cp)); }
static HRESULT STDMETHODCALLTYPE cp_GetIID(IConnectionPoint *p, IID *iid) { (void)p; *iid = DIID_DMessengerEvents; return S_OK; }
static HRESULT STDMETHODCALLTYPE cp_GetContainer(IConnectionPoint *p, IConnectionPointContainer **c) {
  Obj *o = FROM(p, cp);
  *c = (IConnectionPointContainer *)&o->cpc;
  obj_AddRef(o);
  return S_OK;
}
static HRESULT STDMETHODCALLTYPE cp_Advise(IConnectionPoint *p, IUnknown *sink, DWORD *cookie) {
  (void)p;
  IDispatch *d = NULL;
  if (!sink || !cookie) return E_POINTER;
  *cookie = 0;
  if (FAILED(IUnknown_QueryInterface(sink, &DIID_DMessengerEvents, (void **)&d)) &&
      FAILED(IUnknown_QueryInterface(sink, &IID_IDispatch, (void **)&d))) return CONNECT_E_CANNOTCONNECT;
  Sink *s = realloc(g_sinks, (g_nsinks + 1) * sizeof *s);
  if (!s) { IDispatch_Release(d); return E_OUTOFMEMORY; }
  g_sinks = s;
  g_sinks[g_nsinks].disp = d;
  g_sinks[g_nsinks].cookie = *cookie = ++g_next_cookie;
  g_nsinks++;
  if (g_nsinks == 1) {
    /* Events flow once the daemon answered ADVISE; a later reconnect advises again by itself. */
    HRESULT hr = bridge_advise(TRUE);
    if (SUCCEEDED(hr)) hr = bridge_connect();
    if (FAILED(hr)) { g_nsinks--; IDispatch_Release(d); *cookie = 0; bridge_advise(FALSE); return hr; }
  }
  return S_OK;
}
static HRESULT STDMETHODCALLTYPE cp_Unadvise(IConnectionPoint *p, DWORD cookie) {
  (void)p;
  for (UINT i = 0; i < g_nsinks; i++) {
    if (g_sinks[i].cookie != cookie) continue;
    IDispatch *d = g_sinks[i].disp;
    g_sinks[i] = g_sinks[--g_nsinks];
    IDispatch_Release(d);
    if (!g_nsinks) bridge_advise(FALSE);
    return S_OK;
  }
  return CONNECT_E_NOCONNECTION;
}
static HRESULT STDMETHODCALLTYPE cp_Enum(IConnectionPoint *p, IEnumConnections **e) { (void)p; *e = NULL; return E_NOTIMPL; }
static const IConnectionPointVtbl cp_vtbl = { cp_QI, cp_AddRef, cp_Release, cp_GetIID, cp_GetContainer, cp_Advise, cp_Unadvise, cp_Enum };

/* Delivers one event to every sink (a copy of the list: a handler may Unadvise). */
void events_fire(int32_t dispid, UINT argc, VARIANT *args) {
  if (!g_nsinks) return;
  UINT n = g_nsinks;
  IDispatch **sinks = malloc(n * sizeof *sinks);
  VARIANT *rev = calloc(argc ? argc : 1, sizeof(VARIANT));
  VARIANT_BOOL *flags = calloc(argc ? argc : 1, sizeof(VARIANT_BOOL));
  if (!sinks || !rev || !flags) { free(sinks); free(rev); free(flags); return; }
  for (UINT i = 0; i < n; i++) { sinks[i] = g_sinks[i].disp; IDispatch_AddRef(sinks[i]); }
  for (UINT i = 0; i < argc; i++) {
    VARIANT *dst = &rev[argc - 1 - i];          /* rgvarg holds the last parameter first */
    *dst = args[i];
    for (int k = 0; EVENT_BYREF[k][0]; k++) {
      if (EVENT_BYREF[k][0] != dispid || EVENT_BYREF[k][1] != (int)i || V_VT(&args[i]) != VT_BOOL) continue;
      flags[i] = V_BOOL(&args[i]);
      V_VT(dst) = VT_BOOL | VT_BYREF; V_BOOLREF(dst) = &flags[i];
    }
  }
  DISPPARAMS dp = { rev, NULL, argc, 0 };
  for (UINT i = 0; i < n; i++) {
    VARIANT r; VariantInit(&r);
    IDispatch_Invoke(sinks[i], dispid, &IID_NULL, LOCALE_USER_DEFAULT, DISPATCH_METHOD, &dp, &r, NULL, NULL);
    VariantClear(&r);
    IDispatch_Release(sinks[i]);
  }
  free(sinks); free(rev); free(flags);
}

/* ---------- IEnumVARIANT: a proxy of an enumerator handle (protocol.md "Enumerators") ---------- */

typedef struct EnumObj { IEnumVARIANT iface; LONG refs; uint32_t handle; DWORD gen; } EnumObj;
static const IEnumVARIANTVtbl enum_vtbl;

IEnumVARIANT *enum_for_handle(uint32_t handle) {
  EnumObj *e = calloc(1, sizeof *e);
  if (!e) return NULL;
  e->iface.lpVtbl = (IEnumVARIANTVtbl *)&enum_vtbl;
  e->refs = 1; e->handle = handle; e->gen = bridge_generation();
  InterlockedIncrement(&g_objects);
  return &e->iface;
}
static HRESULT STDMETHODCALLTYPE en_QI(IEnumVARIANT *p, REFIID r, void **v) {
  if (IsEqualIID(r, &IID_IUnknown) || IsEqualIID(r, &IID_IEnumVARIANT)) { *v = p; IEnumVARIANT_AddRef(p); return S_OK; }
  *v = NULL;
  return E_NOINTERFACE;
}
static ULONG STDMETHODCALLTYPE en_AddRef(IEnumVARIANT *p) { return (ULONG)InterlockedIncrement(&((EnumObj *)p)->refs); }
static ULONG STDMETHODCALLTYPE en_Release(IEnumVARIANT *p) {
  EnumObj *e = (EnumObj *)p;
  LONG n = InterlockedDecrement(&e->refs);
  if (n) return (ULONG)n;
  bridge_release(e->handle, e->gen, 1);
  free(e);
  if (InterlockedDecrement(&g_objects) == 0) bridge_flush(); /* the last proxy: nothing may follow soon */
  return 0;
}
static HRESULT en_call(EnumObj *e, DISPID id, LONG *celt, VARIANT *r) {
  VARIANT a; V_VT(&a) = VT_I4; V_I4(&a) = celt ? *celt : 0;
  return bridge_call(e->handle, e->gen, id, DISPATCH_METHOD, celt ? 1 : 0, &a, r);
}
static HRESULT STDMETHODCALLTYPE en_Next(IEnumVARIANT *p, ULONG celt, VARIANT *out, ULONG *fetched) {
  LONG n = (LONG)celt; VARIANT r;
  if (fetched) *fetched = 0;
  if (!out || (celt > 1 && !fetched)) return E_POINTER;
  HRESULT hr = en_call((EnumObj *)p, 1, &n, &r);
  if (FAILED(hr)) return hr;
  ULONG got = 0;
  if (V_VT(&r) == (VT_ARRAY | VT_VARIANT)) {
    VARIANT *items;
    LONG ub = -1;
    SafeArrayGetUBound(V_ARRAY(&r), 1, &ub);
    SafeArrayAccessData(V_ARRAY(&r), (void **)&items);
    for (LONG i = 0; i <= ub && got < celt; i++, got++) { out[got] = items[i]; V_VT(&items[i]) = VT_EMPTY; }
    SafeArrayUnaccessData(V_ARRAY(&r));
  }
  VariantClear(&r);
  if (fetched) *fetched = got;
  return got == celt ? S_OK : S_FALSE;
}
static HRESULT STDMETHODCALLTYPE en_Skip(IEnumVARIANT *p, ULONG celt) {
  LONG n = (LONG)celt; VARIANT r;
  HRESULT hr = en_call((EnumObj *)p, 2, &n, &r);
  VariantClear(&r);
  return hr;
}
static HRESULT STDMETHODCALLTYPE en_Reset(IEnumVARIANT *p) {
  VARIANT r;
  HRESULT hr = en_call((EnumObj *)p, 3, NULL, &r);
  VariantClear(&r);
  return hr;
}
static HRESULT STDMETHODCALLTYPE en_Clone(IEnumVARIANT *p, IEnumVARIANT **out) {
  VARIANT r;
  *out = NULL;
  HRESULT hr = en_call((EnumObj *)p, 4, NULL, &r);
  if (FAILED(hr)) return hr;
  if (V_VT(&r) == VT_UNKNOWN && V_UNKNOWN(&r)) return IUnknown_QueryInterface(V_UNKNOWN(&r), &IID_IEnumVARIANT, (void **)out) | (VariantClear(&r) & 0);
  VariantClear(&r);
  return E_UNEXPECTED;
}
static const IEnumVARIANTVtbl enum_vtbl = { en_QI, en_AddRef, en_Release, en_Next, en_Skip, en_Reset, en_Clone };

/* ---------- class factory ---------- */

static HRESULT STDMETHODCALLTYPE cf_QI(IClassFactory *p, REFIID r, void **v) {
  if (IsEqualIID(r, &IID_IUnknown) || IsEqualIID(r, &IID_IClassFactory)) { *v = p; return S_OK; }
  *v = NULL;
  return E_NOINTERFACE;
}
static ULONG STDMETHODCALLTYPE cf_AddRef(IClassFactory *p) { (void)p; return 2; }
static ULONG STDMETHODCALLTYPE cf_Release(IClassFactory *p) { (void)p; return 1; }
/* Activation connects (starting the daemon when needed), so a client learns at CreateObject that the
 * daemon cannot be reached (CO_E_SERVER_EXEC_FAILURE) or refused it (E_ACCESSDENIED), as with a
 * local server that cannot start. */
static HRESULT STDMETHODCALLTYPE cf_CreateInstance(IClassFactory *p, IUnknown *outer, REFIID riid, void **ppv) {
  (void)p;
  *ppv = NULL;
  if (outer) return CLASS_E_NOAGGREGATION;
  HRESULT hr = bridge_connect();
  if (FAILED(hr)) return hr;
  Obj *root = obj_for_handle(0, ROOT_KIND);
  if (!root) return E_OUTOFMEMORY;
  hr = obj_QueryInterface(root, riid, ppv);
  obj_Release(root);
  return hr;
}
static HRESULT STDMETHODCALLTYPE cf_LockServer(IClassFactory *p, BOOL lock) {
  (void)p;
  if (lock) InterlockedIncrement(&g_locks); else InterlockedDecrement(&g_locks);
  return S_OK;
}
static const IClassFactoryVtbl cf_vtbl = { cf_QI, cf_AddRef, cf_Release, cf_CreateInstance, cf_LockServer };
static IClassFactory g_factory = { (IClassFactoryVtbl *)&cf_vtbl };

/* ---------- exports ---------- */

BOOL WINAPI DllMain(HINSTANCE inst, DWORD reason, void *reserved) {
  (void)reserved;
  if (reason == DLL_PROCESS_ATTACH) { g_module = inst; DisableThreadLibraryCalls(inst); }
  return TRUE;
}

HRESULT WINAPI DllGetClassObject(REFCLSID clsid, REFIID riid, void **ppv) {
  *ppv = NULL;
  if (!IsEqualCLSID(clsid, &CLSID_Messenger) && !IsEqualCLSID(clsid, &CLSID_Communicator)) return CLASS_E_CLASSNOTAVAILABLE;
  return cf_QI(&g_factory, riid, ppv);
}

/* Never while the message-only window exists: its window procedure is in this DLL. */
HRESULT WINAPI DllCanUnloadNow(void) { return g_objects == 0 && g_locks == 0 && !bridge_in_use() ? S_OK : S_FALSE; }

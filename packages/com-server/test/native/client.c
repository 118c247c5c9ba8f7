/*
 * An early-bound client, as a C++/Delphi/VB6 program built against msgrua.h would be: compiled with mingw
 * against the header widl generated from our type library, it creates the Messenger by CLSID, asks for
 * each interface by IID and calls the vtables directly (no IDispatch), advises DMessengerEvents with its
 * own sink, and walks collections with IEnumVARIANT. Prints one line per check; the test compares them.
 *   client.exe            the checks
 *   client.exe lifecycle  calls in a loop until the daemon dies, then calls again (see below)
 *   client.exe leak       takes objects and exits without releasing them
 *   client.exe bench N    N property gets and N method calls, then N raw socket round trips to
 *                         127.0.0.1:$IMESSENGER_BENCH_ECHO_PORT (the bench's echo server in the daemon's
 *                         process); prints microseconds per call
 */
#define COBJMACROS
#include <winsock2.h>
#include <windows.h>
#include <ole2.h>
#include <ocidl.h>
#include <objsafe.h>
#include <stdio.h>
#include "messenger.h"

#define CHECK(label, hr) printf("%s %s\n", label, SUCCEEDED(hr) ? "ok" : "FAILED")

static void print_bstr(const char *label, BSTR b) { printf("%s %ls\n", label, b ? b : L"(null)"); SysFreeString(b); }

static void pump(DWORD ms) {
  DWORD end = GetTickCount() + ms;
  for (;;) {
    MSG m;
    while (PeekMessageW(&m, NULL, 0, 0, PM_REMOVE)) DispatchMessageW(&m);
    LONG left = (LONG)(end - GetTickCount());
    if (left <= 0) return;
    MsgWaitForMultipleObjects(0, NULL, FALSE, (DWORD)left, QS_ALLINPUT);
  }
}

/* ---- a DMessengerEvents sink: counts events, prints status changes ---- */
static LONG g_events;
static HRESULT STDMETHODCALLTYPE sink_QI(IDispatch *p, REFIID r, void **v) {
  if (IsEqualIID(r, &IID_IUnknown) || IsEqualIID(r, &IID_IDispatch) || IsEqualIID(r, &DIID_DMessengerEvents)) { *v = p; return S_OK; }
  *v = NULL; return E_NOINTERFACE;
}
static ULONG STDMETHODCALLTYPE sink_AddRef(IDispatch *p) { return 2; }
static ULONG STDMETHODCALLTYPE sink_Release(IDispatch *p) { return 1; }
static HRESULT STDMETHODCALLTYPE sink_Count(IDispatch *p, UINT *n) { *n = 0; return S_OK; }
static HRESULT STDMETHODCALLTYPE sink_TI(IDispatch *p, UINT i, LCID l, ITypeInfo **t) { return E_NOTIMPL; }
static HRESULT STDMETHODCALLTYPE sink_Ids(IDispatch *p, REFIID r, LPOLESTR *n, UINT c, LCID l, DISPID *d) { return E_NOTIMPL; }
static int g_quiet;
static LONG g_last_status = -1, g_order_errors; /* index in the bench's status cycle */
static HRESULT STDMETHODCALLTYPE sink_Invoke(IDispatch *p, DISPID id, REFIID r, LCID l, WORD f, DISPPARAMS *dp, VARIANT *res, EXCEPINFO *ei, UINT *ae) {
  g_events++;
  if (id == 1031 && dp->cArgs == 2) { /* OnMyStatusChange(hr, status): rgvarg reversed */
    if (!g_quiet) printf("event OnMyStatusChange hr=%ld status=%ld\n", V_I4(&dp->rgvarg[1]), V_I4(&dp->rgvarg[0]));
  } else if (id == 1030 && dp->cArgs == 2) { /* OnContactStatusChange(contact, status) */
    LONG st = V_I4(&dp->rgvarg[0]);
    /* The bench raises statuses in the cycle CYCLE[i % 6]: any other value is an event lost or reordered. */
    static const LONG CYCLE[6] = { 10, 14, 34, 50, 66, 2 };
    if (g_quiet) { g_last_status = (g_last_status + 1) % 6; if (st != CYCLE[g_last_status]) g_order_errors++; }
    else {
      IMessengerContact *c; BSTR name = NULL;
      if (SUCCEEDED(IDispatch_QueryInterface(V_DISPATCH(&dp->rgvarg[1]), &IID_IMessengerContact, (void **)&c))) {
        IMessengerContact_get_SigninName(c, &name); IMessengerContact_Release(c);
      }
      printf("event OnContactStatusChange %ls %ld\n", name ? name : L"?", st);
      SysFreeString(name);
    }
  } else if (!g_quiet) printf("event dispid %ld args %u\n", id, dp->cArgs);
  return S_OK;
}
static const IDispatchVtbl sink_vtbl = { sink_QI, sink_AddRef, sink_Release, sink_Count, sink_TI, sink_Ids, sink_Invoke };
static IDispatch g_sink = { (IDispatchVtbl *)&sink_vtbl };

static double now_us(void) {
  static LARGE_INTEGER f; LARGE_INTEGER c;
  if (!f.QuadPart) QueryPerformanceFrequency(&f);
  QueryPerformanceCounter(&c);
  return (double)c.QuadPart * 1e6 / (double)f.QuadPart;
}

/* One round trip on a raw socket, the same shape as CALL/RESULT: a small frame out, a small frame back. */
static BOOL raw_round_trip(SOCKET k) {
  char buf[64] = { 0 };
  send(k, buf, 24, 0);
  int got = 0;
  while (got < 24) {
    fd_set rs; FD_ZERO(&rs); FD_SET(k, &rs);
    select(0, &rs, NULL, NULL, NULL);
    int r = recv(k, buf + got, 24 - got, 0);
    if (r <= 0) return FALSE;
    got += r;
  }
  return TRUE;
}

/* n calls of each kind, measured in ten interleaved slices (so a noisy moment hurts all alike), after a
 * warm-up of each. */
static int bench(IMessenger3 *m, int n) {
  MISTATUS s; BSTR b; IDispatch *c = NULL;
  BSTR bob = SysAllocString(L"bob@contoso.com"), none = SysAllocString(L"");
  char port[16];
  SOCKET k = INVALID_SOCKET;
  if (GetEnvironmentVariableA("IMESSENGER_BENCH_ECHO_PORT", port, sizeof port)) {
    WSADATA d; WSAStartup(MAKEWORD(2, 2), &d);
    k = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    struct sockaddr_in a = { 0 }; a.sin_family = AF_INET; a.sin_port = htons((u_short)atoi(port)); a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(k, (struct sockaddr *)&a, sizeof a)) { printf("bench raw FAILED\n"); return 1; }
    BOOL one = TRUE; setsockopt(k, IPPROTO_TCP, TCP_NODELAY, (const char *)&one, sizeof one);
  }
  double t[4] = { 0 };
  for (int slice = -1; slice < 10; slice++) {           /* slice -1: the warm-up, not counted */
    int count = slice < 0 ? 200 : n / 10;
    double t0 = now_us();
    for (int i = 0; i < count; i++) IMessenger3_get_MyStatus(m, &s);
    double t1 = now_us();
    for (int i = 0; i < count; i++) { b = NULL; IMessenger3_get_MyServiceId(m, &b); SysFreeString(b); }
    double t2 = now_us();
    for (int i = 0; i < count; i++) { c = NULL; IMessenger3_GetContact(m, bob, none, &c); if (c) IDispatch_Release(c); }
    double t3 = now_us();
    for (int i = 0; k != INVALID_SOCKET && i < count; i++) if (!raw_round_trip(k)) { printf("bench raw FAILED\n"); return 1; }
    double t4 = now_us();
    if (slice < 0) continue;
    t[0] += t1 - t0; t[1] += t2 - t1; t[2] += t3 - t2; t[3] += t4 - t3;
  }
  int counted = n / 10 * 10;
  printf("bench propget_us %.2f\n", t[0] / counted);
  printf("bench propget_bstr_us %.2f\n", t[1] / counted);
  printf("bench method_us %.2f\n", t[2] / counted);
  if (k != INVALID_SOCKET) { printf("bench raw_us %.2f\n", t[3] / counted); closesocket(k); }
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  CoInitialize(NULL);
  IUnknown *unk = NULL;
  HRESULT hr = CoCreateInstance(&CLSID_Messenger, NULL, CLSCTX_INPROC_SERVER, &IID_IUnknown, (void **)&unk);
  printf("CoCreateInstance %08lx\n", hr);
  if (FAILED(hr)) return 1;
  IMessenger *m1; IMessenger2 *m2; IMessenger3 *m;
  CHECK("QI IMessenger", IUnknown_QueryInterface(unk, &IID_IMessenger, (void **)&m1));
  CHECK("QI IMessenger2", IUnknown_QueryInterface(unk, &IID_IMessenger2, (void **)&m2));
  CHECK("QI IMessenger3", IUnknown_QueryInterface(unk, &IID_IMessenger3, (void **)&m));
  if (argc > 1 && !strcmp(argv[1], "lifecycle")) {
    /* The test kills the daemon while this loops; the call in flight (or the next) fails with the
     * documented HRESULT, the next call on the Messenger reconnects (restarting the daemon), and an
     * object of the lost connection stays disconnected. */
    IDispatch *cd = NULL; IMessengerContacts *cs = NULL; MISTATUS st;
    IMessenger3_AutoSignin(m);
    IMessenger3_get_MyContacts(m, &cd);
    IDispatch_QueryInterface(cd, &IID_IMessengerContacts, (void **)&cs);
    printf("looping\n");
    DWORD start = GetTickCount();
    while ((hr = IMessenger3_get_MyStatus(m, &st)) == S_OK && GetTickCount() - start < 30000) {}
    IErrorInfo *e = NULL; BSTR desc = NULL;
    if (GetErrorInfo(0, &e) == S_OK) { IErrorInfo_GetDescription(e, &desc); IErrorInfo_Release(e); }
    printf("failed %08lx %ls\n", hr, desc ? desc : L"");
    hr = IMessenger3_get_MyStatus(m, &st);
    printf("next call %08lx\n", hr);
    LONG n = -1;
    hr = IMessengerContacts_get_Count(cs, &n);
    printf("old object %08lx\n", hr);
    hr = IMessenger3_get_MyStatus(m, &st);
    printf("root again %08lx status %d\n", hr, st);
    return 0;
  }
  if (argc > 1 && !strcmp(argv[1], "leak")) {
    /* Takes references and exits without releasing them (nor CoUninitialize). */
    IDispatch *cd = NULL, *gd = NULL;
    IMessenger3_AutoSignin(m);
    IMessenger3_get_MyContacts(m, &cd);
    IMessenger3_get_MyGroups(m, &gd);
    printf("holding %s\n", cd && gd ? "yes" : "no");
    ExitProcess(0);
  }
  if (argc > 2 && !strcmp(argv[1], "bench")) {
    IMessenger3_AutoSignin(m);
    if (!strcmp(argv[2], "events")) {
      /* 10^5-event stream: the daemon's test hook raises them; count and check their order. */
      IConnectionPointContainer *cpc; IConnectionPoint *cp; DWORD cookie;
      IUnknown_QueryInterface(unk, &IID_IConnectionPointContainer, (void **)&cpc);
      IConnectionPointContainer_FindConnectionPoint(cpc, &DIID_DMessengerEvents, &cp);
      g_quiet = 1;
      IConnectionPoint_Advise(cp, (IUnknown *)&g_sink, &cookie);
      printf("ready\n");
      int want = atoi(argv[3]);
      DWORD start = GetTickCount();
      while (g_events < want && GetTickCount() - start < 120000) pump(50);
      printf("events %ld order_errors %ld ms %lu\n", g_events, g_order_errors, GetTickCount() - start);
      return 0;
    }
    return bench(m, atoi(argv[2]));
  }
  IDispatch *d; IProvideClassInfo2 *pci; ISupportErrorInfo *sei; IObjectSafety *safety;
  CHECK("QI IDispatch", IUnknown_QueryInterface(unk, &IID_IDispatch, (void **)&d));
  CHECK("QI IProvideClassInfo2", IUnknown_QueryInterface(unk, &IID_IProvideClassInfo2, (void **)&pci));
  CHECK("QI ISupportErrorInfo", IUnknown_QueryInterface(unk, &IID_ISupportErrorInfo, (void **)&sei));
  CHECK("QI IObjectSafety", IUnknown_QueryInterface(unk, &IID_IObjectSafety, (void **)&safety));
  printf("same object %s\n", (void *)m1 == (void *)m && (void *)m2 == (void *)m ? "yes" : "no");
  GUID g;
  IProvideClassInfo2_GetGUID(pci, GUIDKIND_DEFAULT_SOURCE_DISP_IID, &g);
  printf("source is DMessengerEvents %s\n", IsEqualGUID(&g, &DIID_DMessengerEvents) ? "yes" : "no");
  printf("ISupportErrorInfo IMessenger2 %s\n", ISupportErrorInfo_InterfaceSupportsErrorInfo(sei, &IID_IMessenger2) == S_OK ? "yes" : "no");

  IConnectionPointContainer *cpc; IConnectionPoint *cp; DWORD cookie = 0;
  CHECK("QI IConnectionPointContainer", IUnknown_QueryInterface(unk, &IID_IConnectionPointContainer, (void **)&cpc));
  CHECK("FindConnectionPoint", IConnectionPointContainer_FindConnectionPoint(cpc, &DIID_DMessengerEvents, &cp));
  CHECK("Advise", IConnectionPoint_Advise(cp, (IUnknown *)&g_sink, &cookie));

  CHECK("AutoSignin", IMessenger3_AutoSignin(m));
  pump(100);
  MISTATUS st; BSTR b;
  hr = IMessenger3_get_MyStatus(m, &st); printf("MyStatus %08lx %d\n", hr, st);
  IMessenger3_get_MySigninName(m, &b); print_bstr("MySigninName", b);
  CHECK("put_MyStatus", IMessenger3_put_MyStatus(m, MISTATUS_AWAY));
  pump(100);

  IDispatch *cd; IMessengerContacts *cs;
  IMessenger3_get_MyContacts(m, &cd);
  CHECK("QI IMessengerContacts", IDispatch_QueryInterface(cd, &IID_IMessengerContacts, (void **)&cs));
  LONG n = 0;
  IMessengerContacts_get_Count(cs, &n); printf("Count %ld\n", n);
  for (LONG i = 0; i < n; i++) {
    IDispatch *x; IMessengerContact *c;
    IMessengerContacts_Item(cs, i, &x);
    IDispatch_QueryInterface(x, &IID_IMessengerContact, (void **)&c);
    BSTR s1, s2; MISTATUS cst;
    IMessengerContact_get_SigninName(c, &s1); IMessengerContact_get_FriendlyName(c, &s2); IMessengerContact_get_Status(c, &cst);
    printf("contact %ls %ls %d\n", s1, s2, cst);
    SysFreeString(s1); SysFreeString(s2);
    IMessengerContact_Release(c); IDispatch_Release(x);
  }
  IUnknown *eu; IEnumVARIANT *ev;
  IMessengerContacts_get__NewEnum(cs, &eu);
  CHECK("QI IEnumVARIANT", IUnknown_QueryInterface(eu, &IID_IEnumVARIANT, (void **)&ev));
  VARIANT items[2]; ULONG got, total = 0;
  while ((hr = IEnumVARIANT_Next(ev, 2, items, &got)) == S_OK || got) {
    for (ULONG i = 0; i < got; i++) { total++; VariantClear(&items[i]); }
    if (hr != S_OK) break;
  }
  printf("enumerated %lu\n", total);
  IEnumVARIANT_Reset(ev);
  IEnumVARIANT_Skip(ev, (ULONG)n - 1);
  IEnumVARIANT_Next(ev, 1, items, &got);
  printf("after Reset+Skip fetched %lu\n", got);
  if (got) VariantClear(&items[0]);
  IEnumVARIANT_Release(ev); IUnknown_Release(eu);

  /* identity: the same contact through two paths is the same COM object */
  IDispatch *x0, *bob;
  IMessengerContacts_Item(cs, 0, &x0);
  IMessengerContact *c0; BSTR name0;
  IDispatch_QueryInterface(x0, &IID_IMessengerContact, (void **)&c0);
  IMessengerContact_get_SigninName(c0, &name0);
  BSTR empty = SysAllocString(L"");
  IMessenger3_GetContact(m, name0, empty, &bob);
  IUnknown *u1, *u2;
  IDispatch_QueryInterface(x0, &IID_IUnknown, (void **)&u1); IDispatch_QueryInterface(bob, &IID_IUnknown, (void **)&u2);
  printf("identity %s\n", u1 == u2 ? "same" : "different");
  SysFreeString(name0);

  /* errors: the HRESULT, and IErrorInfo's description */
  IDispatch *none = NULL;
  hr = IMessengerContacts_Item(cs, 99, &none);
  IErrorInfo *e = NULL; BSTR desc = NULL;
  if (GetErrorInfo(0, &e) == S_OK) { IErrorInfo_GetDescription(e, &desc); IErrorInfo_Release(e); }
  printf("Item(99) %08lx %ls\n", hr, desc ? desc : L"(no IErrorInfo)");
  SysFreeString(desc);

  /* groups, services */
  IDispatch *gd, *sd, *pd; IMessengerGroups *gs; IMessengerServices *ss; IMessengerService *ps;
  IMessenger3_get_MyGroups(m, &gd);
  CHECK("QI IMessengerGroups", IDispatch_QueryInterface(gd, &IID_IMessengerGroups, (void **)&gs));
  IMessengerGroups_get_Count(gs, &n); printf("groups %ld\n", n);
  if (n > 0) {
    IDispatch *x; IMessengerGroup *grp; BSTR gn;
    IMessengerGroups_Item(gs, 0, &x);
    CHECK("QI IMessengerGroup", IDispatch_QueryInterface(x, &IID_IMessengerGroup, (void **)&grp));
    IMessengerGroup_get_Name(grp, &gn); print_bstr("group0", gn);
  }
  IMessenger3_get_Services(m, &sd);
  CHECK("QI IMessengerServices", IDispatch_QueryInterface(sd, &IID_IMessengerServices, (void **)&ss));
  IMessengerServices_get_PrimaryService(ss, &pd);
  CHECK("QI IMessengerService", IDispatch_QueryInterface(pd, &IID_IMessengerService, (void **)&ps));
  IMessengerService_get_ServiceName(ps, &b); print_bstr("service", b);
  IDispatch *wd; IMessengerConversationWnd *cw; IMessengerWindow *ww;
  VARIANT who; V_VT(&who) = VT_DISPATCH; V_DISPATCH(&who) = x0;
  hr = IMessenger3_InstantMessage(m, who, &wd);
  printf("InstantMessage %08lx\n", hr);
  if (SUCCEEDED(hr) && wd) {
    CHECK("QI IMessengerConversationWnd", IDispatch_QueryInterface(wd, &IID_IMessengerConversationWnd, (void **)&cw));
    CHECK("QI IMessengerWindow", IDispatch_QueryInterface(wd, &IID_IMessengerWindow, (void **)&ww));
  }
  pump(100);
  CHECK("Unadvise", IConnectionPoint_Unadvise(cp, cookie));
  LONG before = g_events;
  IMessenger3_put_MyStatus(m, MISTATUS_ONLINE);
  pump(100);
  printf("events after Unadvise %ld\n", g_events - before);
  /* As a web page's host would: untrusted caller. Members the reference marks not for scripts fail. */
  DWORD supported = 0, enabled = 0;
  IObjectSafety_GetInterfaceSafetyOptions(safety, &IID_IDispatch, &supported, &enabled);
  printf("IObjectSafety supported %lu\n", supported);
  IObjectSafety_SetInterfaceSafetyOptions(safety, &IID_IDispatch, INTERFACESAFE_FOR_UNTRUSTED_CALLER, INTERFACESAFE_FOR_UNTRUSTED_CALLER);
  hr = IMessenger3_get_MySigninName(m, &b);
  printf("untrusted MySigninName %08lx\n", hr);
  hr = IMessenger3_get_MyStatus(m, &st);
  printf("untrusted MyStatus %08lx\n", hr);
  IObjectSafety_SetInterfaceSafetyOptions(safety, &IID_IDispatch, INTERFACESAFE_FOR_UNTRUSTED_CALLER, 0);
  printf("END\n");
  return 0;
}

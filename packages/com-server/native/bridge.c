/*
 * The connection to `imessenger serve` (docs/protocol.md): finding and starting the daemon, mutual
 * HMAC-SHA256 authentication, CALL/RESULT, ADVISE, EVENT, RELEASE, and the value encoding.
 *
 * Threading: the server is apartment-threaded. The process has one connection, used from the thread that
 * made it (its STA); a call sends CALL and blocks in select() until its RESULT, queueing any EVENT that
 * comes first. Events that arrive between calls are announced by WSAAsyncSelect to a message-only window
 * owned by that thread, so they are delivered while the client pumps messages (VB6, WSH, .NET WinForms).
 * Queued events are delivered in arrival order when the outermost call returns, never nested inside
 * each other.
 */
#include "bridge.h"
#include <bcrypt.h>
#include <stdio.h>
#include <string.h>

enum { T_HELLO = 0x01, T_AUTH = 0x02, T_WELCOME = 0x03, T_CALL = 0x10, T_RESULT = 0x11, T_ADVISE = 0x12,
       T_UNADVISE = 0x13, T_RELEASE = 0x14, T_EVENT = 0x20 };
enum { V_EMPTY = 0, V_NULL = 1, V_BOOLV = 2, V_I4V = 3, V_R8V = 4, V_BSTRV = 5, V_DISP = 6, V_NOTHING = 7,
       V_ARRAYV = 8, V_MISSING = 9, V_FOREIGN = 10 };
#define PROTOCOL_VERSION 1
#define MAX_FRAME (64u << 20)
#define WM_BRIDGE_SOCKET (WM_APP + 0x4D)
#define WM_BRIDGE_FLUSH (WM_APP + 0x4E)
#define MAX_HELD_RELEASES 4096      /* bytes of RELEASE frames held back before they go out on their own */
#define HR_SERVER_UNAVAILABLE ((HRESULT)0x800706BA)
#define START_TIMEOUT_MS 30000

typedef struct Buf { uint8_t *p; size_t len, cap; BOOL oom; } Buf;

typedef struct Event { struct Event *next; int32_t dispid; UINT argc; VARIANT args[1]; } Event;

static SOCKET g_sock = INVALID_SOCKET;
static DWORD g_gen;                 /* bumped by every successful connect */
static HWND g_hwnd;
static uint32_t g_next_id = 1;
static int g_depth;                 /* calls in progress on this thread */
static BOOL g_draining, g_advised, g_want_events;
static Buf g_in;                    /* received bytes not yet parsed */
static Event *g_ev_head, *g_ev_tail;
/* RELEASE frames not sent yet. Under Wine every send() is a wineserver request, and a RELEASE sent on
 * its own cost the C client as much as half a round trip per released proxy (bench/com-bridge): they go
 * out in the same send() as the next frame, so the daemon still reads them before anything sent after
 * them, or on their own when the thread pumps messages, when the last proxy goes, or past
 * MAX_HELD_RELEASES bytes (docs/protocol.md, Releasing). */
static Buf g_releases;
static BOOL g_flush_posted;

DWORD bridge_generation(void) { return g_gen; }
BOOL bridge_in_use(void) { return g_sock != INVALID_SOCKET || g_hwnd != NULL; }

/* ---------- buffers ---------- */

static void buf_put(Buf *b, const void *d, size_t n) {
  if (b->oom) return;
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n) cap *= 2;
    uint8_t *p = realloc(b->p, cap);
    if (!p) { b->oom = TRUE; return; }
    b->p = p; b->cap = cap;
  }
  memcpy(b->p + b->len, d, n); b->len += n;
}
static void put_u8(Buf *b, uint8_t v) { buf_put(b, &v, 1); }
static void put_u16(Buf *b, uint16_t v) { buf_put(b, &v, 2); }
static void put_u32(Buf *b, uint32_t v) { buf_put(b, &v, 4); }
static void put_str(Buf *b, const WCHAR *s, UINT n) { put_u32(b, n); buf_put(b, s, n * sizeof(WCHAR)); }
static void frame_begin(Buf *b, uint8_t type) { b->len = 0; b->oom = FALSE; put_u32(b, 0); put_u8(b, type); }
static void frame_end(Buf *b) { if (!b->oom) { uint32_t n = (uint32_t)(b->len - 4); memcpy(b->p, &n, 4); } }

typedef struct Rd { const uint8_t *p; size_t left; BOOL bad; } Rd;
static BOOL rd(Rd *r, void *d, size_t n) {
  if (r->bad || r->left < n) { r->bad = TRUE; memset(d, 0, n); return FALSE; }
  memcpy(d, r->p, n); r->p += n; r->left -= n; return TRUE;
}
static uint8_t rd_u8(Rd *r) { uint8_t v; rd(r, &v, 1); return v; }
static uint16_t rd_u16(Rd *r) { uint16_t v; rd(r, &v, 2); return v; }
static uint32_t rd_u32(Rd *r) { uint32_t v; rd(r, &v, 4); return v; }
static BSTR rd_str(Rd *r) {
  uint32_t n = rd_u32(r);
  if (r->bad || r->left / 2 < n) { r->bad = TRUE; return NULL; }
  BSTR s = SysAllocStringLen((const OLECHAR *)r->p, n);
  r->p += (size_t)n * 2; r->left -= (size_t)n * 2;
  return s;
}

/* ---------- values ---------- */

/* Encodes one argument. Arguments arrive already coerced to the type-library type (DispInvoke), except
 * those typed VARIANT, which carry whatever the caller passed: normalise them to the wire's few tags. */
static HRESULT put_value(Buf *b, const VARIANT *in) {
  VARIANT v; VariantInit(&v);
  HRESULT hr = S_OK;
  if (V_VT(in) == (VT_VARIANT | VT_BYREF) && V_VARIANTREF(in)) in = V_VARIANTREF(in);
  /* Only a by-reference value is copied; a plain one is read in place (the caller owns it). */
  if (V_VT(in) & VT_BYREF) { hr = VariantCopyInd(&v, (VARIANT *)in); if (FAILED(hr)) return hr; }
  else v = *in;
  switch (V_VT(&v)) {
  case VT_EMPTY: put_u8(b, V_EMPTY); break;
  case VT_NULL: put_u8(b, V_NULL); break;
  case VT_BOOL: put_u8(b, V_BOOLV); put_u16(b, (uint16_t)V_BOOL(&v)); break;
  case VT_BSTR: put_u8(b, V_BSTRV); put_str(b, V_BSTR(&v) ? V_BSTR(&v) : L"", SysStringLen(V_BSTR(&v))); break;
  case VT_ERROR:
    if (V_ERROR(&v) == DISP_E_PARAMNOTFOUND) { put_u8(b, V_MISSING); break; }
    put_u8(b, V_I4V); put_u32(b, (uint32_t)V_ERROR(&v)); break;
  case VT_DISPATCH: case VT_UNKNOWN: {
    IUnknown *u = V_UNKNOWN(&v);
    IDispatch *d = NULL;
    if (u) IUnknown_QueryInterface(u, &IID_IDispatch, (void **)&d);
    Obj *o = d ? obj_from_dispatch(d) : NULL;
    if (d) IDispatch_Release(d);
    if (!u) put_u8(b, V_NOTHING);
    else if (!o) put_u8(b, V_FOREIGN);
    else if (o->handle != 0 && o->gen != g_gen) hr = RPC_E_DISCONNECTED;
    else { put_u8(b, V_DISP); put_u32(b, o->handle); put_u16(b, (uint16_t)o->kind); }
    break;
  }
  default: {
    /* Numbers of every other type: an int32 when the value is one, else a double. */
    VARIANT n; VariantInit(&n);
    if (SUCCEEDED(VariantChangeType(&n, &v, 0, VT_R8))) {
      double d = V_R8(&n);
      if (d >= -2147483648.0 && d <= 2147483647.0 && d == (double)(int32_t)d) { put_u8(b, V_I4V); put_u32(b, (uint32_t)(int32_t)d); }
      else { put_u8(b, V_R8V); buf_put(b, &d, 8); }
    } else hr = DISP_E_TYPEMISMATCH;
  }
  }
  if (V_VT(in) & VT_BYREF) VariantClear(&v);
  return hr;
}

static void get_value(Rd *r, VARIANT *v) {
  VariantInit(v);
  switch (rd_u8(r)) {
  case V_EMPTY: break;
  case V_NULL: V_VT(v) = VT_NULL; break;
  case V_BOOLV: V_VT(v) = VT_BOOL; V_BOOL(v) = rd_u16(r) ? VARIANT_TRUE : VARIANT_FALSE; break;
  case V_I4V: V_VT(v) = VT_I4; V_I4(v) = (LONG)rd_u32(r); break;
  case V_R8V: V_VT(v) = VT_R8; rd(r, &V_R8(v), 8); break;
  case V_BSTRV: { BSTR s = rd_str(r); if (!r->bad) { V_VT(v) = VT_BSTR; V_BSTR(v) = s; } break; }
  case V_DISP: {
    uint32_t h = rd_u32(r); uint16_t kind = rd_u16(r);
    if (r->bad) break;
    if (kind == KIND_ENUM) { V_VT(v) = VT_UNKNOWN; V_UNKNOWN(v) = (IUnknown *)enum_for_handle(h); }
    else { V_VT(v) = VT_DISPATCH; V_DISPATCH(v) = (IDispatch *)obj_for_handle(h, kind); }
    if (!V_UNKNOWN(v)) { V_VT(v) = VT_EMPTY; r->bad = TRUE; }
    break;
  }
  case V_NOTHING: V_VT(v) = VT_DISPATCH; V_DISPATCH(v) = NULL; break;
  case V_ARRAYV: {
    uint32_t n = rd_u32(r);
    if (r->bad || n > r->left) { r->bad = TRUE; break; }
    SAFEARRAY *sa = SafeArrayCreateVector(VT_VARIANT, 0, n);
    if (!sa) { r->bad = TRUE; break; }
    VARIANT *items; SafeArrayAccessData(sa, (void **)&items);
    for (uint32_t i = 0; i < n; i++) get_value(r, &items[i]);
    SafeArrayUnaccessData(sa);
    V_VT(v) = VT_ARRAY | VT_VARIANT; V_ARRAY(v) = sa;
    break;
  }
  case V_MISSING: V_VT(v) = VT_ERROR; V_ERROR(v) = DISP_E_PARAMNOTFOUND; break;
  default: r->bad = TRUE;
  }
}

/* ---------- socket ---------- */

static void lost(void) {
  if (g_sock == INVALID_SOCKET) return;
  closesocket(g_sock);
  g_sock = INVALID_SOCKET;
  g_in.len = 0;
  g_releases.len = 0;             /* the daemon frees a closed connection's handles itself */
  g_advised = FALSE;
  objects_disconnected();
}

static BOOL send_all(const uint8_t *p, size_t n) {
  while (n) {
    int k = send(g_sock, (const char *)p, (int)(n > 1 << 20 ? 1 << 20 : n), 0);
    if (k > 0) { p += k; n -= (size_t)k; continue; }
    if (k < 0 && WSAGetLastError() == WSAEWOULDBLOCK) {
      fd_set w; FD_ZERO(&w); FD_SET(g_sock, &w);
      if (select(0, NULL, &w, NULL, NULL) >= 0) continue;
    }
    return FALSE;
  }
  return TRUE;
}

static BOOL send_now(const uint8_t *p, size_t n) {
  if (send_all(p, n)) return TRUE;
  lost();
  return FALSE;
}

static BOOL flush_releases(void) {
  if (!g_releases.len || g_sock == INVALID_SOCKET) return TRUE;
  size_t n = g_releases.len;
  g_releases.len = 0;
  return send_now(g_releases.p, n);
}
void bridge_flush(void) { flush_releases(); }

/* Sends the frame built in `b`, in the same send() as the held RELEASE frames before it. */
static BOOL send_buf(Buf *b) {
  frame_end(b);
  if (b->oom) return FALSE;
  if (g_releases.len) {
    buf_put(&g_releases, b->p, b->len);
    if (!g_releases.oom) { size_t n = g_releases.len; g_releases.len = 0; return send_now(g_releases.p, n); }
    g_releases.oom = FALSE;                       /* no room to join them: two sends, same order */
    if (!flush_releases()) return FALSE;
  }
  return send_now(b->p, b->len);
}

/* Reads what the socket has (waiting up to timeout_ms when wait is set, -1 = forever). FALSE when the
 * connection is gone. */
static BOOL fill(BOOL wait, int timeout_ms) {
  if (wait) {
    fd_set rs; FD_ZERO(&rs); FD_SET(g_sock, &rs);
    struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
    int k = select(0, &rs, NULL, NULL, timeout_ms < 0 ? NULL : &tv);
    if (k == 0) return TRUE;
    if (k < 0) return FALSE;
  }
  uint8_t tmp[16384];
  int k = recv(g_sock, (char *)tmp, sizeof tmp, 0);
  if (k > 0) { buf_put(&g_in, tmp, (size_t)k); return !g_in.oom; }
  if (k < 0 && WSAGetLastError() == WSAEWOULDBLOCK) return TRUE;
  return FALSE;
}

/* The next complete frame in g_in, or FALSE when there is none yet. A bad length is a lost connection. */
static BOOL next_frame(uint8_t *type, Rd *body, size_t *consumed, BOOL *bad) {
  *bad = FALSE;
  if (g_in.len < 4) return FALSE;
  uint32_t n; memcpy(&n, g_in.p, 4);
  if (n < 1 || n > MAX_FRAME) { *bad = TRUE; return FALSE; }
  if (g_in.len < 4 + (size_t)n) return FALSE;
  *type = g_in.p[4];
  body->p = g_in.p + 5; body->left = n - 1; body->bad = FALSE;
  *consumed = 4 + (size_t)n;
  return TRUE;
}
static void consume(size_t n) { memmove(g_in.p, g_in.p + n, g_in.len - n); g_in.len -= n; }

/* Waits for one frame (of any type). FALSE when the connection is gone or timeout passes. */
static BOOL wait_frame(uint8_t *type, Rd *body, size_t *consumed, int timeout_ms) {
  DWORD start = GetTickCount();
  for (;;) {
    BOOL bad;
    if (next_frame(type, body, consumed, &bad)) return TRUE;
    if (bad) return FALSE;
    int left = timeout_ms < 0 ? -1 : timeout_ms - (int)(GetTickCount() - start);
    if (timeout_ms >= 0 && left <= 0) return FALSE;
    if (!fill(TRUE, left)) return FALSE;
  }
}

/* ---------- events ---------- */

static BOOL queue_event(Rd *r) {
  uint32_t source = rd_u32(r); (void)source; /* always 0: the Messenger raises every event */
  int32_t dispid = (int32_t)rd_u32(r);
  uint8_t argc = rd_u8(r);
  if (r->bad) return FALSE;
  Event *e = calloc(1, sizeof(Event) + sizeof(VARIANT) * (argc ? argc : 1));
  if (!e) return FALSE;
  e->dispid = dispid; e->argc = argc;
  for (UINT i = 0; i < argc; i++) get_value(r, &e->args[i]);
  if (r->bad) { for (UINT i = 0; i < argc; i++) VariantClear(&e->args[i]); free(e); return FALSE; }
  if (g_ev_tail) g_ev_tail->next = e; else g_ev_head = e;
  g_ev_tail = e;
  return TRUE;
}

static void drain_events(void) {
  if (g_draining || g_depth) return;
  g_draining = TRUE;
  while (g_ev_head) {
    Event *e = g_ev_head;
    g_ev_head = e->next;
    if (!g_ev_head) g_ev_tail = NULL;
    events_fire(e->dispid, e->argc, e->args);
    for (UINT i = 0; i < e->argc; i++) VariantClear(&e->args[i]);
    free(e);
  }
  g_draining = FALSE;
}

/* Frames that arrive outside a call: events (and the FD_CLOSE of a daemon that went away). */
static void pump_socket(void) {
  if (g_sock == INVALID_SOCKET || g_depth) return;
  if (!fill(FALSE, 0)) { lost(); return; }
  uint8_t type; Rd body; size_t used; BOOL bad;
  while (next_frame(&type, &body, &used, &bad)) {
    BOOL ok = type == T_EVENT && queue_event(&body);
    consume(used);
    if (!ok) { lost(); break; }
  }
  if (bad) lost();
  drain_events();
}

static LRESULT CALLBACK wndproc(HWND w, UINT msg, WPARAM wp, LPARAM lp) {
  if (msg == WM_BRIDGE_FLUSH) { g_flush_posted = FALSE; bridge_flush(); return 0; }
  if (msg == WM_BRIDGE_SOCKET) {
    if (WSAGETSELECTEVENT(lp) == FD_CLOSE) { pump_socket(); lost(); }
    else pump_socket();
    return 0;
  }
  return DefWindowProcW(w, msg, wp, lp);
}

static HWND message_window(void) {
  if (g_hwnd) return g_hwnd;
  WNDCLASSW wc = { 0 };
  wc.lpfnWndProc = wndproc; wc.hInstance = g_module; wc.lpszClassName = L"imessengerComBridge";
  RegisterClassW(&wc);
  g_hwnd = CreateWindowExW(0, wc.lpszClassName, NULL, 0, 0, 0, 0, 0, HWND_MESSAGE, NULL, g_module, NULL);
  return g_hwnd;
}

/* ---------- finding, starting and authenticating to the daemon ---------- */

/* A value recorded at registration (HKCU, else HKLM: Wine registers machine-wide in its private prefix). */
static BOOL registered(const WCHAR *name, WCHAR *out, DWORD cap) {
  DWORD bytes = cap * sizeof(WCHAR);
  if (RegGetValueW(HKEY_CURRENT_USER, L"Software\\imessenger\\ComServer", name, RRF_RT_REG_SZ, NULL, out, &bytes) == ERROR_SUCCESS) return TRUE;
  bytes = cap * sizeof(WCHAR);
  return RegGetValueW(HKEY_LOCAL_MACHINE, L"Software\\imessenger\\ComServer", name, RRF_RT_REG_SZ, NULL, out, &bytes) == ERROR_SUCCESS;
}

/* $IMESSENGER_SERVE_FILE, else the serve file recorded at registration (under Wine: the Linux daemon's,
 * by its Z: path), else %LOCALAPPDATA%\imessenger\serve.json (docs/protocol.md). */
static BOOL serve_file_path(WCHAR *path, DWORD cap) {
  DWORD n = GetEnvironmentVariableW(L"IMESSENGER_SERVE_FILE", path, cap);
  if (n && n < cap) return TRUE;
  if (registered(L"ServeFile", path, cap)) return TRUE;
  n = GetEnvironmentVariableW(L"LOCALAPPDATA", path, cap);
  if (!n || n + 32 >= cap) return FALSE;
  wcscat(path, L"\\imessenger\\serve.json");
  return TRUE;
}

static BOOL read_file(const WCHAR *path, uint8_t *buf, DWORD cap, DWORD *got) {
  HANDLE f = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_EXISTING, 0, NULL);
  if (f == INVALID_HANDLE_VALUE) return FALSE;
  BOOL ok = ReadFile(f, buf, cap, got, NULL);
  CloseHandle(f);
  return ok;
}

/* The port in the serve file (`"port":` then decimal digits, as protocol.md promises), or 0. */
static int serve_port(void) {
  WCHAR path[MAX_PATH]; char text[1024]; DWORD got = 0;
  if (!serve_file_path(path, MAX_PATH) || !read_file(path, (uint8_t *)text, sizeof text - 1, &got)) return 0;
  text[got] = 0;
  const char *p = strstr(text, "\"port\":");
  return p ? atoi(p + 7) : 0;
}

static BOOL read_secret(uint8_t secret[32]) {
  WCHAR path[MAX_PATH]; uint8_t buf[33]; DWORD got = 0;
  if (!serve_file_path(path, MAX_PATH)) return FALSE;
  WCHAR *slash = wcsrchr(path, L'\\');
  WCHAR *fslash = wcsrchr(path, L'/');
  if (fslash > slash) slash = fslash;
  if (!slash || slash - path + 14 >= MAX_PATH) return FALSE;
  wcscpy(slash + 1, L"serve.secret");
  BOOL ok = read_file(path, buf, sizeof buf, &got) && got == 32;
  if (ok) memcpy(secret, buf, 32);
  SecureZeroMemory(buf, sizeof buf);
  return ok;
}

static BOOL hmac(const uint8_t key[32], const char *label, const uint8_t a[32], const uint8_t b[32], uint8_t out[32]) {
  BCRYPT_ALG_HANDLE alg = NULL; BCRYPT_HASH_HANDLE h = NULL;
  BOOL ok = BCryptOpenAlgorithmProvider(&alg, BCRYPT_SHA256_ALGORITHM, NULL, BCRYPT_ALG_HANDLE_HMAC_FLAG) == 0
    && BCryptCreateHash(alg, &h, NULL, 0, (PUCHAR)key, 32, 0) == 0
    && BCryptHashData(h, (PUCHAR)label, (ULONG)strlen(label), 0) == 0
    && BCryptHashData(h, (PUCHAR)a, 32, 0) == 0
    && BCryptHashData(h, (PUCHAR)b, 32, 0) == 0
    && BCryptFinishHash(h, out, 32, 0) == 0;
  if (h) BCryptDestroyHash(h);
  if (alg) BCryptCloseAlgorithmProvider(alg, 0);
  return ok;
}

static BOOL same32(const uint8_t *a, const uint8_t *b) {
  uint8_t d = 0;
  for (int i = 0; i < 32; i++) d |= a[i] ^ b[i];
  return d == 0;
}

/* HELLO -> AUTH -> WELCOME on g_sock (blocking). S_FALSE: the peer closed before its HELLO (a daemon
 * stopping, or one whose port a stale serve file names): not an answer, try again. E_ACCESSDENIED: no
 * secret, or the peer refused our answer or could not prove its own. */
static HRESULT authenticate(void) {
  uint8_t type; Rd body; size_t used;
  if (!wait_frame(&type, &body, &used, 10000)) return S_FALSE;
  if (type != T_HELLO) return E_ACCESSDENIED;
  uint32_t version = rd_u32(&body);
  uint8_t server_nonce[32], client_nonce[32], mac[32], secret[32];
  rd(&body, server_nonce, 32);
  consume(used);
  if (body.bad || version != PROTOCOL_VERSION) return E_ACCESSDENIED;
  if (!read_secret(secret)) return E_ACCESSDENIED;
  BOOL ok = BCryptGenRandom(NULL, client_nonce, 32, BCRYPT_USE_SYSTEM_PREFERRED_RNG) == 0
    && hmac(secret, "imessenger-client", server_nonce, client_nonce, mac);
  Buf b = { 0 };
  if (ok) {
    frame_begin(&b, T_AUTH); put_u32(&b, PROTOCOL_VERSION); buf_put(&b, client_nonce, 32); buf_put(&b, mac, 32);
    put_u32(&b, GetCurrentProcessId());
    frame_end(&b);
    ok = !b.oom && send_all(b.p, b.len);
  }
  free(b.p);
  uint8_t expect[32], got[32];
  ok = ok && hmac(secret, "imessenger-server", client_nonce, server_nonce, expect);
  SecureZeroMemory(secret, sizeof secret);
  if (!ok || !wait_frame(&type, &body, &used, 10000) || type != T_WELCOME) return E_ACCESSDENIED;
  rd(&body, got, 32);
  consume(used);
  /* A process that is not the daemon (it cannot know the secret) gets nothing more. */
  return !body.bad && same32(got, expect) ? S_OK : E_ACCESSDENIED;
}

static SOCKET connect_port(int port) {
  SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (s == INVALID_SOCKET) return s;
  struct sockaddr_in a = { 0 };
  a.sin_family = AF_INET; a.sin_port = htons((u_short)port); a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(s, (struct sockaddr *)&a, sizeof a) != 0) { closesocket(s); return INVALID_SOCKET; }
  BOOL one = TRUE;
  setsockopt(s, IPPROTO_TCP, TCP_NODELAY, (const char *)&one, sizeof one);
  return s;
}

/* The command line recorded at registration (`imessenger com register`), or IMESSENGER_SERVE_COMMAND. */
static BOOL serve_command(WCHAR *cmd, DWORD cap) {
  DWORD n = GetEnvironmentVariableW(L"IMESSENGER_SERVE_COMMAND", cmd, cap);
  if (n && n < cap) return TRUE;
  return registered(L"ServeCommand", cmd, cap);
}

/* Runs `imessenger serve --detach …` and waits until the daemon accepts connections. Under Wine the
 * command is a Linux program (Z:\usr\bin\node …): Wine runs it natively and gives no exit status, so
 * the serve file and the port are what tells us it is up. */
/* Connects to the port of the serve file and authenticates: S_OK (g_sock is the connection), S_FALSE (no
 * daemon answers there), or E_ACCESSDENIED. */
static HRESULT try_serve_file(void) {
  int port = serve_port();
  SOCKET s = port ? connect_port(port) : INVALID_SOCKET;
  if (s == INVALID_SOCKET) return S_FALSE;
  g_sock = s; g_in.len = 0;
  HRESULT hr = authenticate();
  if (hr != S_OK) { closesocket(g_sock); g_sock = INVALID_SOCKET; }
  return hr;
}

static HRESULT start_daemon(void) {
  WCHAR cmd[4096];
  if (!serve_command(cmd, 4096)) return CO_E_SERVER_EXEC_FAILURE;
  STARTUPINFOW si = { sizeof si }; PROCESS_INFORMATION pi;
  if (!CreateProcessW(NULL, cmd, NULL, NULL, FALSE, CREATE_NO_WINDOW, NULL, NULL, &si, &pi)) return CO_E_SERVER_EXEC_FAILURE;
  CloseHandle(pi.hThread);
  DWORD start = GetTickCount();
  HRESULT hr = CO_E_SERVER_EXEC_FAILURE;
  while (GetTickCount() - start < START_TIMEOUT_MS) {
    DWORD code;
    if (WaitForSingleObject(pi.hProcess, 0) == WAIT_OBJECT_0 && GetExitCodeProcess(pi.hProcess, &code) && code != 0 && code != STILL_ACTIVE) break;
    HRESULT tried = try_serve_file();
    if (tried != S_FALSE) { hr = tried; break; }
    Sleep(25);
  }
  CloseHandle(pi.hProcess);
  return hr;
}

HRESULT bridge_connect(void) {
  if (g_sock != INVALID_SOCKET) return S_OK;
  static BOOL wsa;
  if (!wsa) { WSADATA d; if (WSAStartup(MAKEWORD(2, 2), &d) != 0) return E_FAIL; wsa = TRUE; }
  HRESULT hr = try_serve_file();
  if (hr == S_FALSE) hr = start_daemon();
  if (FAILED(hr)) return hr;
  g_gen++;
  HWND w = message_window();
  if (w) WSAAsyncSelect(g_sock, w, WM_BRIDGE_SOCKET, FD_READ | FD_CLOSE);
  if (g_want_events) return bridge_advise(TRUE);
  return S_OK;
}

/* ---------- calls ---------- */

static void set_error(HRESULT hr, BSTR description) {
  ICreateErrorInfo *c;
  if (FAILED(CreateErrorInfo(&c))) return;
  ICreateErrorInfo_SetSource(c, (LPOLESTR)L"Messenger.UIAutomation");
  ICreateErrorInfo_SetDescription(c, description && *description ? description : (LPOLESTR)L"Messenger call failed");
  ICreateErrorInfo_SetGUID(c, &GUID_NULL);
  IErrorInfo *e;
  if (SUCCEEDED(ICreateErrorInfo_QueryInterface(c, &IID_IErrorInfo, (void **)&e))) { SetErrorInfo(0, e); IErrorInfo_Release(e); }
  ICreateErrorInfo_Release(c);
  (void)hr;
}

static void fail_description(HRESULT hr) {
  const WCHAR *text =
    hr == HR_SERVER_UNAVAILABLE ? L"The imessenger serve daemon closed the connection during the call; the next call on the Messenger object reconnects."
    : hr == RPC_E_DISCONNECTED ? L"This object belonged to an earlier connection to imessenger serve; get it again from the Messenger object."
    : hr == CO_E_SERVER_EXEC_FAILURE ? L"imessenger serve is not running and could not be started (see `imessenger com register`)."
    : hr == E_ACCESSDENIED ? L"imessenger serve refused the connection, or is not the daemon: authentication failed."
    : NULL;
  if (text) { BSTR b = SysAllocString(text); set_error(hr, b); SysFreeString(b); }
}

/* Sends a request frame built by `b` (with its callId) and waits for the RESULT, queueing events. */
static HRESULT round_trip(Buf *b, uint32_t id, VARIANT *result) {
  VariantInit(result);
  if (!send_buf(b)) return HR_SERVER_UNAVAILABLE;
  g_depth++;
  HRESULT hr = HR_SERVER_UNAVAILABLE;
  for (;;) {
    uint8_t type; Rd body; size_t used;
    if (!wait_frame(&type, &body, &used, -1)) { lost(); break; }
    if (type == T_EVENT) {
      BOOL ok = queue_event(&body);
      consume(used);
      if (!ok) { lost(); break; }
      continue;
    }
    if (type != T_RESULT || rd_u32(&body) != id) { consume(used); lost(); break; }
    hr = (HRESULT)rd_u32(&body);
    get_value(&body, result);
    BSTR description = rd_str(&body);
    BOOL bad = body.bad;
    consume(used);
    if (bad) { VariantClear(result); SysFreeString(description); lost(); hr = HR_SERVER_UNAVAILABLE; break; }
    if (FAILED(hr)) set_error(hr, description);
    SysFreeString(description);
    break;
  }
  g_depth--;
  if (hr == HR_SERVER_UNAVAILABLE) fail_description(hr);
  drain_events();
  return hr;
}

HRESULT bridge_call(uint32_t handle, DWORD gen, DISPID dispid, WORD kind, UINT argc, VARIANT *args, VARIANT *result) {
  VariantInit(result);
  if (handle == 0) { HRESULT hr = bridge_connect(); if (FAILED(hr)) { fail_description(hr); return hr; } }
  else if (g_sock == INVALID_SOCKET || gen != g_gen) { fail_description(RPC_E_DISCONNECTED); return RPC_E_DISCONNECTED; }
  static Buf b;
  uint32_t id = g_next_id++;
  frame_begin(&b, T_CALL);
  put_u32(&b, id); put_u32(&b, handle); put_u32(&b, (uint32_t)dispid); put_u16(&b, kind); put_u8(&b, (uint8_t)argc);
  for (UINT i = 0; i < argc; i++) {
    HRESULT hr = put_value(&b, &args[i]);
    if (FAILED(hr)) { if (hr == RPC_E_DISCONNECTED) fail_description(hr); return hr; }
  }
  return round_trip(&b, id, result);
}

HRESULT bridge_advise(BOOL on) {
  g_want_events = on;
  if (g_sock == INVALID_SOCKET || g_advised == on) return S_OK;
  Buf b = { 0 };
  uint32_t id = g_next_id++;
  frame_begin(&b, on ? T_ADVISE : T_UNADVISE);
  put_u32(&b, id);
  VARIANT r;
  HRESULT hr = round_trip(&b, id, &r);
  free(b.p);
  VariantClear(&r);
  if (SUCCEEDED(hr)) g_advised = on;
  return hr;
}

void bridge_release(uint32_t handle, DWORD gen, uint32_t count) {
  if (handle == 0 || gen != g_gen || g_sock == INVALID_SOCKET || !count) return;
  uint8_t frame[13] = { 9, 0, 0, 0, T_RELEASE };   /* length 9 (little-endian): type, handle, count */
  memcpy(frame + 5, &handle, 4); memcpy(frame + 9, &count, 4);
  buf_put(&g_releases, frame, sizeof frame);
  if (g_releases.oom) { g_releases.oom = FALSE; if (flush_releases()) send_now(frame, sizeof frame); return; }
  if (g_releases.len >= MAX_HELD_RELEASES) { flush_releases(); return; }
  if (!g_flush_posted && g_hwnd) g_flush_posted = PostMessageW(g_hwnd, WM_BRIDGE_FLUSH, 0, 0);
}

/* ---------- [out, retval] conversions used by the generated stubs ---------- */

static HRESULT out_as(HRESULT hr, VARIANT *r, VARTYPE vt) {
  if (FAILED(hr)) { VariantClear(r); return hr; }
  HRESULT c = V_VT(r) == vt ? S_OK : VariantChangeType(r, r, 0, vt);
  if (FAILED(c)) { VariantClear(r); return c; }
  return hr;
}
HRESULT out_bstr(HRESULT hr, VARIANT *r, BSTR *p) { *p = NULL; hr = out_as(hr, r, VT_BSTR); if (SUCCEEDED(hr)) *p = V_BSTR(r); return hr; }
HRESULT out_bool(HRESULT hr, VARIANT *r, VARIANT_BOOL *p) { *p = VARIANT_FALSE; hr = out_as(hr, r, VT_BOOL); if (SUCCEEDED(hr)) *p = V_BOOL(r); return hr; }
HRESULT out_i4(HRESULT hr, VARIANT *r, LONG *p) { *p = 0; hr = out_as(hr, r, VT_I4); if (SUCCEEDED(hr)) *p = V_I4(r); return hr; }
HRESULT out_dispatch(HRESULT hr, VARIANT *r, IDispatch **p) {
  *p = NULL;
  if (SUCCEEDED(hr) && V_VT(r) == VT_EMPTY) return hr;
  hr = out_as(hr, r, VT_DISPATCH);
  if (SUCCEEDED(hr)) *p = V_DISPATCH(r);
  return hr;
}
HRESULT out_unknown(HRESULT hr, VARIANT *r, IUnknown **p) {
  *p = NULL;
  if (FAILED(hr)) { VariantClear(r); return hr; }
  VARTYPE vt = V_VT(r);
  if (vt == VT_UNKNOWN || vt == VT_DISPATCH) { *p = V_UNKNOWN(r); return hr; }
  VariantClear(r);
  return vt == VT_EMPTY ? hr : DISP_E_TYPEMISMATCH;
}
HRESULT out_variant(HRESULT hr, VARIANT *r, VARIANT *p) {
  VariantInit(p);
  if (FAILED(hr)) { VariantClear(r); return hr; }
  *p = *r;
  return hr;
}

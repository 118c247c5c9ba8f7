/*
 * Per-user registration (HKCU\Software\Classes: no administrator rights), driven by `imessenger com
 * register|unregister` through regsvr32 and these environment variables:
 *   IMESSENGER_COM_SCOPE     "machine": HKLM\Software\Classes instead. Wine 8 does not merge
 *                            HKCU\Software\Classes into HKEY_CLASSES_ROOT, so `imessenger com wine`
 *                            registers machine-wide inside its private prefix.
 *   IMESSENGER_COM_PROGIDS   comma-separated ProgIDs to register (default: all three)
 *   IMESSENGER_COM_FORCE     "1": take over ProgIDs/CLSIDs another server owns
 *   IMESSENGER_SERVE_COMMAND the `imessenger serve --detach …` command line the server runs on demand
 *   IMESSENGER_COM_SERVE_FILE the serve file to use when IMESSENGER_SERVE_FILE is not set (under Wine:
 *                            the Linux daemon's serve file by its Z: path)
 * Every value written is journaled (HKCU\Software\imessenger\ComServer\Journal): whether the value and
 * its key existed and what the value was, so unregistering restores exactly what registering changed
 * and nothing else. A refusal is explained in ...\ComServer\LastRefusal.
 */
#include "bridge.h"
#include <stdio.h>

/* In oleaut32 (Vista and later) but not declared by mingw-w64's oleauto.h. */
HRESULT WINAPI RegisterTypeLibForUser(ITypeLib *tl, OLECHAR *path, OLECHAR *helpdir);
HRESULT WINAPI UnRegisterTypeLibForUser(REFGUID libid, WORD major, WORD minor, LCID lcid, SYSKIND syskind);

#define ROOT L"Software\\imessenger\\ComServer"
#define JOURNAL ROOT L"\\Journal"
#define MESSENGER_CLSID L"{B69003B3-C55E-4B48-836C-BC5946FC3B28}"
#define COMMUNICATOR_CLSID L"{8885370D-B33E-44B7-875D-28E403CF9270}"
#define LIBID_TEXT L"{E02AD29E-80F5-46C6-B416-9B3EBDDF057E}"

typedef struct ProgIdInfo { const WCHAR *progid, *clsid, *curver; } ProgIdInfo;
static const ProgIdInfo PROGIDS[] = {
  { L"Messenger.UIAutomation.1", MESSENGER_CLSID, NULL },
  { L"Messenger.UIAutomation", MESSENGER_CLSID, L"Messenger.UIAutomation.1" },
  { L"Communicator.UIAutomation", COMMUNICATOR_CLSID, NULL },
};
#define NPROGIDS (sizeof PROGIDS / sizeof PROGIDS[0])

static HKEY scope(void) {
  WCHAR v[16];
  DWORD n = GetEnvironmentVariableW(L"IMESSENGER_COM_SCOPE", v, 16);
  return n && n < 16 && !_wcsicmp(v, L"machine") ? HKEY_LOCAL_MACHINE : HKEY_CURRENT_USER;
}

static BOOL chosen(int i) {
  WCHAR list[512];
  DWORD n = GetEnvironmentVariableW(L"IMESSENGER_COM_PROGIDS", list, 512);
  if (!n || n >= 512) return TRUE;
  for (WCHAR *tok = wcstok(list, L","); tok; tok = wcstok(NULL, L","))
    if (!_wcsicmp(tok, PROGIDS[i].progid)) return TRUE;
  return FALSE;
}

static BOOL read_sz(HKEY root, const WCHAR *key, const WCHAR *name, WCHAR *out, DWORD cap) {
  DWORD bytes = cap * sizeof(WCHAR);
  out[0] = 0;
  return RegGetValueW(root, key, name, RRF_RT_REG_SZ | RRF_RT_REG_EXPAND_SZ | RRF_NOEXPAND, NULL, out, &bytes) == ERROR_SUCCESS;
}

static BOOL key_exists(const WCHAR *key) {
  HKEY k;
  if (RegOpenKeyExW(scope(), key, 0, KEY_READ, &k) != ERROR_SUCCESS) return FALSE;
  RegCloseKey(k);
  return TRUE;
}

static BOOL journaled(const WCHAR *entry) {
  return RegGetValueW(scope(), JOURNAL, entry, RRF_RT_ANY, NULL, NULL, NULL) == ERROR_SUCCESS;
}
static LONG journal(const WCHAR *entry, const WCHAR *record) {
  return RegSetKeyValueW(scope(), JOURNAL, entry, REG_SZ, record, (DWORD)((wcslen(record) + 1) * sizeof(WCHAR)));
}

/* Writes HKCU\key\name = data, journaling first what was there: each key on the path that did not exist
 * ("K|key"), and the value ("V|key|name" = "+" when new, "=old" when replaced). Only the first time:
 * re-registering keeps the original state to restore. */
static LONG journaled_set(const WCHAR *key, const WCHAR *name, const WCHAR *data) {
  WCHAR entry[600], old[2048], record[2050], prefix[512];
  LONG e = ERROR_SUCCESS;
  for (const WCHAR *p = key;; p++) {
    if (*p == L'\\' || *p == 0) {
      size_t n = (size_t)(p - key);
      if (n >= 512) return ERROR_BUFFER_OVERFLOW;
      wcsncpy(prefix, key, n); prefix[n] = 0;
      _snwprintf(entry, 600, L"K|%s", prefix); entry[599] = 0;
      if (!key_exists(prefix) && !journaled(entry)) e |= journal(entry, L"+");
    }
    if (!*p) break;
  }
  _snwprintf(entry, 600, L"V|%s|%s", key, name ? name : L""); entry[599] = 0;
  if (!journaled(entry)) {
    if (read_sz(scope(), key, name, old, 2048)) { _snwprintf(record, 2050, L"=%s", old); record[2049] = 0; }
    else wcscpy(record, L"+");
    e |= journal(entry, record);
  }
  if (e != ERROR_SUCCESS) return e;
  return RegSetKeyValueW(scope(), key, name, REG_SZ, data, (DWORD)((wcslen(data) + 1) * sizeof(WCHAR)));
}

/* The server behind a CLSID in the merged HKCR view (InprocServer32, else LocalServer32), or "". */
static void clsid_server(const WCHAR *clsid, WCHAR *out, DWORD cap) {
  WCHAR key[128];
  _snwprintf(key, 128, L"CLSID\\%s\\InprocServer32", clsid);
  if (read_sz(HKEY_CLASSES_ROOT, key, NULL, out, cap) && *out) return;
  _snwprintf(key, 128, L"CLSID\\%s\\LocalServer32", clsid);
  read_sz(HKEY_CLASSES_ROOT, key, NULL, out, cap);
}

/* Ours: any build of this server (imessenger-com-*.dll), whichever architecture or copy registered it. */
static BOOL ours(const WCHAR *server) {
  const WCHAR *base = server;
  for (const WCHAR *p = server; *p; p++) if (*p == L'\\' || *p == L'/') base = p + 1;
  return _wcsnicmp(base, L"imessenger-com", 14) == 0;
}

static void refuse(const WCHAR *what, const WCHAR *owner) {
  WCHAR text[1200];
  _snwprintf(text, 1200, L"%s is registered to another server (%s); pass --force to take it over", what, owner);
  text[1199] = 0;
  RegSetKeyValueW(scope(), ROOT, L"LastRefusal", REG_SZ, text, (DWORD)((wcslen(text) + 1) * sizeof(WCHAR)));
}

/* Another server owns a chosen ProgID (it names a CLSID whose server is not ours) or our CLSID. */
static BOOL conflict(void) {
  WCHAR force[4], key[160], clsid[64], server[1024];
  if (GetEnvironmentVariableW(L"IMESSENGER_COM_FORCE", force, 4) && force[0] == L'1') return FALSE;
  for (int i = 0; i < (int)NPROGIDS; i++) {
    if (!chosen(i)) continue;
    _snwprintf(key, 160, L"%s\\CLSID", PROGIDS[i].progid);
    if (read_sz(HKEY_CLASSES_ROOT, key, NULL, clsid, 64) && *clsid) {
      clsid_server(clsid, server, 1024);
      if (*server && !ours(server)) { refuse(PROGIDS[i].progid, server); return TRUE; }
    }
    clsid_server(PROGIDS[i].clsid, server, 1024);
    if (*server && !ours(server)) { refuse(PROGIDS[i].clsid, server); return TRUE; }
  }
  return FALSE;
}

HRESULT WINAPI DllRegisterServer(void) {
  WCHAR path[MAX_PATH], key[200], cmd[4096];
  LONG e = ERROR_SUCCESS;
  RegDeleteKeyValueW(scope(), ROOT, L"LastRefusal");
  if (conflict()) return SELFREG_E_CLASS;
  GetModuleFileNameW(g_module, path, MAX_PATH);
  for (int i = 0; i < (int)NPROGIDS && e == ERROR_SUCCESS; i++) {
    if (!chosen(i)) continue;
    const ProgIdInfo *p = &PROGIDS[i];
    const WCHAR *pb = L"Software\\Classes\\";
    _snwprintf(key, 200, L"%s%s", pb, p->progid); e |= journaled_set(key, NULL, L"Messenger Object");
    _snwprintf(key, 200, L"%s%s\\CLSID", pb, p->progid); e |= journaled_set(key, NULL, p->clsid);
    if (p->curver && chosen(0)) { _snwprintf(key, 200, L"%s%s\\CurVer", pb, p->progid); e |= journaled_set(key, NULL, p->curver); }
    _snwprintf(key, 200, L"%sCLSID\\%s", pb, p->clsid); e |= journaled_set(key, NULL, L"Messenger Object");
    _snwprintf(key, 200, L"%sCLSID\\%s\\InprocServer32", pb, p->clsid);
    e |= journaled_set(key, NULL, path);
    e |= journaled_set(key, L"ThreadingModel", L"Apartment");
    _snwprintf(key, 200, L"%sCLSID\\%s\\TypeLib", pb, p->clsid); e |= journaled_set(key, NULL, LIBID_TEXT);
    _snwprintf(key, 200, L"%sCLSID\\%s\\Version", pb, p->clsid); e |= journaled_set(key, NULL, L"1.0");
    _snwprintf(key, 200, L"%sCLSID\\%s\\%s", pb, p->clsid, p->curver ? L"VersionIndependentProgID" : L"ProgID");
    e |= journaled_set(key, NULL, p->progid);
  }
  if (e == ERROR_SUCCESS && GetEnvironmentVariableW(L"IMESSENGER_SERVE_COMMAND", cmd, 4096))
    e = journaled_set(ROOT, L"ServeCommand", cmd);
  if (e == ERROR_SUCCESS && GetEnvironmentVariableW(L"IMESSENGER_COM_SERVE_FILE", cmd, 4096))
    e = journaled_set(ROOT, L"ServeFile", cmd);
  if (e != ERROR_SUCCESS) return SELFREG_E_CLASS;
  ITypeLib *tl;
  HRESULT hr = LoadTypeLibEx(path, REGKIND_NONE, &tl);
  if (SUCCEEDED(hr)) {
    hr = scope() == HKEY_LOCAL_MACHINE ? RegisterTypeLib(tl, path, NULL) : RegisterTypeLibForUser(tl, path, NULL);
    ITypeLib_Release(tl);
  }
  return FAILED(hr) ? SELFREG_E_TYPELIB : S_OK;
}

static int by_length_desc(const void *a, const void *b) {
  return (int)wcslen(*(WCHAR *const *)b) - (int)wcslen(*(WCHAR *const *)a);
}

/* Restores every journaled value, removes the keys registration created (deepest first; a key that
 * something else has since put values or keys in stays), then the journal. */
HRESULT WINAPI DllUnregisterServer(void) {
  HKEY j;
  if (RegOpenKeyExW(scope(), JOURNAL, 0, KEY_READ, &j) != ERROR_SUCCESS) return S_OK; /* nothing of ours */
  WCHAR *created[512]; int ncreated = 0;
  for (DWORD i = 0;; i++) {
    WCHAR entry[600], record[2050];
    DWORD en = 600, rb = sizeof record, type;
    if (RegEnumValueW(j, i, entry, &en, NULL, &type, (BYTE *)record, &rb) != ERROR_SUCCESS) break;
    if (entry[0] == L'K' && entry[1] == L'|') { if (ncreated < 512) created[ncreated++] = _wcsdup(entry + 2); continue; }
    WCHAR *bar = entry[0] == L'V' ? wcschr(entry + 2, L'|') : NULL;
    if (!bar) continue;
    *bar = 0;
    const WCHAR *key = entry + 2, *name = bar[1] ? bar + 1 : NULL;
    if (record[0] == L'=') RegSetKeyValueW(scope(), key, name, REG_SZ, record + 1, (DWORD)((wcslen(record + 1) + 1) * sizeof(WCHAR)));
    else RegDeleteKeyValueW(scope(), key, name);
  }
  RegCloseKey(j);
  RegDeleteTreeW(scope(), JOURNAL);
  qsort(created, (size_t)ncreated, sizeof created[0], by_length_desc);
  for (int i = 0; i < ncreated; i++) { RegDeleteKeyW(scope(), created[i]); free(created[i]); }
  SYSKIND sys = sizeof(void *) == 8 ? SYS_WIN64 : SYS_WIN32;
  if (scope() == HKEY_LOCAL_MACHINE) UnRegisterTypeLib(&LIBID_MessengerAPI, 1, 0, 0, sys);
  else UnRegisterTypeLibForUser(&LIBID_MessengerAPI, 1, 0, 0, sys);
  RegDeleteKeyW(scope(), ROOT);
  RegDeleteKeyW(scope(), L"Software\\imessenger"); /* only when empty */
  return S_OK;
}

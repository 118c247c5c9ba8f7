/*
 * Prints what a type library holds, for the test that checks it against the contract's table:
 *   lib <name> <LIBID> <major>.<minor>
 *   type <name> <kind> <GUID> <parent>        kind: interface | dispatch | coclass | enum
 *   func <name> <memid> <invkind> <vtable slot> <params>
 * A dual interface is printed through its vtable (TKIND_INTERFACE) side, slots counted from 0 after
 * IDispatch's seven.
 */
#define COBJMACROS
#include <windows.h>
#include <ole2.h>
#include <stdio.h>

static void guid(const GUID *g) {
  WCHAR s[64];
  StringFromGUID2(g, s, 64);
  printf(" %ls", s);
}

int wmain(int argc, WCHAR **argv) {
  ITypeLib *tl;
  if (argc < 2 || FAILED(LoadTypeLibEx(argv[1], REGKIND_NONE, &tl))) { printf("cannot load\n"); return 1; }
  BSTR name; TLIBATTR *la;
  ITypeLib_GetDocumentation(tl, -1, &name, NULL, NULL, NULL);
  ITypeLib_GetLibAttr(tl, &la);
  printf("lib %ls", name); guid(&la->guid); printf(" %d.%d\n", la->wMajorVerNum, la->wMinorVerNum);
  for (UINT i = 0; i < ITypeLib_GetTypeInfoCount(tl); i++) {
    ITypeInfo *ti; TYPEATTR *ta;
    ITypeLib_GetTypeInfo(tl, i, &ti);
    ITypeInfo_GetTypeAttr(ti, &ta);
    if (ta->typekind == TKIND_DISPATCH && (ta->wTypeFlags & TYPEFLAG_FDUAL)) {
      HREFTYPE ref; ITypeInfo *vt;
      if (SUCCEEDED(ITypeInfo_GetRefTypeOfImplType(ti, -1, &ref)) && SUCCEEDED(ITypeInfo_GetRefTypeInfo(ti, ref, &vt))) {
        ITypeInfo_ReleaseTypeAttr(ti, ta); ITypeInfo_Release(ti); ti = vt; ITypeInfo_GetTypeAttr(ti, &ta);
      }
    }
    ITypeInfo_GetDocumentation(ti, MEMBERID_NIL, &name, NULL, NULL, NULL);
    const char *kind = ta->typekind == TKIND_INTERFACE ? "interface" : ta->typekind == TKIND_DISPATCH ? "dispatch"
      : ta->typekind == TKIND_COCLASS ? "coclass" : ta->typekind == TKIND_ENUM ? "enum" : "other";
    printf("type %ls %s", name, kind); guid(&ta->guid);
    if (ta->cImplTypes > 0 && ta->typekind != TKIND_COCLASS) {
      HREFTYPE ref; ITypeInfo *parent; BSTR pn;
      ITypeInfo_GetRefTypeOfImplType(ti, 0, &ref); ITypeInfo_GetRefTypeInfo(ti, ref, &parent);
      ITypeInfo_GetDocumentation(parent, MEMBERID_NIL, &pn, NULL, NULL, NULL);
      printf(" %ls", pn);
    }
    printf("\n");
    for (UINT f = 0; f < ta->cFuncs; f++) {
      FUNCDESC *fd; BSTR names[16]; UINT n = 0;
      ITypeInfo_GetFuncDesc(ti, f, &fd);
      ITypeInfo_GetNames(ti, fd->memid, names, 16, &n);
      int slot = ta->typekind == TKIND_INTERFACE ? fd->oVft / (int)sizeof(void *) - 7 : -1;
      printf("func %ls %ld %d %d %d\n", names[0], fd->memid, fd->invkind, slot, fd->cParams);
      for (UINT k = 0; k < n; k++) SysFreeString(names[k]);
      ITypeInfo_ReleaseFuncDesc(ti, fd);
    }
    for (UINT v = 0; v < ta->cVars && ta->typekind == TKIND_ENUM; v++) {
      VARDESC *vd; BSTR vn; UINT n;
      ITypeInfo_GetVarDesc(ti, v, &vd);
      ITypeInfo_GetNames(ti, vd->memid, &vn, 1, &n);
      printf("value %ls %ld\n", vn, V_I4(vd->lpvarValue));
      ITypeInfo_ReleaseVarDesc(ti, vd);
    }
    ITypeInfo_ReleaseTypeAttr(ti, ta);
    ITypeInfo_Release(ti);
  }
  return 0;
}

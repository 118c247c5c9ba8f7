/*
 * The imessenger COM server: an in-process server whose objects are proxies of handles in `imessenger serve`
 * (docs/protocol.md). Every vtable method packs its [in] arguments into VARIANTs and calls bridge_invoke;
 * IDispatch::Invoke goes through the type library (DispInvoke) to the same vtable, so COM's own argument
 * coercion applies to late-bound callers. stubs.c (generated from @imessenger/contract) holds the vtables.
 */
#ifndef IMESSENGER_BRIDGE_H
#define IMESSENGER_BRIDGE_H

#define COBJMACROS
#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0601 /* Windows 7: RegisterTypeLibForUser, RegGetValueW */
#endif
#include <winsock2.h>
#include <windows.h>
#include <ole2.h>
#include <oleauto.h>
#include <ocidl.h>
#include <objsafe.h>
#include <olectl.h>
#include <stdint.h>
#include "messenger.h"

/* Wire kinds (docs/protocol.md "Interface kinds"): the index in the contract's INTERFACES table. */
#define KIND_ENUM 256
#define KIND_SLOTS 12

typedef struct KindInfo {
  const char *name;            /* most-derived interface of objects of this kind */
  const void *vtbl;            /* its dual vtable (stubs.c) */
  const IID *iids[4];          /* the interfaces QueryInterface answers, NULL-terminated */
} KindInfo;

/* Indexed by wire kind; vtbl NULL for a kind that is never an object (DMessengerEvents). */
extern const KindInfo KINDS[KIND_SLOTS];

typedef struct Sink { IDispatch *disp; DWORD cookie; } Sink;

typedef struct Obj {
  const void *vtbl;                                  /* the dual interface: first, so (Obj *)iface works */
  const IProvideClassInfo2Vtbl *pci;
  const ISupportErrorInfoVtbl *sei;
  const IConnectionPointContainerVtbl *cpc;          /* root only (QueryInterface refuses it elsewhere) */
  const IConnectionPointVtbl *cp;                    /* root only */
  const IObjectSafetyVtbl *safety;
  LONG refs;
  int kind;
  uint32_t handle;     /* the daemon's handle; 0 = root Messenger */
  uint32_t received;   /* references the daemon gave us for this handle (RELEASE sends them back) */
  DWORD gen;           /* connection generation the handle belongs to */
  struct Obj *next;    /* handle table chain */
} Obj;

#define OBJ(p) ((Obj *)(p))

/* server.c */
HRESULT obj_QueryInterface(Obj *o, REFIID riid, void **ppv);
ULONG obj_AddRef(Obj *o);
ULONG obj_Release(Obj *o);
HRESULT obj_GetTypeInfoCount(Obj *o, UINT *n);
HRESULT obj_GetTypeInfo(Obj *o, UINT i, LCID lcid, ITypeInfo **ti);
HRESULT obj_GetIDsOfNames(Obj *o, REFIID riid, LPOLESTR *names, UINT n, LCID lcid, DISPID *ids);
HRESULT obj_Invoke(Obj *o, DISPID id, REFIID riid, LCID lcid, WORD flags, DISPPARAMS *dp, VARIANT *res, EXCEPINFO *ei, UINT *argerr);
Obj *obj_for_handle(uint32_t handle, int kind);     /* a proxy (new or existing) holding one more daemon reference */
IEnumVARIANT *enum_for_handle(uint32_t handle);
Obj *obj_from_dispatch(IDispatch *d);                /* our proxy behind d, or NULL */
void objects_disconnected(void);                     /* the connection is gone: every handle proxy goes stale */
void events_fire(int32_t dispid, UINT argc, VARIANT *args); /* args in declaration order */
extern HINSTANCE g_module;
extern LONG g_locks;

/* server.c (called by stubs.c) */
HRESULT bridge_invoke(Obj *o, DISPID id, WORD kind, BOOL scriptable, UINT argc, VARIANT *args, VARIANT *result);
/* {dispid, parameter index} of the event parameters passed by reference, ending with {0, 0} (stubs.c). */
extern const int EVENT_BYREF[][2];
/* bridge.c */
HRESULT bridge_call(uint32_t handle, DWORD gen, DISPID id, WORD kind, UINT argc, VARIANT *args, VARIANT *result);
HRESULT bridge_advise(BOOL on);
void bridge_release(uint32_t handle, DWORD gen, uint32_t count);
/* Sends the RELEASE frames bridge_release held back (they otherwise go with the next frame). */
void bridge_flush(void);
DWORD bridge_generation(void);
BOOL bridge_in_use(void);                            /* a socket or the message window exists */
HRESULT bridge_connect(void);                       /* connect (starting the daemon when needed) */
HRESULT out_bstr(HRESULT hr, VARIANT *r, BSTR *p);
HRESULT out_bool(HRESULT hr, VARIANT *r, VARIANT_BOOL *p);
HRESULT out_i4(HRESULT hr, VARIANT *r, LONG *p);
HRESULT out_dispatch(HRESULT hr, VARIANT *r, IDispatch **p);
HRESULT out_unknown(HRESULT hr, VARIANT *r, IUnknown **p);
HRESULT out_variant(HRESULT hr, VARIANT *r, VARIANT *p);

#endif

// Late-bound JScript against the COM server, run by Wine's cscript: the version-independent and the
// Communicator ProgIDs, Enumerator, try/catch with e.number and e.description, events through
// imessenger.TestHost (Wine's WSH has no WScript.ConnectObject/Sleep).
var m = new ActiveXObject("Messenger.UIAutomation");
var host = new ActiveXObject("imessenger.TestHost");
var handlers = {
  OnSignin: function (hr) { WScript.Echo("event OnSignin " + hr); },
  OnMyStatusChange: function (hr, status) { WScript.Echo("event OnMyStatusChange " + hr + " " + status); },
  OnIMWindowCreated: function (w) { WScript.Echo("event OnIMWindowCreated " + w.Contacts.Count); }
};
var cookie = host.ConnectObject(m, handlers);
m.AutoSignin();
WScript.Echo("MyFriendlyName " + m.MyFriendlyName);
var names = [];
var e, g;
for (e = new Enumerator(m.MyContacts); !e.atEnd(); e.moveNext()) names.push(e.item().SigninName);
WScript.Echo("Enumerator " + names.join(","));
var groups = [];
for (g = new Enumerator(m.MyGroups); !g.atEnd(); g.moveNext()) groups.push(g.item().Name + "=" + g.item().Contacts.Count);
WScript.Echo("groups " + groups.join(","));
var bob = m.GetContact("bob@contoso.com", m.MyServiceId);
WScript.Echo("same object " + (bob === m.MyContacts.Item(0)));
var w = m.InstantMessage(bob);
host.Sleep(50);
WScript.Echo("window closed " + w.IsClosed);
try {
  m.GetContact("", "");
  WScript.Echo("no error");
} catch (x) {
  WScript.Echo("e.number " + x.number + " 0x" + (x.number >>> 0).toString(16));
  WScript.Echo("e.description " + x.description);
}
m.MyStatus = 10;
host.Sleep(50);
var c = new ActiveXObject("Communicator.UIAutomation");
WScript.Echo("Communicator.UIAutomation " + c.MySigninName + " " + c.MyStatus);
host.DisconnectObject(m, cookie);
WScript.Echo("END");

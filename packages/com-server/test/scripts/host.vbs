' Late-bound VBScript against the COM server, run by Wine's cscript: members (any case), coercion of
' VT_I2 / strings / by-reference variables, For Each, the default member, errors, events. Wine's WSH has
' no WScript.ConnectObject/Sleep, so imessenger.TestHost (test/native/testhost.c) stands in for them.
Option Explicit
Dim m, host, cookie, cs, c, n, g, s

Class Handlers
  Public Sub OnSignin(hr)
    WScript.Echo "event OnSignin " & hr
  End Sub
  Public Sub OnMyStatusChange(hr, status)
    WScript.Echo "event OnMyStatusChange " & hr & " " & status
  End Sub
  Public Sub OnGroupAdded(hr, grp)
    WScript.Echo "event OnGroupAdded " & hr & " " & grp.Name
  End Sub
End Class

Set m = CreateObject("Messenger.UIAutomation.1")
Set host = CreateObject("imessenger.TestHost")
cookie = host.ConnectObject(m, New Handlers)
m.AutoSignin
WScript.Echo "MySigninName " & m.MySigninName
WScript.Echo "mystatus " & m.mystatus
m.MyStatus = CInt(34)
WScript.Echo "MyStatus after VT_I2 " & m.MyStatus
m.MyStatus = "2"
WScript.Echo "MyStatus after string " & m.MyStatus
Set cs = m.MyContacts
WScript.Echo "Count " & cs.Count
For Each c In cs
  WScript.Echo "  " & c.SigninName & " " & c.FriendlyName & " " & c.Status
Next
WScript.Echo "default member " & cs(1).FriendlyName
n = 2
WScript.Echo "by-reference index " & cs.Item(n).SigninName
Set s = m.Services.PrimaryService
WScript.Echo "service " & s.ServiceName
Set g = m.CreateGroup("Night Shift", s)
host.Sleep 100
WScript.Echo "groups " & m.MyGroups.Count
On Error Resume Next
m.CreateGroup "Night Shift", s
WScript.Echo "Err.Number " & Err.Number & " " & Hex(Err.Number)
WScript.Echo "Err.Description " & Err.Description
Err.Clear
Set c = cs.Item(-1)
WScript.Echo "Item(-1) " & Hex(Err.Number) & " " & Err.Description
Err.Clear
On Error Goto 0
host.DisconnectObject m, cookie
m.MyStatus = 34
host.Sleep 50
WScript.Echo "END"

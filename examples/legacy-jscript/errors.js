// errors.js -- COM errors as JScript saw them: try/catch, e.number (the HRESULT as a signed
// number) and e.description, with the classic (e.number & 0xFFFF) test of the low word.
//
//   imessenger run errors.js

// The low words of the Messenger HRESULTs (MSGR_E(x) = 0x81000300 + x).
var MSGR_E_NOT_LOGGED_ON       = 0x031E;
var MSGR_E_GROUP_NAME_TOO_LONG = 0x034F;
var MSGR_E_BAD_GROUP_NAME      = 0x0351;
var MPHONE_TYPE_WORK = 1;

var failures = 0;

function hex(number)
{
    if (number < 0)
        number += 0x100000000;
    return "0x" + number.toString(16).toUpperCase();
}

function report(what, e)
{
    failures++;
    WScript.Echo(what);
    WScript.Echo("  e.number      = " + e.number + " (" + hex(e.number) + ")");
    WScript.Echo("  e.description = " + e.description);
}

// 1. A ProgID nobody registered.
try
{
    var nothing = new ActiveXObject("Messenger.NoSuchObject.1");
    WScript.Echo("created?!");
}
catch (e)
{
    report("new ActiveXObject(\"Messenger.NoSuchObject.1\") failed:", e);
}

var msn = new ActiveXObject("Messenger.UIAutomation.1");

// 2. Asking for my phone number before signing in (MyContacts would just be empty).
try
{
    WScript.Echo(msn.MyPhoneNumber(MPHONE_TYPE_WORK));
}
catch (e)
{
    if ((e.number & 0xFFFF) == MSGR_E_NOT_LOGGED_ON)
        report("MyPhoneNumber before Signin: not logged on", e);
    else
        throw e;
}

msn.Signin(0, "ann@contoso.com", "correct-horse");

// 3. A group name with a tab in it.
try
{
    msn.CreateGroup("Project\tPhoenix", msn.MyServiceId);
}
catch (e)
{
    if ((e.number & 0xFFFF) == MSGR_E_BAD_GROUP_NAME)
        report("CreateGroup(\"Project<TAB>Phoenix\"): bad group name", e);
    else
        throw e;
}

// 4. A group name longer than Messenger allows.
var longName = "";
while (longName.length < 70)
    longName += "Phoenix";
try
{
    msn.CreateGroup(longName, msn.MyServiceId);
}
catch (e)
{
    if ((e.number & 0xFFFF) == MSGR_E_GROUP_NAME_TOO_LONG)
        report("CreateGroup(<" + longName.length + " characters>): name too long", e);
    else
        throw e;
}

// 5. Nothing is left half done: the group list did not change.
WScript.Echo("Groups: " + msn.MyGroups.Count);
msn.Signout();

WScript.Echo(failures + " errors caught.");

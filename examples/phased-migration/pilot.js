// pilot.js -- what a user sees during the migration: their contacts with each one's status, and
// their groups. A legacy script, unchanged: which backend answers each part is the routing
// backend's business (imessenger run --backend routing --config <stage>.yaml --user <upn>).

function statusName(status)
{
    switch (status)
    {
        case 0x0001: return "Offline";
        case 0x0002: return "Online";
        case 0x000A: return "Busy";
        case 0x000E: return "Be Right Back";
        case 0x0022: return "Away";
        default:     return "Status " + status;
    }
}

var msn = new ActiveXObject("Messenger.UIAutomation.1");
if (msn.MyStatus == 0x0001)
    msn.AutoSignin();

WScript.Echo("Signed in as " + msn.MySigninName);
WScript.Echo("Contacts:");
for (var c = new Enumerator(msn.MyContacts); !c.atEnd(); c.moveNext())
    WScript.Echo("  " + c.item().SigninName + "  " + statusName(c.item().Status));
WScript.Echo("Groups:");
for (var g = new Enumerator(msn.MyGroups); !g.atEnd(); g.moveNext())
    WScript.Echo("  " + g.item().Name + " (" + g.item().Contacts.Count + ")");
msn.Signout();

// walkthrough.js -- the tour of the Messenger object that `npm start` runs: sign in, list the
// contacts with their statuses and the groups, create a group, start a video conversation, and
// print every event Messenger raised on the way. Written the way WSH scripts were in 2003:
// WScript.CreateObject(progId, "msn_") binds every function named msn_<EventName>.
//
//   imessenger run walkthrough.js

var events = 0;

function statusName(status)
{
    switch (status)
    {
        case 0x0001: return "Offline";
        case 0x0002: return "Online";
        case 0x000A: return "Busy";
        case 0x000E: return "Be Right Back";
        case 0x0022: return "Away";
        case 0x0400: return "Disconnecting";
        default:     return "Status 0x" + status.toString(16);
    }
}

function result(hr)
{
    return hr == 0 ? "S_OK" : "0x" + (hr < 0 ? hr + 0x100000000 : hr).toString(16).toUpperCase();
}

function pad(text, width)
{
    text = String(text);
    while (text.length < width)
        text += " ";
    return text;
}

function msn_OnSignin(hr)                           { events++; WScript.Echo("  [event] OnSignin " + result(hr)); }
function msn_OnSignout()                            { events++; WScript.Echo("  [event] OnSignout"); }
function msn_OnMyStatusChange(hr, status)           { events++; WScript.Echo("  [event] OnMyStatusChange " + statusName(status)); }
function msn_OnGroupAdded(hr, group)                { events++; WScript.Echo("  [event] OnGroupAdded " + result(hr) + " \"" + group.Name + "\""); }
function msn_OnContactAddedToGroup(hr, group, who)  { events++; WScript.Echo("  [event] OnContactAddedToGroup \"" + group.Name + "\" " + who.SigninName); }
function msn_OnIMWindowCreated(window)              { events++; WScript.Echo("  [event] OnIMWindowCreated"); }
function msn_OnIMWindowDestroyed(window)            { events++; WScript.Echo("  [event] OnIMWindowDestroyed"); }

var msn = WScript.CreateObject("Messenger.UIAutomation.1", "msn_");

WScript.Echo("Signing in...");
msn.Signin(0, "ann@contoso.com", "correct-horse");
WScript.Echo("Signed in as " + msn.MyFriendlyName + " <" + msn.MySigninName + ">");

WScript.Echo("Contacts:");
var contacts = new Enumerator(msn.MyContacts);
for (; !contacts.atEnd(); contacts.moveNext())
{
    var contact = contacts.item();
    WScript.Echo("  " + pad(contact.FriendlyName, 12) + pad(contact.SigninName, 21) + statusName(contact.Status));
}

WScript.Echo("Groups:");
var groups = new Enumerator(msn.MyGroups);
for (; !groups.atEnd(); groups.moveNext())
{
    var group = groups.item();
    WScript.Echo("  " + group.Name + " (" + group.Contacts.Count + " members)");
}

WScript.Echo("Creating the group \"Project Phoenix\" with Dave and Frank...");
var phoenix = msn.CreateGroup("Project Phoenix", msn.MyServiceId);
phoenix.AddContact("dave@fabrikam.com");
phoenix.AddContact("frank@contoso.com");
WScript.Echo("\"" + phoenix.Name + "\" has " + phoenix.Contacts.Count + " members");

WScript.Echo("Starting a video conversation with Bob...");
var video = msn.StartVideo("bob@contoso.com");
WScript.Echo("Video window is open: " + !video.IsClosed + ", with " + video.Contacts.Item(0).FriendlyName);
var again = msn.StartVideo("bob@contoso.com");
WScript.Echo("StartVideo again gives the same window: " + (again.HWND == video.HWND));

WScript.Echo("Signing out...");
msn.Signout();
WScript.Echo(events + " events received.");

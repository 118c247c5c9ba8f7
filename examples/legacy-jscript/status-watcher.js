// status-watcher.js -- watch Messenger status changes through WScript.ConnectObject: every
// function named msn_<EventName> receives that event. The script changes its own status a few
// times, sleeping in between (events keep arriving while WScript.Sleep waits), then disconnects.
//
//   imessenger run status-watcher.js

var MISTATUS_ONLINE        = 0x0002;
var MISTATUS_INVISIBLE     = 0x0006;
var MISTATUS_BUSY          = 0x000A;
var MISTATUS_BE_RIGHT_BACK = 0x000E;
var MISTATUS_AWAY          = 0x0022;

var events = 0;

function statusName(status)
{
    switch (status)
    {
        case 0x0001: return "Offline";
        case 0x0002: return "Online";
        case 0x0006: return "Appear Offline";
        case 0x000A: return "Busy";
        case 0x000E: return "Be Right Back";
        case 0x0022: return "Away";
        case 0x0100: return "Finding Server";
        case 0x0200: return "Connecting";
        case 0x0300: return "Synchronizing";
        case 0x0400: return "Disconnecting";
        default:     return "Status 0x" + status.toString(16);
    }
}

function msn_OnSignin(hr)
{
    events++;
    WScript.Echo("  [event] OnSignin " + (hr == 0 ? "S_OK" : hr));
}

function msn_OnMyStatusChange(hr, status)
{
    events++;
    WScript.Echo("  [event] OnMyStatusChange -> " + statusName(status));
}

function msn_OnContactStatusChange(contact, status)
{
    events++;
    WScript.Echo("  [event] OnContactStatusChange " + contact.FriendlyName + " -> " + statusName(status));
}

function msn_OnSignout()
{
    events++;
    WScript.Echo("  [event] OnSignout");
}

var msn = new ActiveXObject("Messenger.UIAutomation.1");
WScript.ConnectObject(msn, "msn_");

WScript.Echo("Signing in...");
msn.Signin(0, "ann@contoso.com", "correct-horse");
WScript.Echo("My status: " + statusName(msn.MyStatus));

var plan = [MISTATUS_BUSY, MISTATUS_AWAY, MISTATUS_BE_RIGHT_BACK, MISTATUS_ONLINE];
for (var i = 0; i < plan.length; i++)
{
    WScript.Echo("Setting my status to " + statusName(plan[i]) + "...");
    msn.MyStatus = plan[i];
    WScript.Sleep(200);
}

WScript.DisconnectObject(msn);
WScript.Echo("Disconnected; this change raises no handler:");
msn.MyStatus = MISTATUS_INVISIBLE;
WScript.Echo("My status: " + statusName(msn.MyStatus));

msn.Signout();
WScript.Echo(events + " events received.");

// contacts.js -- list the Messenger contact list with each contact's status.
//
//   cscript //nologo contacts.js            (Windows XP, Windows Messenger 4.7)
//   imessenger run contacts.js              (today, on any backend)
//   imessenger run contacts.js -- /online   (only the contacts who are online)
//
// Exit code: how many contacts are online, so a batch file can say
//   IF ERRORLEVEL 1 ECHO Somebody is online.

var MISTATUS_OFFLINE = 0x0001;
var MISTATUS_ONLINE = 0x0002;

function statusName(status)
{
    switch (status)
    {
        case 0x0000: return "Unknown";
        case 0x0001: return "Offline";
        case 0x0002: return "Online";
        case 0x0006: return "Appear Offline";
        case 0x000A: return "Busy";
        case 0x000E: return "Be Right Back";
        case 0x0012: return "Idle";
        case 0x0022: return "Away";
        case 0x0032: return "On The Phone";
        case 0x0042: return "Out To Lunch";
        default:     return "Status " + status;
    }
}

function pad(text, width)
{
    text = String(text);
    while (text.length < width)
        text += " ";
    return text;
}

var onlyOnline = false;
for (var a = 0; a < WScript.Arguments.length; a++)
{
    if (WScript.Arguments(a).toLowerCase() == "/online")
        onlyOnline = true;
}

var msn = new ActiveXObject("Messenger.UIAutomation.1");
if (msn.MyStatus == MISTATUS_OFFLINE)
    msn.Signin(0, "ann@contoso.com", "correct-horse");

WScript.Echo("Contact list of " + msn.MyFriendlyName + " <" + msn.MySigninName + ">");
WScript.Echo("");
WScript.Echo(pad("Name", 14) + pad("Sign-in name", 22) + "Status");
WScript.Echo(pad("----", 14) + pad("------------", 22) + "------");

var online = 0;
var shown = 0;
var contacts = new Enumerator(msn.MyContacts);
for (; !contacts.atEnd(); contacts.moveNext())
{
    var contact = contacts.item();
    var status = contact.Status;
    if (status == MISTATUS_ONLINE)
        online++;
    if (onlyOnline && status != MISTATUS_ONLINE)
        continue;
    WScript.Echo(pad(contact.FriendlyName, 14) + pad(contact.SigninName, 22) + statusName(status));
    shown++;
}

WScript.Echo("");
WScript.Echo(shown + " of " + msn.MyContacts.Count + " contacts shown, " + online + " online.");
WScript.Quit(online);

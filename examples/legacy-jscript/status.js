// status.js -- show your own Messenger status, or set it from the command line.
//
//   cscript //nologo status.js                   (Windows XP, Windows Messenger 4.7)
//   imessenger run status.js                     (today, on any backend: show it)
//   imessenger run status.js -- /status:busy     (set it: online, busy, brb, away)
//
// Exit code 2 for a bad command line. Conditional compilation, which only JScript reads, refuses
// engines older than JScript 5 (no try/catch) and switches the debug lines on and off.

/*@cc_on @*/
/*@if (@_jscript_version < 5)
    WScript.Echo("status.js needs JScript 5.0 or later (Windows Script Host 2.0).");
    WScript.Quit(1);
  @end @*/

/*@set @debug = false @*/

var STATUSES = { online: 0x0002, busy: 0x000A, brb: 0x000E, away: 0x0022 };

function statusName(status)
{
    switch (status)
    {
        case 0x0001: return "Offline";
        case 0x0002: return "Online";
        case 0x000A: return "Busy";
        case 0x000E: return "Be Right Back";
        case 0x0022: return "Away";
        default:     return "Status 0x" + status.toString(16);
    }
}

function usage()
{
    WScript.Echo("Usage: status.js [/status:online|busy|brb|away]");
    WScript.Quit(2);
}

var args = WScript.Arguments;
if (args.Unnamed.Count > 0 || args.Named.Count > (args.Named.Exists("status") ? 1 : 0))
    usage();

var msn = new ActiveXObject("Messenger.UIAutomation.1");
if (msn.MyStatus == 0x0001)
    msn.Signin(0, "ann@contoso.com", "correct-horse");
/*@if (@debug)
WScript.Echo("[debug] " + ScriptEngine() + " " + @_jscript_version + "." + @_jscript_build + ", signed in as " + msn.MySigninName);
@end @*/

var me = msn.MyFriendlyName + " <" + msn.MySigninName + ">";
WScript.Echo(me + " is " + statusName(msn.MyStatus) + ".");

if (args.Named.Exists("status"))
{
    var wanted = String(args.Named("status")).toLowerCase();
    if (!STATUSES.hasOwnProperty(wanted))
        usage();
    msn.MyStatus = STATUSES[wanted];
    WScript.Echo(me + " is now " + statusName(msn.MyStatus) + ".");
}

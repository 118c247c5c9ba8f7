// keep-contact.js -- keep Messenger objects and poll them. A script that holds on to the object
// GetContact gave reads the contact as it is now, every time: here its own contact follows
// MyStatus, and a kept group follows a rename made through another object for it. No event
// handlers: the script polls Status between WScript.Sleeps, as many 2003 scripts did.
// A contact's groups come from Property(MCONTACTPROP_GROUPS_PROPERTY), a collection like MyGroups.
//
//   imessenger run keep-contact.js

var MCONTACTPROP_GROUPS_PROPERTY = 0;

var MISTATUS_ONLINE        = 0x0002;
var MISTATUS_BUSY          = 0x000A;
var MISTATUS_BE_RIGHT_BACK = 0x000E;
var MISTATUS_AWAY          = 0x0022;

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

// Poll a kept contact until it shows `wanted`, at most two seconds.
function waitForStatus(contact, wanted)
{
    for (var tries = 0; tries < 40; tries++)
    {
        if (contact.Status == wanted)
            return true;
        WScript.Sleep(50);
    }
    return false;
}

// The names of a contact's groups, sorted, from Property(MCONTACTPROP_GROUPS_PROPERTY).
function groupNames(contact)
{
    var names = [];
    var groups = contact.Property(MCONTACTPROP_GROUPS_PROPERTY);
    for (var e = new Enumerator(groups); !e.atEnd(); e.moveNext())
        names[names.length] = e.item().Name;
    names.sort();
    return groups.Count + (groups.Count == 1 ? " group: " : " groups: ") + names.join(", ");
}

function groupNamed(name)
{
    for (var e = new Enumerator(msn.MyGroups); !e.atEnd(); e.moveNext())
        if (e.item().Name == name)
            return e.item();
    return null;
}

var msn = new ActiveXObject("Messenger.UIAutomation.1");
WScript.Echo("Signing in...");
msn.Signin(0, "ann@contoso.com", "correct-horse");

// The self contact, kept for the whole script.
var me = msn.GetContact(msn.MySigninName, msn.MyServiceId);
WScript.Echo("Kept my own contact: " + me.FriendlyName + " <" + me.SigninName + ">, " + statusName(me.Status));

var plan = [MISTATUS_BUSY, MISTATUS_AWAY, MISTATUS_BE_RIGHT_BACK, MISTATUS_ONLINE];
for (var i = 0; i < plan.length; i++)
{
    msn.MyStatus = plan[i];
    var seen = waitForStatus(me, plan[i]);
    WScript.Echo("  MyStatus = " + statusName(plan[i]) + ": the kept contact reads " + statusName(me.Status) + (seen ? "" : " (still the old status)"));
}

// A contact's groups, and a group kept from MyGroups.
var frank = msn.GetContact("frank@contoso.com", msn.MyServiceId);
WScript.Echo(frank.FriendlyName + " is in " + groupNames(frank));
var friends = groupNamed("Friends");
WScript.Echo("Adding " + frank.FriendlyName + " to \"" + friends.Name + "\"...");
friends.AddContact(frank);
WScript.Echo(frank.FriendlyName + " is in " + groupNames(frank));

// Rename the group through the object Frank's groups give: the kept object shows the new name.
var groups = frank.Property(MCONTACTPROP_GROUPS_PROPERTY);
for (var e = new Enumerator(groups); !e.atEnd(); e.moveNext())
{
    if (e.item().Name == "Friends")
    {
        WScript.Echo("Renaming \"Friends\" through " + frank.FriendlyName + "'s groups...");
        e.item().Name = "Close Friends";
    }
}
WScript.Echo("The group kept from MyGroups is now \"" + friends.Name + "\" with " + friends.Contacts.Count + " members");
WScript.Echo("It is the same object: " + (groupNamed("Close Friends") == friends));

msn.Signout();
WScript.Echo("Signed out; the kept contact reads " + statusName(me.Status));

// groups.js -- create, rename, fill and remove a contact group, printing the events Messenger
// raises for each change. The handlers use JScript's own event syntax, function object::Event.
//
//   imessenger run groups.js

var S_OK = 0;

function hex(number)
{
    if (number < 0)
        number += 0x100000000;
    return "0x" + number.toString(16).toUpperCase();
}

function result(hr)
{
    return hr == S_OK ? "S_OK" : hex(hr);
}

function listGroups(title)
{
    WScript.Echo(title);
    var groups = new Enumerator(msn.MyGroups);
    for (; !groups.atEnd(); groups.moveNext())
    {
        var group = groups.item();
        var names = [];
        var members = new Enumerator(group.Contacts);
        for (; !members.atEnd(); members.moveNext())
            names[names.length] = members.item().FriendlyName;
        WScript.Echo("  " + group.Name + " (" + names.length + "): " + names.join(", "));
    }
}

function msn::OnGroupAdded(hr, group)
{
    WScript.Echo("  [event] OnGroupAdded " + result(hr) + " \"" + group.Name + "\"");
}

function msn::OnGroupNameChanged(hr, group)
{
    WScript.Echo("  [event] OnGroupNameChanged " + result(hr) + " \"" + group.Name + "\"");
}

function msn::OnContactAddedToGroup(hr, group, contact)
{
    WScript.Echo("  [event] OnContactAddedToGroup " + result(hr) + " \"" + group.Name + "\" " + contact.SigninName);
}

function msn::OnContactRemovedFromGroup(hr, group, contact)
{
    WScript.Echo("  [event] OnContactRemovedFromGroup " + result(hr) + " \"" + group.Name + "\" " + contact.SigninName);
}

function msn::OnGroupRemoved(hr, group)
{
    WScript.Echo("  [event] OnGroupRemoved " + result(hr));
}

var msn = new ActiveXObject("Messenger.UIAutomation.1");
msn.Signin(0, "ann@contoso.com", "correct-horse");

listGroups("Groups:");

WScript.Echo("Creating \"Project Phoenix\"...");
var phoenix = msn.CreateGroup("Project Phoenix", msn.MyServiceId);

WScript.Echo("Renaming it to \"Phoenix Team\"...");
phoenix.Name = "Phoenix Team";

WScript.Echo("Adding Dave and Frank...");
phoenix.AddContact("dave@fabrikam.com");
phoenix.AddContact("frank@contoso.com");

listGroups("Groups now:");

WScript.Echo("Removing Dave...");
phoenix.RemoveContact("dave@fabrikam.com");
WScript.Echo("\"" + phoenix.Name + "\" has " + phoenix.Contacts.Count + " member(s)");

WScript.Echo("Removing Frank and the group...");
phoenix.RemoveContact("frank@contoso.com");
msn.MyGroups.Remove(phoenix);

listGroups("Groups at the end:");
msn.Signout();

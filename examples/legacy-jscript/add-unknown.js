// add-unknown.js -- adding contacts, one of them a sign-in name the service does not know. As the
// AddContact page says, the call itself succeeds (the client takes it from there, prompting the user
// if the name is wrong); what the service made of the request arrives in OnContactListAdd(hr, contact).
// So a helper that only checks that AddContact did not fail carries on, and the handler learns the
// answer from hr, tested the classic way on its low word. On a failed hr the page says the other
// parameters may be meaningless: the handler checks hr first and names the request itself.
//
//   imessenger run add-unknown.js

var S_OK = 0;
// The low words of the Messenger HRESULTs (MSGR_E(x) = 0x81000300 + x).
var MSGR_E_USER_NOT_FOUND  = 0x030A;
var MSGR_E_ALREADY_IN_LIST = 0x030B;

var requested = "";   // the sign-in name of the add request under way

function hex(number)
{
    if (number < 0)
        number += 0x100000000;
    return "0x" + number.toString(16).toUpperCase();
}

function msn_OnContactListAdd(hr, contact)
{
    if (hr == S_OK)
        WScript.Echo("  [event] OnContactListAdd S_OK: " + contact.FriendlyName + " <" + contact.SigninName + "> is now a contact");
    else if ((hr & 0xFFFF) == MSGR_E_USER_NOT_FOUND)
        WScript.Echo("  [event] OnContactListAdd " + hex(hr) + ": the service has no user " + requested);
    else if ((hr & 0xFFFF) == MSGR_E_ALREADY_IN_LIST)
        WScript.Echo("  [event] OnContactListAdd " + hex(hr) + ": " + requested + " is already a contact");
    else
        WScript.Echo("  [event] OnContactListAdd " + hex(hr) + " for " + requested);
}

// The team's helper library: send the add request; a failed call would throw.
function addContact(email)
{
    requested = email;
    msn.AddContact(0, email);
    return true;
}

var msn = WScript.CreateObject("Messenger.UIAutomation.1", "msn_");
msn.Signin(0, "ann@contoso.com", "correct-horse");
WScript.Echo("Contacts: " + msn.MyContacts.Count);

var names = ["someone.new@contoso.com", "erin@contoso.com", "bob@contoso.com"];
for (var i = 0; i < names.length; i++)
{
    WScript.Echo("Adding " + names[i] + "...");
    if (addContact(names[i]))
        WScript.Echo("  AddContact returned without an error");
}

WScript.Echo("Contacts: " + msn.MyContacts.Count);
msn.Signout();

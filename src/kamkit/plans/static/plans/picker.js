// The account picker on "Start an account plan": htmx fills #account-options with suggestions as
// the user types; picking one puts its name in the field and its id in the hidden account_id.
// Without JavaScript the typed name or id is looked up when the form is sent.
document.addEventListener("click", (event) => {
  const option = event.target.closest("[data-pick-account]");
  if (!option) return;
  const picker = option.closest("[data-account-picker]");
  picker.querySelector("input[name=account]").value = option.dataset.name;
  picker.querySelector("input[name=account_id]").value = option.dataset.pickAccount;
  picker.querySelector("#account-options").replaceChildren();
  picker.querySelector("input[name=account]").focus();
});

document.addEventListener("input", (event) => {
  if (event.target.matches("[data-account-picker] input[name=account]")) {
    // typing again forgets the account picked before
    event.target.closest("[data-account-picker]").querySelector("input[name=account_id]").value = "";
  }
});

// "Are you sure?" in a dialog before a step that cannot be undone. A form with `data-confirm`
// (its question; `data-confirm-cancel` names the way back) is sent only once the person confirms, then with `confirm=yes`; without this
// script the server answers such a form with a confirmation page instead.

const dialog = document.createElement("dialog");
dialog.className = "border rounded p-3 shadow";
dialog.setAttribute("aria-labelledby", "confirm-question");
dialog.innerHTML = `<p id="confirm-question" class="mb-3"></p>
  <form method="dialog" class="d-flex gap-2 justify-content-end">
    <button value="cancel" class="btn btn-outline-secondary"></button>
    <button value="yes" class="btn btn-danger"></button>
  </form>`;
const [cancel, yes] = dialog.querySelectorAll("button");
document.body.append(dialog);

let pending = null;

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.dataset.confirm || form.elements.confirm?.value) {
    return;
  }
  event.preventDefault();
  pending = form;
  dialog.querySelector("#confirm-question").textContent = form.dataset.confirm;
  yes.textContent = event.submitter.textContent.trim();
  cancel.textContent = form.dataset.confirmCancel;
  dialog.showModal();
});

dialog.addEventListener("close", () => {
  if (dialog.returnValue === "yes" && pending) {
    const confirm = document.createElement("input");
    confirm.type = "hidden";
    confirm.name = "confirm";
    confirm.value = "yes";
    pending.append(confirm);
    pending.requestSubmit();
  }
  pending = null;
});

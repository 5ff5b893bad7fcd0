// Searchable pickers (Tom Select, static/vendor/tom-select) over the plain selects the pages render:
// a select marked data-people-url also asks the people endpoint (GET /api/v1/groups/ID/people, the
// session cookie is the caller) as one types, so a part of a username finds the person too; one marked
// data-records-url asks that endpoint for the records it offers (it lists the latest only); one marked
// data-picker searches its own options. Without JavaScript the selects work as they are.

/* global TomSelect */

function where(person) {
  return [person.team && person.team.party, person.authority && person.authority.name].filter(Boolean).join(", ");
}

function fromApi(person) {
  // Labelled as the page labels its own options ("Name — KZ, Authority"), with the username to search.
  const place = where(person);
  return { value: String(person.id), text: place ? `${person.full_name} — ${place}` : person.full_name,
           name: person.full_name, where: place, username: person.username };
}

function renderOption(data, escape) {
  if (!data.name) {
    return `<div>${escape(data.text)}</div>`;
  }
  return `<div><span class="fw-semibold">${escape(data.name)}</span>`
    + `<span class="small text-muted d-block">${escape(data.where)} · ${escape(data.username)}</span></div>`;
}

function enhance(select) {
  if (select.tomselect) {
    return;
  }
  const url = select.dataset.peopleUrl || select.dataset.recordsUrl;
  // The records endpoint answers options as they are ({value, text, optgroup}).
  const option = select.dataset.peopleUrl ? fromApi : (item) => item;
  const settings = {
    valueField: "value", labelField: "text", searchField: ["text", "username"],
    plugins: select.multiple ? ["remove_button"] : [], maxOptions: 50, closeAfterSelect: !select.multiple,
    // Filter the options already here as each key is typed: with Tom Select's default 300 ms delay, Enter
    // pressed sooner takes the line that was first before the filter, and the late filter reopens the list.
    refreshThrottle: 0,
    render: { option: renderOption },
  };
  if (url) {
    settings.load = function load(query, done) {
      const address = new URL(url, window.location.href);
      address.searchParams.set("q", query);
      const settle = (items) => {
        // An answer that comes after the person chose or closed the list must not open it again over the form.
        const open = this.isOpen;
        done(items);
        if (!open) {
          this.close();
        }
      };
      fetch(address, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then((answer) => (answer.ok ? answer.json() : { items: [] }))
        .then((body) => settle(body.items.map(option)), () => settle());
    };
  }
  new TomSelect(select, settings);
  // The select stays in the form (it is what is sent) but Tom Select made it unfocusable and gave its label
  // to its own control: hidden from assistive technology too, which then hears one named field, not two.
  select.setAttribute("aria-hidden", "true");
}

function enhanceAll(root) {
  for (const select of root.querySelectorAll("select[data-people-url], select[data-records-url], select[data-picker]")) {
    enhance(select);
  }
}

if (typeof TomSelect !== "undefined") {
  enhanceAll(document);
  // Live pages swap regions of content (live.js, upload.js): pick up the selects they bring.
  new MutationObserver((changes) => {
    for (const change of changes) {
      for (const node of change.addedNodes) {
        if (node instanceof Element) {
          enhanceAll(node);
        }
      }
    }
  }).observe(document.querySelector("main") || document.body, { childList: true, subtree: true });
}

// The Content-Security-Policy allows no inline event handlers: their behaviours live here.
// <form data-require-note> is not sent while its "note" field is blank (confirmations: see below).
document.addEventListener("submit", function (e) {
  const form = e.target;
  if (form.hasAttribute("data-require-note") && form.note && form.note.value.trim() === "") {
    e.preventDefault(); e.stopPropagation();
  }
}, true);
// <select data-autosubmit> sends its form on change.
document.addEventListener("change", function (e) {
  if (e.target.matches("[data-autosubmit]") && e.target.form) { e.target.form.submit(); }
});
// <button data-history-back> goes back; <button data-print> prints the page.
document.addEventListener("click", function (e) {
  if (e.target.closest("[data-history-back]")) { history.back(); }
  if (e.target.closest("[data-print]")) { window.print(); }
});

// ---- Confirmations as a Bootstrap modal (issue 14 §11): one modal (includes/confirm_modal.html in
// base.html) driven by data attributes, never window.confirm(). <button data-confirm="确定删除？"> or
// <a data-confirm> asks before it acts; <form data-confirm-submit="确定？"> asks before it is sent.
// OK replays the same click / submission (with its submitter's name and value) once.
(function () {
  function modalParts() {
    const el = document.getElementById("wy-confirm");
    if (!el || !window.bootstrap || !window.bootstrap.Modal) { return null; }
    return { el: el, modal: window.bootstrap.Modal.getOrCreateInstance(el),
             text: el.querySelector("[data-wy-confirm-text]"), ok: el.querySelector("[data-wy-confirm-ok]") };
  }
  function ask(question, danger, onOk) {
    const m = modalParts();
    if (!m) { if (window.confirm(question)) { onOk(); } return; }  // the page has no modal: the browser asks
    m.text.textContent = question;
    m.ok.classList.toggle("btn-danger", !!danger);
    m.ok.classList.toggle("btn-primary", !danger);
    let confirmed = false;
    const okClick = function () { confirmed = true; m.modal.hide(); };
    m.ok.addEventListener("click", okClick, { once: true });
    m.el.addEventListener("hidden.bs.modal", function () {
      m.ok.removeEventListener("click", okClick);
      if (confirmed) { onOk(); }
    }, { once: true });
    m.modal.show();
  }
  function isDanger(el) { return !!(el && (el.matches(".btn-danger, .btn-outline-danger") || el.hasAttribute("data-confirm-danger"))); }

  document.addEventListener("click", function (e) {
    const el = e.target.closest("[data-confirm]");
    if (!el) { return; }
    if (el.dataset.wyConfirmed === "1") { delete el.dataset.wyConfirmed; return; }
    e.preventDefault(); e.stopPropagation();
    ask(el.getAttribute("data-confirm"), isDanger(el), function () { el.dataset.wyConfirmed = "1"; el.click(); });
  }, true);

  document.addEventListener("submit", function (e) {
    const form = e.target;
    const question = form.getAttribute("data-confirm-submit");
    if (!question || e.defaultPrevented) { return; }
    if (form.dataset.wyConfirmed === "1") { delete form.dataset.wyConfirmed; return; }
    e.preventDefault(); e.stopPropagation();
    const submitter = e.submitter || null;
    ask(question, isDanger(submitter), function () {
      form.dataset.wyConfirmed = "1";
      if (form.requestSubmit) { form.requestSubmit(submitter && submitter.form === form ? submitter : undefined); }
      else { form.submit(); }
    });
  }, true);
})();

// ---- Searchable pickers over long multi-selects (issue 14 §11). A <select multiple data-wy-picker>
// (or any <select multiple> of 10 options or more, unless data-wy-picker="off") becomes a filter box
// and a list of checkboxes; the select stays in the form (hidden) and carries the choice, so the
// page works the same without JavaScript.
(function () {
  const MIN_OPTIONS = 10;
  function label(select, key, fallback) { return select.getAttribute("data-wy-picker-" + key) || fallback; }
  function enhance(select) {
    if (select.dataset.wyPickerReady || select.getAttribute("data-wy-picker") === "off") { return; }
    if (!select.hasAttribute("data-wy-picker") && select.options.length < MIN_OPTIONS) { return; }
    select.dataset.wyPickerReady = "1";
    const zh = (document.documentElement.lang || "zh").indexOf("zh") === 0;
    const box = document.createElement("div");
    box.className = "wy-picker";
    box.setAttribute("data-testid", "picker");
    const head = document.createElement("div");
    head.className = "wy-picker-head d-flex gap-2 align-items-center";
    const filter = document.createElement("input");
    filter.type = "search";
    filter.className = "form-control form-control-sm";
    filter.placeholder = label(select, "placeholder", zh ? "输入名称筛选" : "Type to filter");
    filter.setAttribute("aria-label", filter.placeholder);
    filter.setAttribute("data-testid", "picker-filter");
    const count = document.createElement("span");
    count.className = "small text-muted text-nowrap";
    count.setAttribute("data-testid", "picker-count");
    head.append(filter, count);
    const list = document.createElement("div");
    list.className = "wy-picker-list";
    const empty = document.createElement("div");
    empty.className = "small text-muted py-2 d-none";
    empty.textContent = zh ? "没有匹配的选项" : "No match";
    const base = (select.id || select.name || "wy-picker") + "-opt-";
    Array.prototype.forEach.call(select.options, function (opt, i) {
      const row = document.createElement("div");
      row.className = "form-check";
      row.setAttribute("data-testid", "picker-option");
      const cb = document.createElement("input");
      cb.type = "checkbox"; cb.className = "form-check-input"; cb.id = base + i;
      cb.checked = opt.selected; cb.disabled = opt.disabled;
      const lab = document.createElement("label");
      lab.className = "form-check-label"; lab.htmlFor = cb.id; lab.textContent = opt.text;
      cb.addEventListener("change", function () {
        opt.selected = cb.checked;
        select.dispatchEvent(new Event("change", { bubbles: true }));
        update();
      });
      row.dataset.text = opt.text.toLowerCase();
      row.append(cb, lab);
      list.append(row);
    });
    list.append(empty);
    function update() {
      const n = Array.prototype.filter.call(select.options, function (o) { return o.selected; }).length;
      count.textContent = zh ? "已选 " + n + " 项" : n + " selected";
    }
    filter.addEventListener("input", function () {
      const q = filter.value.trim().toLowerCase();
      let shown = 0;
      list.querySelectorAll(".form-check").forEach(function (row) {
        const hit = !q || row.dataset.text.indexOf(q) >= 0;
        row.classList.toggle("d-none", !hit);
        if (hit) { shown += 1; }
      });
      empty.classList.toggle("d-none", shown > 0);
    });
    filter.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); } });
    box.append(head, list);
    select.classList.add("d-none");
    select.setAttribute("aria-hidden", "true");
    select.setAttribute("tabindex", "-1");
    select.after(box);
    update();
  }
  function init(root) { (root || document).querySelectorAll("select[multiple]").forEach(enhance); }
  init(document);
  document.addEventListener("htmx:load", function (e) { init(e.target); });
})();

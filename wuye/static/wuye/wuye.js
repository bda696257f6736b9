// Confirm before destructive actions: <button data-confirm="确定删除？">
document.addEventListener("click", function (e) {
  const el = e.target.closest("[data-confirm]");
  if (el && !window.confirm(el.getAttribute("data-confirm"))) { e.preventDefault(); e.stopPropagation(); }
}, true);

// The Content-Security-Policy allows no inline event handlers: their behaviours live here.
// <form data-confirm-submit="确定？"> asks before the form is sent; <form data-require-note> is
// not sent while its "note" field is blank.
document.addEventListener("submit", function (e) {
  const form = e.target;
  if (form.hasAttribute("data-require-note") && form.note && form.note.value.trim() === "") {
    e.preventDefault(); e.stopPropagation(); return;
  }
  const question = form.getAttribute("data-confirm-submit");
  if (question && !window.confirm(question)) { e.preventDefault(); e.stopPropagation(); }
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

"""House rules that a reviewer should not have to check by eye (issue 12 items 1–3, 6, 8, 17;
DESIGN.md "Rules of the house").

Each rule reads the source of ``wuye/`` with :mod:`ast` (no import, no database) and fails with
every offending ``path:line`` so that whoever owns the code can act on the list:

1. **Access is decided in selectors.** View-layer modules — ``views*.py``, ``forms*.py``,
   ``api*.py``, ``serializers*.py``, ``urls*.py``, ``templatetags/*.py`` and the view builders
   ``pages*.py``/``*_pages.py``, at an app's top or inside a sub-domain package
   (``disclosure/income/views.py``) — never compare a role (``x.role == …``, ``x.role in …``,
   ``… == Role.CITY``, ``match x.role``), never filter on it (``filter(role=…)``,
   ``Q(user__role__in=…)``) and never run a query (``X.objects…``): they call the ``can_*``
   policies and the reads of their selectors, and services for writes.
2. **One workflow core.** No private transition helper (``_gate``, ``_move``, ``_move_task``,
   ``_move_plan``, ``_transition``, ``_set_status``) anywhere outside tests, and no ``Transition``
   declared anywhere but ``core/workflow.py``.
3. **Small modules.** No module over 600 lines under ``wuye/`` (tests included) except
   migrations and the reviewed pure data tables of the demo generator.
4. **One home for each rule.** The "who to notify" look-ups are defined only in
   ``accounts/selectors.py``; ``add_months``/``add_years`` only in ``core/calendar.py``; rounding
   only in ``core/money.py`` — no ``ROUND_HALF_*`` elsewhere, no builtin ``round()`` on a
   ``Decimal``, no ``quantize()`` that silently uses the context's banker's rounding.

The allow-lists below start empty but for reviewed data tables. An entry is ``"path"`` (the whole module) or
``"path::Qualname"`` (one class or function and everything inside it), with the reason a
reviewer accepted. Stale entries fail too (``test_allow_lists_are_current``).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fnmatch import fnmatch
from functools import cache
from pathlib import Path

import pytest

# --------------------------------------------------------------------------------------------
# Reviewed allow-lists: "path" or "path::Qualname" → why the rule does not apply there.
# --------------------------------------------------------------------------------------------

#: Role comparisons and role filters accepted in view-layer modules.
#: (The security administrator's role-assignment form, accounts/forms.py::RoleAssignForm, edits a
#: role as data without comparing one — it needs no entry; its binding choices come from
#: accounts.selectors like every other form's.)
ROLE_CHECKS_ALLOWED: dict[str, str] = {}

#: ``.objects`` accessed in view-layer modules.
QUERIES_ALLOWED: dict[str, str] = {}

#: Modules over 600 lines accepted: only pure data tables of the demo generator (module-level
#: literals; ``test_long_module_allow_list_holds_only_data`` proves each entry is data).
LONG_MODULES_ALLOWED: dict[str, str] = {
    "wuye/demo/complaint_texts.py": "演示诉求的文字模板词库：只有模块级字面量，无逻辑",
}

MAX_LINES = 600

# --------------------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "wuye"

#: ``pages*.py``/``*_pages.py``: view builders (registry/pages.py's record types, core/settings_pages.py).
VIEW_LAYER_NAMES = ("views*.py", "viewsets*.py", "forms*.py", "api*.py", "serializers*.py", "urls*.py", "pages*.py",
                    "*_pages.py")
PRIVATE_TRANSITION_HELPERS = {"_gate", "_move", "_move_task", "_move_plan", "_transition", "_set_status"}
NOTIFY_LOOKUPS = {"company_users", "official_users", "district_officials", "company_managers", "unit_users",
                  "owner_users"}
NOTIFY_HOME = "wuye/accounts/selectors.py"
CALENDAR_HELPERS = {"add_years", "add_months"}
CALENDAR_HOME = "wuye/core/calendar.py"
MONEY_HOME = "wuye/core/money.py"
WORKFLOW_HOME = "wuye/core/workflow.py"

#: Query entry points whose keyword arguments are lookups (``filter(role=…)``).
LOOKUP_METHODS = {"filter", "exclude", "get", "get_or_create", "update_or_create", "Q", "get_object_or_404",
                  "get_list_or_404"}
ROLE_LOOKUP = re.compile(r"(^|__)role(__\w+)?$")
MANAGERS = {"objects", "_default_manager", "_base_manager"}


@dataclass(frozen=True)
class Finding:
    path: str  # relative to the repository root
    line: int
    qualname: str  # enclosing classes and functions, "" at module level
    what: str

    def __str__(self) -> str:
        where = f" in {self.qualname}" if self.qualname else ""
        return f"{self.path}:{self.line}{where}: {self.what}"


# ------------------------------------------------------------------------------- the source


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _is_migration(rel: str) -> bool:
    return "/migrations/" in rel


def _is_test(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return "/tests/" in rel or name.startswith("test_") or name == "conftest.py"


@cache
def _modules() -> tuple[str, ...]:
    return tuple(sorted(_rel(p) for p in PACKAGE.rglob("*.py") if not _is_migration(_rel(p))))


@cache
def _source(rel: str) -> str:
    return (ROOT / rel).read_text(encoding="utf-8")


@cache
def _tree(rel: str) -> ast.Module:
    return ast.parse(_source(rel), filename=rel)


def is_view_layer(rel: str) -> bool:
    if _is_test(rel) or _is_migration(rel):
        return False
    parts = rel.split("/")
    name = parts[-1]
    if "templatetags" in parts[:-1]:
        return name != "__init__.py"
    return any(fnmatch(name, pattern) for pattern in VIEW_LAYER_NAMES)


def _walk(tree: ast.AST) -> list[tuple[ast.AST, str]]:
    """Every node with the dotted name of the classes and functions around it (computed once per tree)."""
    cached = _SCOPED.get(id(tree))
    if cached is not None and cached[0] is tree:
        return cached[1]
    out: list[tuple[ast.AST, str]] = []
    stack: list[tuple[ast.AST, str]] = [(tree, "")]
    while stack:
        node, scope = stack.pop()
        inner = scope
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            inner = f"{scope}.{node.name}" if scope else node.name
        for child in ast.iter_child_nodes(node):
            out.append((child, inner))
            stack.append((child, inner))
    _SCOPED[id(tree)] = (tree, out)
    return out


_SCOPED: dict[int, tuple[ast.AST, list]] = {}


def _snippet(rel: str, node: ast.AST) -> str:
    text = ast.unparse(node)
    text = " ".join(text.split())
    return text if len(text) <= 90 else text[:87] + "..."


# ------------------------------------------------------------------------------- the checks


def _role_aliases(tree: ast.Module) -> set[str]:
    """Local names of the accounts ``Role`` choices (``from wuye.accounts.models import Role as R``)."""
    names = {"Role"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names |= {a.asname for a in node.names if a.name == "Role" and a.asname}
    return names


def _is_role_value(node: ast.AST) -> bool:
    """``x.role``, ``getattr(x, "role")``, ``x["role"]``."""
    if isinstance(node, ast.Attribute) and node.attr == "role":
        return True
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
            and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) and node.args[1].value == "role"):
        return True
    return isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and node.slice.value == "role"


def _mentions_role_choice(node: ast.AST, aliases: set[str]) -> bool:
    """``Role.CITY`` or ``User.Role.CITY`` anywhere inside ``node`` (not ``Task.Role.CO``: a task's role)."""
    for sub in ast.walk(node):
        if not isinstance(sub, ast.Attribute):
            continue
        base = sub.value
        if isinstance(base, ast.Name) and base.id in aliases:
            return True
        if (isinstance(base, ast.Attribute) and base.attr == "Role" and isinstance(base.value, ast.Name)
                and base.value.id == "User"):
            return True
    return False


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def role_checks(rel: str, tree: ast.Module) -> Iterator[Finding]:
    aliases = _role_aliases(tree)
    for node, scope in _walk(tree):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(_is_role_value(o) for o in operands) or any(_mentions_role_choice(o, aliases) for o in operands):
                yield Finding(rel, node.lineno, scope, f"role comparison `{_snippet(rel, node)}`")
        elif isinstance(node, ast.Match) and (_is_role_value(node.subject)
                                              or _mentions_role_choice(node.subject, aliases)):
            yield Finding(rel, node.lineno, scope, f"match on a role `{_snippet(rel, node.subject)}`")
        elif isinstance(node, ast.Call) and _call_name(node) in LOOKUP_METHODS:
            for kw in node.keywords:
                if kw.arg and ROLE_LOOKUP.search(kw.arg):
                    yield Finding(rel, node.lineno, scope, f"role filter `{kw.arg}=` in `{_snippet(rel, node)}`")


def queries(rel: str, tree: ast.Module) -> Iterator[Finding]:
    for node, scope in _walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            yield Finding(rel, node.lineno, scope, f"query `{_snippet(rel, node)}` (move it into a selector)")


def _defs(tree: ast.Module, names: set[str]) -> Iterator[tuple[ast.AST, str, str]]:
    for node, scope in _walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name in names:
            yield node, scope, node.name


def private_transition_helpers(rel: str, tree: ast.Module) -> Iterator[Finding]:
    for node, scope, name in _defs(tree, PRIVATE_TRANSITION_HELPERS):
        yield Finding(rel, node.lineno, scope, f"private helper `def {name}` (transitions: core.workflow.Machine; "
                                               "access in views: a can_* policy of the selectors)")


def transition_declarations(rel: str, tree: ast.Module) -> Iterator[Finding]:
    for node, scope in _walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == "Transition":
            yield Finding(rel, node.lineno, scope, "`class Transition` (use core.workflow.Transition / T)")
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "Transition" for t in targets):
                yield Finding(rel, node.lineno, scope, "`Transition = …` (use core.workflow.Transition / T)")


def notify_lookup_copies(rel: str, tree: ast.Module) -> Iterator[Finding]:
    for node, scope, name in _defs(tree, NOTIFY_LOOKUPS):
        yield Finding(rel, node.lineno, scope, f"copy of `{name}` (import it from wuye.accounts.selectors)")


def calendar_helper_copies(rel: str, tree: ast.Module) -> Iterator[Finding]:
    for node, scope, name in _defs(tree, CALENDAR_HELPERS):
        yield Finding(rel, node.lineno, scope, f"copy of `{name}` (import it from wuye.core.calendar)")


TIME_FORMAT_MODULES = {"django.template.defaultfilters", "django.utils.dateformat"}
TIME_FORMAT_NAMES = {"date", "time", "format", "time_format"}
# What turns a template's datetimes back to UTC (or leaves them as stored).
TEMPLATE_TIME_BYPASS = re.compile(r"{%\s*localtime\s+off\s*%}|\|\s*utc\b|{%\s*timezone\s+[\"']UTC[\"']")


def time_formatting(rel: str, tree: ast.Module) -> Iterator[Finding]:
    """``strftime`` and Django's ``date`` filter called from Python: neither converts an aware
    datetime to local time (the template engine does that only for template variables)."""
    for node, scope in _walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "strftime":
            yield Finding(rel, node.lineno, scope, f"`{_snippet(rel, node)}` (use wuye.core.calendar.local_text)")
        elif isinstance(node, ast.ImportFrom) and node.module in TIME_FORMAT_MODULES:
            for alias in node.names:
                if alias.name in TIME_FORMAT_NAMES:
                    yield Finding(rel, node.lineno, scope, f"`from {node.module} import {alias.name}` "
                                                           "(use wuye.core.calendar.local_text)")


def _is_decimal_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and _call_name(node) == "Decimal"


def _is_round_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "round"


def rounding(rel: str, tree: ast.Module) -> Iterator[Finding]:
    """``ROUND_HALF_*`` named anywhere, and builtin ``round()`` on a Decimal or turned into one
    (``round(Decimal(x), 2)``, ``Decimal(str(round(x, 2)))``: banker's or binary-float rounding)."""
    seen: set[int] = set()
    for node, scope in _walk(tree):
        name = ""
        if isinstance(node, ast.Name):
            name = node.id
        elif isinstance(node, ast.Attribute):
            name = node.attr
        elif isinstance(node, ast.alias):
            name = node.name
        if name.startswith("ROUND_HALF_"):
            yield Finding(rel, getattr(node, "lineno", 0) or _alias_line(tree, node), scope,
                          f"`{name}` (use wuye.core.money.round_half_up / money / percent)")
        round_calls: list[ast.Call] = []
        if _is_round_call(node) and any(_is_decimal_call(s) for a in node.args for s in ast.walk(a)):
            round_calls.append(node)
        if _is_decimal_call(node):  # a float rounded to places, then made money (an integer count is fine)
            round_calls += [s for a in node.args for s in ast.walk(a) if _is_round_call(s)
                            and (len(s.args) > 1 or s.keywords)]
        for call in round_calls:
            if id(call) not in seen:
                seen.add(id(call))
                yield Finding(rel, call.lineno, scope,
                              f"`round()` on money `{_snippet(rel, call)}` (use wuye.core.money.round_half_up)")


def _alias_line(tree: ast.Module, alias: ast.alias) -> int:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom) and alias in node.names:
            return node.lineno
    return 0


def default_quantize(rel: str, tree: ast.Module) -> Iterator[Finding]:
    """``x.quantize(q)`` without a rounding mode rounds half to even (the decimal context's
    default): 0.105 → 0.10 where 四舍五入 gives 0.11 (issue 12 item 17). An exactness check
    ``x == x.quantize(q)`` rounds nothing anyone reads and is accepted."""
    exact_checks: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            exact_checks |= {id(o) for o in (node.left, *node.comparators)}
    for node, scope in _walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "quantize"
                and len(node.args) < 2 and not any(kw.arg == "rounding" for kw in node.keywords)
                and id(node) not in exact_checks):
            yield Finding(rel, node.lineno, scope, f"`{_snippet(rel, node)}` rounds half to even by default "
                                                   "(use wuye.core.money.round_half_up / money)")


# ------------------------------------------------------------------------------- running them


def _allowed(finding: Finding, allow: dict[str, str]) -> bool:
    for key in allow:
        path, _, qualname = key.partition("::")
        if path != finding.path:
            continue
        if not qualname or finding.qualname == qualname or finding.qualname.startswith(qualname + "."):
            return True
    return False


def run(check: Callable[[str, ast.Module], Iterator[Finding]], modules, allow: dict[str, str] | None = None):
    found = sorted({f for rel in modules for f in check(rel, _tree(rel))}, key=lambda f: (f.path, f.line, f.what))
    return [f for f in found if not _allowed(f, allow or {})], found


def _report(findings: list[Finding], rule: str, remedy: str) -> str:
    lines = [f"{len(findings)} breach(es) of the house rule: {rule}", f"  fix: {remedy}"]
    lines += [f"  {f}" for f in findings]
    return "\n".join(lines)


def view_layer_modules() -> list[str]:
    return [m for m in _modules() if is_view_layer(m)]


def code_modules() -> list[str]:
    return [m for m in _modules() if not _is_test(m)]


# ------------------------------------------------------------------------------- the tests


def test_view_layer_modules_are_found():
    found = view_layer_modules()
    assert "wuye/urls.py" in found and "wuye/accounts/views.py" in found and "wuye/accounts/forms.py" in found
    assert any(m.endswith("/templatetags/wuye.py") for m in found)
    assert not any(m.endswith("__init__.py") or "/tests/" in m for m in found)


def test_views_forms_apis_and_template_tags_compare_no_roles():
    breaches, _ = run(role_checks, view_layer_modules(), ROLE_CHECKS_ALLOWED)
    assert not breaches, _report(breaches, "views, forms, API views, serializers, URL confs and template tags "
                                           "never compare or filter on a user's role",
                                 "call a can_* policy of the sub-domain's selectors.py (or a selector that "
                                 "takes the user) instead")


def test_views_forms_apis_and_template_tags_run_no_queries():
    breaches, _ = run(queries, view_layer_modules(), QUERIES_ALLOWED)
    assert not breaches, _report(breaches, "views, forms, API views, serializers, URL confs and template tags "
                                           "run no .objects queries",
                                 "reads go into the sub-domain's selectors.py (taking the user), writes into "
                                 "services.py; a form's queryset comes from a selector")


def test_no_private_transition_helpers():
    breaches, _ = run(private_transition_helpers, code_modules())
    assert not breaches, _report(breaches, "one workflow core: no private _gate/_move/_transition/_set_status",
                                 "declare the table in the sub-domain's workflow.py and call MACHINE.check / "
                                 "MACHINE.apply (or core.workflow.conditional_update)")


def test_transition_is_declared_only_in_the_workflow_core():
    breaches, _ = run(transition_declarations, [m for m in _modules() if m != WORKFLOW_HOME])
    assert not breaches, _report(breaches, "Transition is declared once, in core/workflow.py",
                                 "from wuye.core.workflow import T, Machine")


def test_no_module_over_600_lines():
    long = [Finding(m, MAX_LINES + 1, "", f"{len(_source(m).splitlines())} lines")
            for m in _modules() if len(_source(m).splitlines()) > MAX_LINES and m not in LONG_MODULES_ALLOWED]
    assert not long, _report(long, f"no module over {MAX_LINES} lines (tests included; migrations and the "
                                   "demo's data tables excepted)", "split it by responsibility")


def test_notify_lookups_live_only_in_accounts_selectors():
    breaches, _ = run(notify_lookup_copies, [m for m in _modules() if m != NOTIFY_HOME])
    assert not breaches, _report(breaches, "who to notify is decided once, in accounts/selectors.py",
                                 "delete the copy and import the look-up from wuye.accounts.selectors")


def test_calendar_helpers_live_only_in_core_calendar():
    breaches, _ = run(calendar_helper_copies, [m for m in _modules() if m != CALENDAR_HOME])
    assert not breaches, _report(breaches, "add_months / add_years exist once, in core/calendar.py",
                                 "delete the copy and import it from wuye.core.calendar")


def test_rounding_lives_only_in_core_money():
    breaches, _ = run(rounding, [m for m in _modules() if m != MONEY_HOME])
    assert not breaches, _report(breaches, "money and figures people read round half up through core/money.py",
                                 "wuye.core.money.round_half_up(value, places) / money(value) / percent(p, w)")


def test_no_quantize_with_the_default_bankers_rounding():
    breaches, _ = run(default_quantize, [m for m in _modules() if m != MONEY_HOME])
    assert not breaches, _report(breaches, "no quantize() with the decimal context's default half-even rounding",
                                 "wuye.core.money.round_half_up(value, places) / money(value); to test that a "
                                 "value is exact, compare it with its own quantize()")


def test_times_are_formatted_in_local_time_in_one_place():
    """Every time a person reads is Asia/Shanghai (issue 14 §1): Python formats dates and times
    only through core.calendar.local_text, and no template switches local time off."""
    breaches, _ = run(time_formatting, [m for m in _modules() if m != CALENDAR_HOME and not _is_test(m)])
    for path in sorted(PACKAGE.rglob("*.html")):
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if TEMPLATE_TIME_BYPASS.search(line):
                breaches.append(Finding(_rel(path), lineno, "template", line.strip()))
    assert not breaches, _report(breaches, "a time a person reads is local time, formatted in one place",
                                 "wuye.core.calendar.local_text(value, fmt) in Python; the date filter in templates")


def test_long_module_allow_list_holds_only_data():
    """An allowed long module may hold only a docstring, imports and module-level assignments of
    data (literals, or comprehensions over literals): no function, no class, no statement."""
    for rel in LONG_MODULES_ALLOWED:
        assert rel.startswith("wuye/demo/"), f"{rel}: only the demo generator's data tables may be long"
        for node in _tree(rel).body:
            is_docstring = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            ok = is_docstring or isinstance(node, ast.Import | ast.ImportFrom | ast.Assign | ast.AnnAssign)
            assert ok, f"{rel}:{node.lineno}: {type(node).__name__} in a module allowed as pure data"
            value = getattr(node, "value", None)
            if isinstance(node, ast.Assign | ast.AnnAssign) and value is not None:
                calls = [c for c in ast.walk(value) if isinstance(c, ast.Call | ast.Lambda)
                         and not (isinstance(c, ast.Call) and _call_name(c) in {"str", "range", "frozenset",
                                                                               "set", "tuple", "dict", "list"})]
                assert not calls, f"{rel}:{node.lineno}: a data table calls {_snippet(rel, calls[0])}"


def test_allow_lists_are_current():
    stale = []
    for allow, check, modules in ((ROLE_CHECKS_ALLOWED, role_checks, view_layer_modules()),
                                  (QUERIES_ALLOWED, queries, view_layer_modules())):
        _, found = run(check, modules)
        for key in allow:
            if not any(_allowed(f, {key: ""}) for f in found):
                stale.append(key)
    stale += [m for m in LONG_MODULES_ALLOWED if m not in _modules()]
    assert not stale, f"allow-list entries that no longer match anything (delete them): {stale}"


# ------------------------------------------------------------------------------- the checker itself


def _check_snippet(check, code: str) -> list[Finding]:
    return list(check("wuye/x/views.py", ast.parse(code)))


@pytest.mark.parametrize("code", [
    "if request.user.role == Role.CITY: pass",
    "if user.role != 'city': pass",
    "ok = user.role in OFFICIAL_ROLES",
    "ok = user.role not in {Role.CITY}",
    "ok = getattr(user, 'role', None) == 'district'",
    "ok = kind is Role.DISTRICT",
    "ok = User.Role.CITY == x",
    "from wuye.accounts.models import Role as R\nok = x == R.CITY",
    "qs = User.objects.filter(role=Role.CITY)",
    "qs = users.filter(role__in=OFFICIAL_ROLES)",
    "q = Q(user__role='city')",
    "u = get_object_or_404(User, pk=1, role='city')",
    "match user.role:\n    case _: pass",
])
def test_role_check_is_caught(code):
    assert _check_snippet(role_checks, code), code


@pytest.mark.parametrize("code", [
    "if can_view_estate(request.user, estate): pass",
    "services.account_assign_role(actor=a, user=u, role=form.cleaned_data['role'])",
    "binding = ROLE_BINDING.get(target.role)",
    "ok = task.kind == Task.Role.CO",
    "label = user.get_role_display()",
])
def test_role_check_is_not_a_false_alarm(code):
    assert not _check_snippet(role_checks, code), code


@pytest.mark.parametrize("code, expected", [
    ("x = Estate.objects.filter(pk=1)", 1),
    ("class F(forms.Form):\n    e = forms.ModelChoiceField(queryset=Estate.objects.none())", 1),
    ("x = Estate._default_manager.all()", 1),
    ("x = selectors.estates_visible_to(user)", 0),
])
def test_query_is_caught(code, expected):
    assert len(_check_snippet(queries, code)) == expected, code


@pytest.mark.parametrize("code, expected", [
    ("from decimal import ROUND_HALF_UP, Decimal\nx = d.quantize(CENT, rounding=ROUND_HALF_UP)", 2),
    ("import decimal\nx = d.quantize(CENT, decimal.ROUND_HALF_EVEN)", 1),
    ("x = round(Decimal(a) * 3, 2)", 1),
    ("x = Decimal(str(round(a, 2)))", 1),
    ("n = max(1, round(len(xs) * 0.1))", 0),
    ("usage = Decimal(max(0, round(float(a) * 1.5)))", 0),
    ("x = money(a)", 0),
])
def test_rounding_is_caught(code, expected):
    assert len(_check_snippet(rounding, code)) == expected, code


@pytest.mark.parametrize("code, expected", [
    ("s = timezone.localtime(due).strftime('%H:%M')", 1),
    ("s = due.strftime('%H:%M')", 1),
    ("from django.template.defaultfilters import date as date_filter", 1),
    ("from django.utils.dateformat import format", 1),
    ("s = local_text(due, SHORT)", 0),
])
def test_time_formatting_is_caught(code, expected):
    assert len(_check_snippet(time_formatting, code)) == expected, code


@pytest.mark.parametrize("code, expected", [
    ("x = d.quantize(Decimal('0.01'))", 1),
    ("x = d.quantize(CENT, rounding=ROUND_DOWN)", 0),
    ("ok = d == d.quantize(CENT)", 0),
])
def test_default_quantize_is_caught(code, expected):
    assert len(_check_snippet(default_quantize, code)) == expected, code


@pytest.mark.parametrize("rel, expected", [
    ("wuye/disclosure/income/views.py", True),
    ("wuye/cases/views_public.py", True),
    ("wuye/cases/open311/urls_partners.py", True),
    ("wuye/governance/api_urls.py", True),
    ("wuye/credit/templatetags/credit_tags.py", True),
    ("wuye/credit/templatetags/__init__.py", False),
    ("wuye/cases/tests/test_views.py", False),
    ("wuye/cases/selectors.py", False),
    ("wuye/cases/services.py", False),
    ("wuye/registry/pages.py", True),
    ("wuye/core/settings_pages.py", True),
])
def test_view_layer_classification(rel, expected):
    assert is_view_layer(rel) is expected

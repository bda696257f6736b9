"""Field work on a phone (issue 14 §9–11, §15) in Debian's Chromium at 390×844, with screenshots:

- every work list (complaints, the unit's queue, the desk's list, rectification orders,
  inspections, campaign tasks) is a stack of cards, never a table squeezed to a few characters a
  line: each visible cell is at least 6 characters wide, measured in the page;
- a resident files on the public form, is sent back for a missing field, keeps the photo and
  files once fixed;
- a long multi-select is a searchable picker, a confirmation is a Bootstrap modal (no browser
  dialog).
"""

from __future__ import annotations

import io
import re

from django.urls import reverse
from PIL import Image

from wuye.accounts.models import User
from wuye.cases.models import Complaint, Photo
from wuye.core.models import StagedUpload
from wuye.notifications.models import OutboxMessage
from wuye.registry.models import Estate

from .conftest import ARTIFACTS

PHONE = {"width": 390, "height": 844}
# The list tables of §9 and the pages that show them.
LIST_TABLES = "[data-testid=list-table], [data-testid=queue-table], [data-testid=order-table], " \
              "[data-testid=inspection-table], [data-testid=task-table]"

MEASURE = """(selector) => {
  const cells = [];
  document.querySelectorAll(selector).forEach((table) => {
    const row = table.querySelector("tbody tr");
    const cards = !!row && getComputedStyle(row).display === "block";
    table.querySelectorAll("tbody td").forEach((td) => {
      const style = getComputedStyle(td);
      const box = td.getBoundingClientRect();
      if (style.display === "none" || box.width === 0) { return; }
      cells.push({cards: cards, chars: box.width / parseFloat(style.fontSize),
                  text: td.textContent.trim().replace(/\\s+/g, " ").slice(0, 30)});
    });
  });
  return {cells: cells, overflow: document.documentElement.scrollWidth - window.innerWidth};
}"""


def _phone_list(page, url: str, name: str, shot) -> dict:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    shot(page, f"phone-{name}")
    first = page.locator(LIST_TABLES).first.locator("tbody tr").first
    first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"phone-{name}-first-card.png"))  # what the thumb sees
    found = page.evaluate(MEASURE, LIST_TABLES)
    assert found["cells"], f"{name}: no list rows on {url}"
    narrow = [c for c in found["cells"] if c["chars"] < 6]
    assert not narrow, f"{name}: cells narrower than 6 characters: {narrow[:5]}"
    assert all(c["cards"] for c in found["cells"]), f"{name}: the rows are not cards below 576 px"
    assert page.locator("[data-testid=card-action]:visible").count() >= 1, f"{name}: no next action on the cards"
    return found


def test_work_lists_are_cards_on_a_phone_pickers_filter_and_confirmations_are_modals(login_as, site, shot):
    district = login_as("district", **PHONE)
    dialogs = []
    district.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for name, url in (("complaints-district", reverse("cases:page_list")),
                      ("orders", reverse("supervision:order_list")),
                      ("inspections", reverse("supervision:inspection_list")),
                      ("campaign-tasks", reverse("campaign:board"))):
        _phone_list(district, site.url + url, name, shot)
    # The desk's list on a desktop stays a table (cards are for phones only).
    desk = login_as("city")
    desk.goto(site.url + reverse("cases:page_list"))
    desk.wait_for_load_state("networkidle")
    assert desk.evaluate(MEASURE, LIST_TABLES)["cells"][0]["cards"] is False
    shot(desk, "desktop-complaints-city")
    city = login_as("city", **PHONE)
    _phone_list(city, site.url + reverse("cases:page_list"), "complaints-city-desk", shot)
    company = login_as("company", **PHONE)
    _phone_list(company, site.url + reverse("cases:page_queue"), "queue-company", shot)

    # §11: the plan form's long estate list is a searchable picker; the select still carries the choice.
    district.goto(site.url + reverse("supervision:plan_create"))
    district.wait_for_load_state("networkidle")
    picker = district.locator("[data-testid=picker]")
    assert picker.count() == 1 and district.locator("select[name=target_estates]").is_hidden()
    options = picker.locator("[data-testid=picker-option]")
    total = options.count()
    estate = Estate.objects.filter(district_id=User.objects.get(username="district").district_id,
                                   company__isnull=False).order_by("name").first()
    picker.locator("[data-testid=picker-filter]").fill(estate.name)
    visible = picker.locator("[data-testid=picker-option]:visible")
    assert 1 <= visible.count() < total
    visible.first.locator("input").check()
    assert "已选 1 项" in picker.locator("[data-testid=picker-count]").inner_text()
    chosen = district.evaluate("() => Array.from(document.querySelector('select[name=target_estates]').selectedOptions).map(o => o.text)")
    assert len(chosen) == 1 and estate.name in chosen[0]
    shot(district, "phone-plan-picker")

    # §11: a confirmation is the page's Bootstrap modal; 取消 keeps the token, 确定 revokes it.
    from wuye.accounts.models import ApiToken
    from wuye.accounts.services import api_token_issue

    user = User.objects.get(username="district")
    api_token_issue(user=user, name="巡查手机")
    district.goto(site.url + reverse("accounts:token_list"))
    district.wait_for_load_state("networkidle")
    district.locator("[data-testid=token-table] button[data-confirm]").first.click()
    modal = district.locator("[data-testid=confirm-modal]")
    modal.wait_for(state="visible")
    assert "确认吊销该令牌" in modal.locator("[data-testid=confirm-text]").inner_text()
    shot(district, "phone-confirm-modal")
    modal.locator("[data-testid=confirm-cancel]").click()
    modal.wait_for(state="hidden")
    assert ApiToken.objects.filter(user=user).count() == 1
    district.locator("[data-testid=token-table] button[data-confirm]").first.click()
    modal.wait_for(state="visible")
    with district.expect_navigation():
        modal.locator("[data-testid=confirm-ok]").click()
    assert not ApiToken.objects.filter(user=user).exists()
    assert dialogs == []  # never the browser's own confirm()


def _png() -> dict:
    buf = io.BytesIO()
    Image.new("RGB", (800, 600), (30, 140, 90)).save(buf, format="PNG")
    return {"name": "IMG_2041.png", "mimeType": "image/png", "buffer": buf.getvalue()}


def test_resident_on_a_phone_is_sent_back_keeps_the_photo_and_files(site, page_for, shot):
    estate = Estate.objects.filter(company__isnull=False).order_by("id").first()
    page = page_for(**PHONE)
    page.goto(f"{site.url}{reverse('cases:public_new')}?estate={estate.pk}")
    page.wait_for_load_state("networkidle")
    page.select_option("#id_category", index=1)
    page.fill("#id_title", "楼道灯不亮")
    page.set_input_files("input[name=photos]", [_png()])
    page.fill("#id_name", "王秀英")
    page.fill("#id_phone", "13812345678")
    page.click("[data-testid=send-code]")
    page.locator("#sms-hint").wait_for()
    page.wait_for_timeout(300)
    body = OutboxMessage.objects.filter(recipient="13812345678", category="sms_code").order_by("-id").first().body
    page.fill("#id_code", re.search(r"(\d{6})", body).group(1))
    shot(page, "phone-complaint-filled-without-description")
    # The description is missing: the form comes back with the error and the photo kept.
    with page.expect_navigation():
        page.click("[data-testid=submit]")
    assert page.locator("[data-testid=error-description]").is_visible()
    assert page.locator("[data-testid=staged-photo]").count() == 1
    assert page.locator("[data-testid=staged-photo] img").evaluate("img => img.naturalWidth > 0")
    shot(page, "phone-complaint-refused-photo-kept")
    assert StagedUpload.objects.count() == 1 and not Complaint.objects.filter(title="楼道灯不亮").exists()
    # Fixed without choosing the photo again.
    page.fill("#id_description", "3号楼2单元楼道灯坏了一周，晚上上下楼看不见。")
    with page.expect_navigation():
        page.click("[data-testid=submit]")
    page.wait_for_url(re.compile(r"/complaints/new/done/"))
    shot(page, "phone-complaint-filed")
    c = Complaint.objects.get(title="楼道灯不亮")
    assert Photo.objects.filter(complaint=c, kind=Photo.Kind.REPORT).count() == 1
    assert not StagedUpload.objects.exists()

"""Demo policies and news (issue 5 item 9) for the public portal.

``build_demo_articles(scale=..., seed=..., now=..., city_id=..., say=...)`` writes articles in the
four categories — laws and regulations, notices, guides, work news — published over the year
before ``now`` by the demo ``city`` login (and a few by the ``district`` login), plus some drafts and
one withdrawn notice, so that the officials' list shows every state. Bodies are sanitised and
search tokens stored exactly as ``wuye.portal.services_articles`` does. The number of articles does
not grow with the city (small 24, city 60, megacity 120): the portal shows the newest ones.
The same seed and ``now`` give the same rows.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from django.utils import timezone

from wuye.accounts.models import Role, User
from wuye.cases.search import tokens_for
from wuye.portal.models import Article
from wuye.portal.sanitise import plain_text, sanitise_html
from wuye.territory.models import City

COUNTS = {"small": 24, "city": 60, "megacity": 120}

LAWS = [
    ("中华人民共和国民法典（物业服务合同编节选）", "全国人民代表大会", "",
     "<p>第九百三十七条　物业服务合同是物业服务人在物业服务区域内，为业主提供建筑物及其附属设施的维修养护、"
     "环境卫生和相关秩序的管理维护等物业服务，业主支付物业费的合同。</p><p>第九百四十三条　物业服务人应当定期将服务的事项、"
     "负责人员、质量要求、收费项目、收费标准、履行情况，以及维修资金使用情况、业主共有部分的经营与收益情况等以合理方式"
     "向业主公开并向业主大会、业主委员会报告。</p>"),
    ("物业管理条例", "国务院", "国务院令第379号",
     "<p>第五十四条　利用物业共用部位、共用设施设备进行经营的，应当在征得相关业主、业主大会、物业服务企业的同意后，"
     "按照规定办理有关手续。业主所得收益应当主要用于补充专项维修资金，也可以按照业主大会的决定使用。</p>"),
    ("物业服务收费明码标价规定", "国家发展改革委　建设部", "发改价检〔2004〕1428号",
     "<p>物业管理企业实行明码标价，应当在其服务区域内的显著位置或收费地点，采取公示栏、公示牌、收费表、收费清单、"
     "收费手册、多媒体终端查询等方式实行明码标价。</p><ul><li>物业服务企业名称</li><li>收费对象</li><li>服务内容</li>"
     "<li>服务标准</li><li>计费方式</li><li>计费起始时间</li><li>收费项目和标准</li><li>价格管理形式</li>"
     "<li>收费依据</li><li>价格举报电话 12358</li></ul>"),
    ("业主大会和业主委员会指导规则", "住房和城乡建设部", "建房〔2009〕274号",
     "<p>业主委员会由业主大会会议选举产生，由5至11人单数组成。业主委员会委员应当是物业管理区域内的业主。</p>"),
    ("住宅专项维修资金管理办法", "建设部　财政部", "建设部　财政部令第165号",
     "<p>住宅专项维修资金专项用于住宅共用部位、共用设施设备保修期满后的维修和更新、改造，不得挪作他用。</p>"),
    ("本市住宅小区物业服务企业信用评价管理办法", "市住房保障房产局", "示住房规〔2025〕2号",
     "<p>信用总分由基础信用分、良好信用分和不良信用扣分构成。信用等级分为 AAA、AA、A、B、C 五个等级。</p>"
     "<table><thead><tr><th>等级</th><th>分数</th></tr></thead><tbody><tr><td>AAA</td><td>85 分及以上</td></tr>"
     "<tr><td>AA</td><td>80—85 分</td></tr><tr><td>A</td><td>70—80 分</td></tr><tr><td>B</td><td>60—70 分</td></tr>"
     "<tr><td>C</td><td>60 分以下</td></tr></tbody></table>"),
]
NOTICES = [
    "关于开展住宅小区物业服务质量提升三年行动的通知",
    "关于做好{season}住宅小区物业服务工作的通知",
    "关于公布{year}年度物业服务标杆小区名单的通知",
    "关于开展物业服务企业“双随机、一公开”检查的通知",
    "关于规范住宅小区公共收益管理和公示的通知",
    "关于做好住宅小区水电公摊费用公示工作的通知",
    "关于整治开发建设单位车位“只售不租”问题的通知",
    "关于公布物业服务价格投诉举报电话的通知",
    "关于做好业主委员会换届选举指导工作的通知",
    "关于{year}年第{q}季度物业服务投诉办理情况的通报",
]
GUIDES = [
    ("业主如何查询本小区的公共收益", "<p>打开“公开信息”，搜索小区名称或拼音首字母，在小区页面的“公共收益公示”中查看收入、成本、净收益及其用途。"
     "登录后还可以查看本户按专有面积分得的份额。</p>"),
    ("业主如何对物业服务进行投诉", "<ol><li>扫描小区公告栏的二维码，或在小区页面点“我要投诉”；</li><li>填写诉求内容并上传照片；</li>"
     "<li>通过短信验证码验证手机号；</li><li>记下查询码，随时查询办理进展。</li></ol>"),
    ("申请成立业主大会需要准备哪些材料", "<p>占首次业主大会会议投票权 5% 以上的业主可以向街道办事处提出书面申请，附业主名册、"
     "建筑物总面积等材料。</p>"),
    ("业主共同决定事项的表决规则", "<blockquote>业主共同决定事项，应当由专有部分面积占比三分之二以上的业主且人数占比三分之二以上的业主参与表决。"
     "</blockquote><p>筹集维修资金、改建重建、改变共有部分用途须经参与表决专有部分面积四分之三以上且人数四分之三以上的业主同意；"
     "其他事项须经参与表决专有部分面积过半数且人数过半数的业主同意。（民法典第二百七十八条）</p>"),
    ("物业服务企业如何办理信用修复", "<p>企业整改完毕后，可以提交整改材料申请信用修复，经核实后提前移出不良信用信息。</p>"),
    ("如何申请承租小区车位", "<p>登录后在“我的小区”中点击“申请租用车位”，进入候补名单，按登记先后顺序安排。</p>"),
]
NEWS = [
    "{district}召开物业管理联席会议",
    "{district}开展老旧小区物业服务专项检查",
    "市住房保障房产局召开{year}年物业服务质量提升推进会",
    "{district}{n}个小区获评四星级以上物业服务小区",
    "{district}组织物业项目经理集中培训",
    "{district}完成{n}个业主委员会换届选举",
]
PARAGRAPHS = [
    "为进一步提升住宅小区物业服务质量，切实解决群众关心的物业服务问题，现将有关事项通知如下。",
    "各区要压实属地责任，街道、社区要加强对物业服务企业和业主委员会的指导监督。",
    "各物业服务企业要按规定在小区显著位置公示收费标准、公共收益和水电公摊情况，价格举报电话 12358。",
    "对群众反映强烈的问题要建立台账、限期整改，整改情况在平台上公开。",
    "会议要求，要把业主满意度作为检验工作的标准，推动物业服务向高品质和多样化升级。",
    "检查采取“双随机、一公开”方式，随机抽取检查对象和检查人员，检查结果向社会公开。",
]


# The opening of each kind of news item: who did what, when and with how many (each article its own).
NEWS_LEADS = {
    0: "{date}，{district}召开物业管理联席会议，街道办事处、社区居委会、{n}家物业服务企业和业主委员会代表参加，"
       "通报了近期投诉集中的{topic}问题，明确了责任单位和办结时限。",
    1: "{date}起，{district}对辖区{n}个老旧小区开展物业服务专项检查，重点检查{topic}，"
       "现场发现的问题已逐项下达整改通知。",
    2: "{date}，市住房保障房产局召开物业服务质量提升推进会，{n}个区县和有关部门汇报了工作进展，会议重点部署了{topic}工作。",
    3: "根据{date}公布的星级评定结果，{district}共有{n}个小区获评四星级以上物业服务小区，评定中{topic}得分较上年明显提高。",
    4: "{date}，{district}组织辖区{n}名物业项目经理集中培训，围绕{topic}等内容进行讲解，并进行了闭卷考试。",
    5: "截至{date}，{district}已指导{n}个小区完成业主委员会换届选举，新一届委员中党员比例均达到要求，"
       "换届中{topic}得到业主普遍认可。",
}
TOPICS = ["电梯维保", "公共收益公示", "水电公摊", "消防通道管理", "垃圾分类", "车位租售", "绿化养护", "二次供水"]


def _body(rng: random.Random, title: str, lead: str = "") -> str:
    paras = rng.sample(PARAGRAPHS, k=2 if lead else 3)
    return f"<h3>{title}</h3>" + (f"<p>{lead}</p>" if lead else "") + "".join(f"<p>{p}</p>" for p in paras)


def build_demo_articles(*, scale: str, seed: int, now: datetime | None, city_id: int,
                        say: Callable[[str], None] | None = None) -> dict[str, int]:
    say = say or (lambda text: None)
    rng = random.Random(f"{seed}:portal_articles")
    now = now or timezone.now()
    total = COUNTS.get(scale, COUNTS["small"])
    city = City.objects.get(pk=city_id)
    city_user = User.objects.filter(username="city").first() or User.objects.filter(role=Role.CITY).order_by("pk").first()
    district_user = (User.objects.filter(username="district").select_related("district").first()
                     or User.objects.filter(role=Role.DISTRICT, district__city=city).select_related("district")
                     .order_by("pk").first())
    district_names = list(city.districts.order_by("code").values_list("name", flat=True)) or ["示范区"]
    seasons = ["春季", "汛期", "夏季", "冬季供暖期"]
    planned: list[tuple[str, str, str, str, str]] = []  # category, title, body, source, number
    for title, source, number, body in LAWS:
        planned.append((Article.Category.LAW, title, body, source, number))
    for title, body in GUIDES:
        planned.append((Article.Category.GUIDE, title, body, "市住房保障房产局", ""))
    i = 0
    titles = {p[1] for p in planned}
    while len(planned) < total and i < total * 20:
        i += 1
        year = now.year - (1 if rng.random() < 0.4 else 0)
        if i % 2:
            t = rng.choice(NOTICES).format(season=rng.choice(seasons), year=year, q=rng.randint(1, 4))
            if t in titles:  # each notice once: a real portal does not publish the same notice twice
                continue
            planned.append((Article.Category.NOTICE, t, _body(rng, t), "市住房保障房产局",
                            f"示住房发〔{year}〕{rng.randint(1, 99)}号"))
        else:
            kind = rng.randrange(len(NEWS))
            district, n = rng.choice(district_names), rng.randint(3, 30)
            t = NEWS[kind].format(district=district, year=year, n=n)
            if t in titles:
                continue
            day = (now - timedelta(days=rng.randint(3, 360))).date()
            lead = NEWS_LEADS[kind].format(date=f"{day.year}年{day.month}月{day.day}日", district=district, n=n,
                                           topic=rng.choice(TOPICS))
            planned.append((Article.Category.NEWS, t, _body(rng, t, lead), district, ""))
        titles.add(t)
    rows = []
    counts = {"published": 0, "draft": 0, "withdrawn": 0}
    pinned_titles: set[str] = set()
    for k, (category, title, body, source, number) in enumerate(planned[:total]):
        body = sanitise_html(body)
        text = plain_text(body)
        if k >= total - 3:
            status = Article.Status.DRAFT
        elif k == total - 4:
            status = Article.Status.WITHDRAWN
        else:
            status = Article.Status.PUBLISHED
        # the civil code and the campaign's notice stay on top, each once
        pin = (k == 0 or title.startswith("关于开展住宅小区物业服务质量提升")) and title not in pinned_titles \
            and status == Article.Status.PUBLISHED
        if pin:
            pinned_titles.add(title)
        author = district_user if (category == Article.Category.NEWS and district_user and k % 3 == 0) else city_user
        published = None if status == Article.Status.DRAFT else now - timedelta(days=rng.randint(0, 364),
                                                                                minutes=rng.randint(0, 600))
        rows.append(Article(title=title[:200], category=category, summary=text[:120], body=body, source=source[:100],
                            document_number=number, status=status, published_at=published,
                            pinned=pin,
                            search_tokens=tokens_for(title, text[:120], text), author=author))
        counts[status] += 1
    Article.objects.bulk_create(rows, batch_size=500)
    say(f"  政策与资讯 {len(rows)} 篇（已发布 {counts['published']}，草稿 {counts['draft']}，已撤下 {counts['withdrawn']}）")
    return {"article": len(rows)}

"""Input and output shapes of the owners' votes API (no business rules here: see votes.services)."""

from __future__ import annotations

from rest_framework import serializers as drf

from wuye.governance.models import Ballot, Matter


class MotionIn(drf.Serializer):
    title = drf.CharField(max_length=200, help_text="表决事项")
    matter = drf.ChoiceField(choices=Matter.choices, help_text="《民法典》第二百七十八条规定的事项类别")
    notice_date = drf.DateField(help_text="公告日期；投票开始日须在其后至少 15 天（设置）")
    voting_opens_at = drf.DateTimeField(help_text="投票开始时间")
    voting_closes_at = drf.DateTimeField(help_text="投票截止时间")
    description = drf.CharField(max_length=5000, required=False, allow_blank=True, default="", help_text="事项说明")
    notice_evidence = drf.FileField(required=False, allow_null=True, default=None,
                                    help_text="公告张贴凭证（照片或 PDF 扫描件，multipart 上传）；公告日期早于今天的必填")


class MotionOut(drf.Serializer):
    id = drf.IntegerField()
    estate = drf.IntegerField(source="estate_id")
    title = drf.CharField()
    matter = drf.CharField()
    rule = drf.ChoiceField(choices=["ordinary", "major"])
    notice_date = drf.DateField()
    voting_opens_at = drf.DateTimeField()
    voting_closes_at = drf.DateTimeField()
    total_area = drf.DecimalField(max_digits=14, decimal_places=2, help_text="冻结的专有部分总面积（m²）")
    total_heads = drf.IntegerField(help_text="冻结的表决权人总数")
    notice_recorded_late = drf.BooleanField(help_text="公告日期早于登记日：公告为事后补录（已上传张贴凭证）")


class RollUnit(drf.Serializer):
    id = drf.IntegerField()
    label = drf.CharField(help_text="楼栋 房号")
    area = drf.CharField(help_text="专有部分面积，精确小数字符串")
    source = drf.ChoiceField(choices=["registered", "surveyed", "contract"], help_text="面积来源")


class RollEntryOut(drf.Serializer):
    id = drf.IntegerField()
    name = drf.CharField(help_text="姓名（脱敏）")
    kind = drf.ChoiceField(choices=["owner", "developer"])
    area = drf.CharField(help_text="专有部分面积（m²），精确小数字符串")
    units = RollUnit(many=True)


class RollOut(drf.Serializer):
    entries = RollEntryOut(many=True)
    total_area = drf.CharField()
    total_heads = drf.IntegerField()


class BallotIn(drf.Serializer):
    voter = drf.IntegerField(help_text="表决权人名册中的条目 id")
    choice = drf.ChoiceField(choices=Ballot.Choice.choices)
    channel = drf.ChoiceField(choices=[Ballot.Channel.PAPER], help_text="接口仅用于录入纸质选票")
    ballot_no = drf.CharField(max_length=40, help_text="纸质选票编号，同一表决内唯一")


class BallotOut(drf.Serializer):
    id = drf.IntegerField()
    voter = drf.IntegerField(source="entry_id")
    choice = drf.CharField()
    channel = drf.CharField()
    ballot_no = drf.CharField()
    changes = drf.IntegerField(help_text="修改次数")


class ResultOut(drf.Serializer):
    final = drf.BooleanField(help_text="投票截止后写入的最终结果为 true；此前为截至目前的计票")
    rule = drf.ChoiceField(choices=["ordinary", "major"])
    total_area = drf.CharField()
    total_heads = drf.IntegerField()
    participating_area = drf.CharField()
    participating_heads = drf.IntegerField()
    yes_area = drf.CharField()
    yes_heads = drf.IntegerField()
    participation_area_ratio = drf.CharField(help_text="精确分数 p/q（最简）")
    participation_head_ratio = drf.CharField()
    approval_area_ratio = drf.CharField()
    approval_head_ratio = drf.CharField()
    quorum_met = drf.BooleanField()
    passed = drf.BooleanField()
    explanation = drf.CharField(help_text="依据《民法典》第二百七十八条的中文说明")

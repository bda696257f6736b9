"""The article form (policies and news). It only collects input; rules live in ``services``."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wuye.portal.models import Article


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    category = forms.ChoiceField(label=_("栏目"), choices=Article.Category.choices)
    source = forms.CharField(label=_("来源/发文机关"), max_length=100, required=False)
    document_number = forms.CharField(label=_("文号"), max_length=100, required=False,
                                      help_text=_("如：X住建发〔2026〕12号；没有可不填"))
    summary = forms.CharField(label=_("摘要"), max_length=300, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("列表中显示；不填则取正文开头 120 字"))
    body = forms.CharField(label=_("正文"), max_length=200_000, widget=forms.Textarea(attrs={"rows": 16}),
                           help_text=_("可用格式：段落 <p>、换行 <br>、小标题 <h2>–<h4>、<strong> 加粗、<em> 斜体、<u> 下划线、"
                                     "列表 <ul>/<ol>/<li>、引用 <blockquote>、表格 <table>、"
                                     "链接 <a href=\"https://…\">、图片 <img src=\"/media/articles/…\" alt=\"…\">（先用下方“上传图片”上传，"
                                     "不能引用外部网站的图片）。"
                                     "其他标签、脚本、样式和事件属性保存时会被去掉。"))
    pinned = forms.BooleanField(label=_("置顶"), required=False)
    loaded_at = forms.DateTimeField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("summary", "body"):
            self.fields[name].wide = True
        for field in self.fields.values():
            w = field.widget
            if isinstance(w, forms.CheckboxInput):
                w.attrs["class"] = "form-check-input"
            elif isinstance(w, forms.Select):
                w.attrs["class"] = "form-select"
            elif not isinstance(w, forms.HiddenInput):
                w.attrs["class"] = "form-control"
        self.fields["body"].widget.attrs["class"] += " font-monospace"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                w = self.fields[name].widget
                w.attrs["class"] = (w.attrs.get("class", "") + " is-invalid").strip()

    def service_data(self) -> dict:
        d = self.cleaned_data
        return {k: d[k] for k in ("title", "category", "summary", "body", "source", "document_number", "pinned")}


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤下原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
                             help_text=_("记入审计日志，例如：政策已废止、内容有误待更正"))


class ArticleImageForm(forms.Form):
    image = forms.ImageField(label=_("上传图片"), help_text=_("JPG、PNG、WebP 或 GIF，不超过 10 MB；上传后把生成的代码粘贴到正文中"),
                             widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": "image/*"}))

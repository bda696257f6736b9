"""FieldsOnce: serializer fields built once per class, and every serializer gets fields of its own,
bound to it alone, that validate and render exactly as the usual deep-copied fields do."""

from __future__ import annotations

import threading

from rest_framework import serializers

from wuye.core.api import FieldsOnce


class _Plain(serializers.Serializer):
    name = serializers.CharField(max_length=5, label="名称")
    kind = serializers.ChoiceField(choices=[("a", "甲"), ("b", "乙")], required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=3), required=False)
    shout = serializers.SerializerMethodField()

    def get_shout(self, obj) -> str:
        return self.context["suffix"] + obj["name"]


class _Once(FieldsOnce, _Plain):
    pass


def test_each_serializer_gets_its_own_fields_bound_to_it():
    a, b = _Once(context={"suffix": "a"}), _Once(context={"suffix": "b"})
    for name in ("name", "kind", "tags", "shout"):
        assert a.fields[name] is not b.fields[name]
        assert a.fields[name].parent is a and b.fields[name].parent is b
    assert a.fields["tags"].child is not b.fields["tags"].child
    assert a.fields["tags"].child.parent is a.fields["tags"]
    assert type(a).__dict__["_fields_once"]["name"].parent is None  # the template stays unbound


def test_validates_and_renders_like_the_deep_copied_fields():
    cases = [{"name": "张三", "kind": "a", "tags": ["x", "yy"]}, {"name": "太长的名字了"}, {"name": "李", "kind": "c"},
             {"tags": ["toolong"]}, {"name": "王", "tags": "x"}]
    for data in cases:
        once, plain = _Once(data=data), _Plain(data=data)
        assert once.is_valid() == plain.is_valid()
        assert once.errors == plain.errors
        if not once.errors:
            assert once.validated_data == plain.validated_data
    obj = {"name": "赵", "kind": "b", "tags": []}
    assert _Once(obj, context={"suffix": "!"}).data == _Plain(obj, context={"suffix": "!"}).data


def test_serializers_in_threads_keep_their_own_context():
    out: dict[int, str] = {}

    def work(i: int) -> None:
        for _ in range(200):
            s = _Once({"name": f"n{i}"}, context={"suffix": f"{i}:"})
            assert s.data["shout"] == f"{i}:n{i}"
        out[i] = s.data["shout"]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert out == {i: f"{i}:n{i}" for i in range(4)}

"""The language switch in the top bar (Django's set_language): 中文 / English."""

from django.urls import reverse


def test_switch_to_english_and_back(world, login):
    client = login(world.users["district"])
    first = client.get("/")
    assert first.wsgi_request.LANGUAGE_CODE == "zh-hans"
    assert '<html lang="zh-hans">' in first.content.decode()
    # The switch is on every page, posting to set_language.
    assert f'action="{reverse("set_language")}"' in first.content.decode()

    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    english = client.get("/")
    assert english.status_code == 200
    assert english.wsgi_request.LANGUAGE_CODE == "en"
    assert '<html lang="en">' in english.content.decode()

    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert client.get("/").wsgi_request.LANGUAGE_CODE == "zh-hans"


def test_unknown_language_is_ignored(world, login):
    client = login(world.users["district"])
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert client.get("/").wsgi_request.LANGUAGE_CODE == "zh-hans"


def test_switch_keeps_the_page(world, login):
    client = login(world.users["district"])
    response = client.post(reverse("set_language"), {"language": "en", "next": "/search/?q=xfl"})
    assert response["Location"] == "/search/?q=xfl"
    assert client.get("/search/", {"q": "xfl"}).wsgi_request.LANGUAGE_CODE == "en"

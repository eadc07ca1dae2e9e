"""The embeddable script: content type, caching, compression, cross-origin loading, and the hooks it draws."""

from __future__ import annotations

SCRIPT = "/widget/croupier.js"


async def test_the_script_is_javascript_any_site_may_load(client):
    r = await client.get(SCRIPT, headers={"Origin": "https://casino.example", "Accept-Encoding": "identity"})
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/javascript; charset=utf-8"
    assert r.headers["access-control-allow-origin"] == "*"
    assert r.headers["cross-origin-resource-policy"] == "cross-origin"
    assert "max-age=300" in r.headers["cache-control"] and r.headers["etag"].startswith('W/"')


async def test_one_script_carries_the_view_the_chat_and_the_styles_with_the_test_hooks(client):
    body = (await client.get(SCRIPT, headers={"Accept-Encoding": "identity"})).text
    assert body.startswith("/* Croupier chat widget") and ".launcher {" in body  # the stylesheet rides along
    assert "function createView(" in body and body.rstrip().endswith("})();")
    for hook in ('id="croupier-launcher"', 'id="croupier-input"', 'id="croupier-send"', 'id="croupier-messages"',
                 '"croupier-widget"', "croupier-message", 'mode: "open"'):
        assert hook in body, hook


async def test_an_unchanged_script_is_not_sent_again(client):
    first = await client.get(SCRIPT)
    again = await client.get(SCRIPT, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    stale = await client.get(SCRIPT, headers={"If-None-Match": 'W/"something-else"'})
    assert stale.status_code == 200 and stale.content == first.content


async def test_it_is_gzipped_for_browsers_that_accept_it(client):
    plain = await client.get(SCRIPT, headers={"Accept-Encoding": "identity"})
    packed = await client.get(SCRIPT, headers={"Accept-Encoding": "gzip, br"})
    assert packed.headers["content-encoding"] == "gzip" and "Accept-Encoding" in packed.headers["vary"]
    assert int(packed.headers["content-length"]) < len(plain.content) // 2
    assert packed.content == plain.content  # httpx undid the gzip


async def test_head_answers_without_a_body(client):
    r = await client.head(SCRIPT)
    assert r.status_code == 200 and r.headers["etag"]

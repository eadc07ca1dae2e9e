"""Files from the widget: limits (size, type sniffed from the bytes), history, and downloads only by their owner."""

from __future__ import annotations

import base64

from sqlalchemy import func, select

from croupier.conversation import attachments as files
from croupier.conversation.service import conversation_service
from croupier.models import Attachment, Message, Role
from tests.factories import make_brand, make_user, player_says, principal_of, widget_session

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(range(256)) * 4


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _upload(client, token: str, name: str, data: bytes, content_type: str = "image/png", **form):
    return await client.post("/api/widget/v1/attachments", files={"file": (name, data, content_type)},
                             data=form, headers=_auth(token))


async def _stored(db) -> tuple[int, int]:
    async with db.transaction() as s:
        return (await s.scalar(select(func.count()).select_from(Message)),
                await s.scalar(select(func.count()).select_from(Attachment)))


class TestUpload:
    async def test_an_image_is_stored_listed_in_history_and_downloadable_by_its_owner(self, client, db):
        _brand, channel = await make_brand(db)
        token = await widget_session(client, channel)
        r = await _upload(client, token, "../../screenshot.png", PNG, client_id="up-1")
        assert r.status_code == 201, r.text
        att = r.json()["attachments"][0]
        assert (att["filename"], att["content_type"], att["size"]) == ("screenshot.png", "image/png", len(PNG))
        history = (await client.get("/api/widget/v1/messages", headers=_auth(token))).json()
        assert [m["attachments"][0]["id"] for m in history] == [att["id"]]
        download = await client.get(f"/api/widget/v1/attachments/{att['id']}", headers=_auth(token))
        assert download.status_code == 200 and download.content == PNG
        assert download.headers["content-type"] == "image/png"
        assert download.headers["x-content-type-options"] == "nosniff"

    async def test_a_retried_upload_with_the_same_client_id_is_stored_once(self, client, db):
        _brand, channel = await make_brand(db)
        token = await widget_session(client, channel)
        first = await _upload(client, token, "a.png", PNG, client_id="same")
        again = await _upload(client, token, "a.png", PNG, client_id="same")
        assert again.json()["id"] == first.json()["id"]
        assert await _stored(db) == (1, 1)

    async def test_a_file_over_the_limit_is_refused_with_413_and_nothing_is_stored(self, client, db, settings):
        _brand, channel = await make_brand(db)
        token = await widget_session(client, channel)
        await player_says(client, token, "before")
        r = await _upload(client, token, "big.png", PNG + bytes(settings.attachment_max_bytes))
        assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"
        assert "10 MB" in r.json()["error"]["message"]
        assert await _stored(db) == (1, 0)
        assert not settings.attachments_dir.exists() or not any(settings.attachments_dir.rglob("*"))

    async def test_a_program_named_like_an_image_is_refused_with_415(self, client, db):
        _brand, channel = await make_brand(db)
        token = await widget_session(client, channel)
        r = await _upload(client, token, "photo.png", EXE, "image/png")
        assert r.status_code == 415 and r.json()["error"]["code"] == "unsupported_media_type"
        assert "PDF" in r.json()["error"]["message"]
        assert await _stored(db) == (0, 0)

    async def test_an_upload_needs_a_session(self, client, db):
        r = await client.post("/api/widget/v1/attachments", files={"file": ("a.png", PNG, "image/png")})
        assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_widget_token"
        assert await _stored(db) == (0, 0)


class TestDownload:
    async def test_another_visitor_cannot_download_it(self, client, db):
        _brand, channel = await make_brand(db)
        owner = await widget_session(client, channel)
        stranger = await widget_session(client, channel)
        att = (await _upload(client, owner, "id-card.png", PNG)).json()["attachments"][0]
        r = await client.get(f"/api/widget/v1/attachments/{att['id']}", headers=_auth(stranger))
        assert r.status_code == 404 and r.json()["error"]["message"] == "There is no such file."
        missing = await client.get("/api/widget/v1/attachments/999999", headers=_auth(stranger))
        assert missing.status_code == 404

    async def test_the_token_may_come_in_the_query_string(self, client, db):
        _brand, channel = await make_brand(db)
        token = await widget_session(client, channel)
        att = (await _upload(client, token, "a.png", PNG)).json()["attachments"][0]
        r = await client.get(f"/api/widget/v1/attachments/{att['id']}", params={"token": token})
        assert r.status_code == 200 and r.content == PNG

    async def test_a_file_on_a_private_note_stays_with_the_staff(self, client, db):
        brand, channel = await make_brand(db)
        agent = await principal_of(db, await make_user(db, "agent@lucky.test", Role.agent, [brand]))
        token = await widget_session(client, channel)
        sent = await player_says(client, token, "hi")
        async with db.transaction() as s:
            note = await conversation_service.reply(s, agent, sent["conversation_id"], "internal scan",
                                                    private=True, files=(files.store("scan.png", PNG),))
        async with db.transaction() as s:
            att_id = await s.scalar(select(Attachment.id).where(Attachment.message_id == note.id))
        r = await client.get(f"/api/widget/v1/attachments/{att_id}", headers=_auth(token))
        assert r.status_code == 404
        history = (await client.get("/api/widget/v1/messages", headers=_auth(token))).json()
        assert [m["body"] for m in history] == ["hi"]

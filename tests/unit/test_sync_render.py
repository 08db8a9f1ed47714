"""What /about and /admin sync say, in the reader's language."""

from __future__ import annotations

from kdrama import i18n, sync_render


def test_about_reads_in_korean_and_keeps_tmdbs_attribution_as_tmdb_words_it() -> None:
    embed = sync_render.about_reply("1.2.3", True, i18n.text("ko")).embeds[0]
    assert embed.description is not None and embed.description.startswith(
        "한국 드라마의 공개일, 출연진, 예고편"
    )
    assert [f.name for f in embed.fields] == ["정보의 출처", "버전"]
    assert "TMDB의 시청 가능한 곳 정보는 JustWatch에서 제공합니다." in (embed.fields[0].value or "")
    assert embed.footer.text == sync_render.ATTRIBUTION
    english = sync_render.about_reply("1.2.3", True).embeds[0]
    assert [f.name for f in english.fields] == ["Where the facts come from", "Version"]


def test_an_empty_review_queue_in_korean() -> None:
    reply = sync_render.review_reply([], 0, i18n.text("ko"))
    assert reply.content == "검토할 것이 없습니다. 큐레이터가 정한 값이 모두 TMDB와 같습니다."
    assert (
        sync_render.review_reply([], 0).content
        == "Nothing to review: TMDB agrees with every value a curator set."
    )

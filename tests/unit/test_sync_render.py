"""What /about and /admin sync say, in the reader's language."""

from __future__ import annotations

from kdrama import i18n, sync_render
from kdrama.store.sync import ReviewItem


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


def review_item(key: str) -> ReviewItem:
    return ReviewItem(7, 1, "Signal *Remastered*", key, None, None, "", "kept", None)


def test_keep_ours_is_answered_in_the_curators_language() -> None:
    ko = i18n.text("ko")
    assert sync_render.kept_reply(review_item("show.synopsis"), ko).content == (
        "우리 값을 유지했습니다: Signal \\*Remastered\\*의 줄거리은(는) 큐레이터가 정한 그대로입니다."
    )
    assert sync_render.kept_reply(review_item("season.1.release")).content == (
        "Kept ours: the release date of season 1 of Signal \\*Remastered\\* stays as a curator set it."
    )
    assert "시즌 2" in (sync_render.kept_reply(review_item("season.2"), ko).content or "")
    for key in (
        "show.aliases",
        "show.similar",
        "show.cast",
        "show.platform",
        "season.1.trailers",
        "season.1.status",
    ):
        korean = sync_render.kept_reply(review_item(key), ko).content or ""
        assert not any(
            "a" <= ch.lower() <= "z" for ch in korean.replace("Signal", "").replace("Remastered", "")
        ), korean

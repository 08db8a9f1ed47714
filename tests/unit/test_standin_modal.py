"""The Discord stand-in holds a form (a MODAL callback) to Discord's limits, as Discord does."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.standin.validation import ApiError, validate_modal

FORM: dict[str, Any] = {
    "custom_id": "form",
    "title": "Edit Signal",
    "components": [
        {
            "type": 18,
            "label": "Synopsis (empty it to remove)",
            "component": {"type": 4, "custom_id": "synopsis", "style": 2, "max_length": 4000},
        }
    ],
}
OLDER: dict[str, Any] = {
    "custom_id": "note",
    "title": "Note",
    "components": [{"type": 1, "components": [{"type": 4, "custom_id": "n", "style": 1, "label": "Text"}]}],
}


def refused(form: dict[str, Any]) -> set[str]:
    with pytest.raises(ApiError) as caught:
        validate_modal(form)
    assert caught.value.status == 400 and caught.value.body["code"] == 50035
    return set(caught.value.body["errors"])


def test_a_labelled_form_and_the_older_row_layout_pass() -> None:
    validate_modal(FORM)
    validate_modal(OLDER)


def test_what_discord_refuses_in_a_form_is_refused() -> None:
    long_label = copy.deepcopy(FORM)
    long_label["components"][0]["label"] = "x" * 46
    assert refused(long_label) == {"components.0.label"}
    long_title = {**FORM, "title": "y" * 46}
    assert refused(long_title) == {"title"}
    crowded = {**FORM, "components": FORM["components"] * 6}
    assert refused(crowded) == {"components"}
    too_much = copy.deepcopy(FORM)
    too_much["components"][0]["component"]["value"] = "z" * 4001
    assert refused(too_much) == {"components.0.component.value"}
    unlabelled_row = copy.deepcopy(OLDER)
    del unlabelled_row["components"][0]["components"][0]["label"]
    assert refused(unlabelled_row) == {"components.0.components.0.label"}
    two_in_a_row = copy.deepcopy(OLDER)
    two_in_a_row["components"][0]["components"] *= 2
    assert refused(two_in_a_row) == {"components.0.components"}

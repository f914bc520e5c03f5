"""A word said in a video (its transcript) or a chapter title finds the video."""

import pytest

pytestmark = pytest.mark.django_db


def test_transcript_words_find_the_video(videos_a, client_a):
    body = client_a.get("/search/", {"q": "spreadsheet"}).content.decode()
    assert "Take the tour" in body
    assert "<mark>spreadsheet</mark>" in body  # the snippet shows where it is said


def test_chapter_titles_find_the_video(videos_a, client_a):
    body = client_a.get("/search/", {"q": "roles"}).content.decode()
    assert "Invite your team" in body


def test_results_are_labelled_and_filterable(videos_a, client_a):
    body = client_a.get("/search/", {"q": "spreadsheet", "module": "video"}).content.decode()
    assert "Take the tour" in body
    assert "Video tutorials" in body  # the module's facet
    body = client_a.get("/search/", {"q": "spreadsheet", "module": "kb"}).content.decode()
    assert "Take the tour" not in body

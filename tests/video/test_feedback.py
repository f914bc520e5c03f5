"""'Was this helpful?' on a video, like on an article: the vote lands in the tenant's inbox."""

import pytest
from django_tenants.utils import tenant_context

pytestmark = pytest.mark.django_db


def test_video_page_asks_and_takes_a_vote(videos_a, tenant_a, client_a):
    video = videos_a["tour"]
    with tenant_context(tenant_a):
        url = video.url
    page = client_a.get(url).content.decode()
    assert "Was this video helpful?" in page
    response = client_a.post(
        f"/feedback/{video.pk}/", {"helpful": "no", "comment": "Too fast for me."}
    )
    assert response.status_code == 302
    with tenant_context(tenant_a):
        from cms.insights.models import PageFeedback

        vote = PageFeedback.objects.get(page_id=video.pk)
        assert (vote.helpful, vote.comment) == (False, "Too fast for me.")


def test_tenant_b_cannot_vote_on_tenant_a_video(videos_a, client_b):
    response = client_b.post(f"/feedback/{videos_a['tour'].pk}/", {"helpful": "yes"})
    assert response.status_code == 404

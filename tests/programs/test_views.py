import pytest

from programs.models import Program
from tests.factories import ProgramCoordinatorFactory, ProgramFactory


@pytest.mark.django_db
def test_program_list_shows_only_published(client):
    ProgramFactory(name="Lesepat:innen Leipzig")
    ProgramFactory(name="Geheimer Entwurf", status=Program.Status.DRAFT)

    html = client.get("/programme/").content.decode()

    assert "Lesepat:innen Leipzig" in html
    assert "Geheimer Entwurf" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 30])
def test_program_list_query_count_constant(client, django_assert_num_queries, count):
    ProgramFactory.create_batch(count)

    with django_assert_num_queries(2):
        response = client.get("/programme/")

    assert response.status_code == 200


@pytest.mark.django_db
def test_program_detail_published(client):
    program = ProgramFactory(name="Ankommenspatenschaften")

    response = client.get(f"/programme/{program.slug}/")

    assert response.status_code == 200
    assert "Ankommenspatenschaften" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status", [Program.Status.DRAFT, Program.Status.REVIEW, Program.Status.ARCHIVED]
)
def test_program_detail_unpublished_is_404(client, status):
    program = ProgramFactory(status=status)

    assert client.get(f"/programme/{program.slug}/").status_code == 404


@pytest.mark.django_db
def test_coordination_denied_to_volunteer(client, user):
    client.force_login(user)

    assert client.get("/koordination/").status_code == 403


@pytest.mark.django_db
def test_coordination_lists_only_own_programs(client):
    membership = ProgramCoordinatorFactory(program__name="Lesepat:innen Leipzig")
    ProgramFactory(name="Fremdes Programm")
    client.force_login(membership.user)

    response = client.get("/koordination/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Lesepat:innen Leipzig" in html
    assert "Fremdes Programm" not in html


@pytest.mark.django_db
def test_coordinator_permission_is_per_program():
    membership = ProgramCoordinatorFactory()
    other = ProgramFactory()

    assert membership.user.has_perm("programs.coordinate_program", membership.program) is True
    assert membership.user.has_perm("programs.coordinate_program", other) is False

"""Pages and downloads that show people's records write one "viewed" or "exported" entry."""

import pytest
from auditlog.models import LogEntry

from tests.factories import EventFactory, ProgramCoordinatorFactory, running_tandem
from tests.factories.tandems import applicant, new_mentee


def access_entries():
    return list(
        LogEntry.objects.filter(action=LogEntry.Action.ACCESS)
        .select_related("content_type")
        .order_by("pk")
    )


def summary(entry) -> tuple:
    return (
        entry.content_type.model,
        entry.object_pk,
        entry.additional_data,
        entry.actor_id,
    )


@pytest.fixture
def signed_in(client, program, coordinator):
    client.force_login(coordinator)
    return client


def test_opening_a_mentee_page_writes_one_viewed_entry(signed_in, program, coordinator):
    mentee = new_mentee(program, first_name="Samira")

    response = signed_in.get(f"/koordination/mentees/{mentee.pk}/")

    assert response.status_code == 200
    [entry] = access_entries()
    assert summary(entry) == (
        "mentee",
        str(mentee.pk),
        {"program": program.pk, "what": "viewed", "detail": ""},
        coordinator.pk,
    )
    assert entry.object_repr == "Samira"


def test_opening_an_application_and_its_screening_form_writes_one_entry_each(
    signed_in, program, coordinator
):
    application = applicant(program)

    signed_in.get(f"/koordination/bewerbungen/{application.pk}/")
    signed_in.get(f"/koordination/bewerbungen/{application.pk}/fuehrungszeugnis/")

    assert [summary(e) for e in access_entries()] == [
        (
            "application",
            str(application.pk),
            {"program": program.pk, "what": "viewed", "detail": ""},
            coordinator.pk,
        ),
        (
            "application",
            str(application.pk),
            {"program": program.pk, "what": "viewed", "detail": "§ 72a"},
            coordinator.pk,
        ),
    ]


def test_opening_a_tandem_and_a_checkin_writes_one_entry_each(signed_in, program, coordinator):
    tandem = running_tandem(program)
    checkin = tandem.checkins.get(respondent="mentee", occasion="start")

    signed_in.get(f"/koordination/tandems/{tandem.pk}/")
    response = signed_in.get(f"/koordination/checkins/{checkin.pk}/")

    assert response.status_code == 200
    assert [summary(e)[:3] for e in access_entries()] == [
        ("tandem", str(tandem.pk), {"program": program.pk, "what": "viewed", "detail": ""}),
        ("checkin", str(checkin.pk), {"program": program.pk, "what": "viewed", "detail": ""}),
    ]


@pytest.mark.parametrize(
    ("path", "detail"),
    [
        ("tandems.csv", "tandems.csv"),
        ("handlungsbedarf/ohne-treffen.csv", "handlungsbedarf/ohne-treffen.csv"),
        ("handlungsbedarf/nachpruefung-72a.csv", "handlungsbedarf/nachpruefung-72a.csv"),
    ],
)
def test_a_csv_download_writes_one_exported_entry_about_the_program(
    signed_in, program, coordinator, path, detail
):
    for _n in range(3):
        running_tandem(program)

    response = signed_in.get(f"/koordination/programme/{program.slug}/{path}")

    assert response.status_code == 200
    assert [summary(e) for e in access_entries()] == [
        (
            "program",
            str(program.pk),
            {"program": program.pk, "what": "exported", "detail": detail},
            coordinator.pk,
        )
    ]


def test_the_participant_list_and_its_csv_write_one_entry_each(signed_in, program, coordinator):
    event = EventFactory(program=program)

    signed_in.get(f"/koordination/veranstaltungen/{event.slug}/teilnehmende/")
    signed_in.get(f"/koordination/veranstaltungen/{event.slug}/teilnehmende.csv")

    assert [summary(e) for e in access_entries()] == [
        (
            "event",
            str(event.pk),
            {"program": program.pk, "what": "viewed", "detail": "teilnehmende"},
            coordinator.pk,
        ),
        (
            "event",
            str(event.pk),
            {"program": program.pk, "what": "exported", "detail": "teilnehmende.csv"},
            coordinator.pk,
        ),
    ]


def test_the_html_lists_and_the_funders_report_write_nothing(signed_in, program):
    running_tandem(program)

    for path in ("tandems/", "mentees/", "bewerbungen/", "bericht/", "bericht.csv"):
        assert signed_in.get(f"/koordination/programme/{program.slug}/{path}").status_code == 200

    assert access_entries() == []


def test_a_denied_page_writes_nothing(client, program):
    mentee = new_mentee(program)
    other = ProgramCoordinatorFactory().user
    client.force_login(other)

    assert client.get(f"/koordination/mentees/{mentee.pk}/").status_code == 404
    assert client.get(f"/koordination/programme/{program.slug}/tandems.csv").status_code == 404
    client.logout()
    assert client.get(f"/koordination/mentees/{mentee.pk}/").status_code == 302

    assert access_entries() == []


def test_a_refused_checkin_page_and_a_post_write_no_viewed_entry(signed_in, program):
    tandem = running_tandem(program)
    later = tandem.checkins.filter(respondent="mentee", occasion="regular").first()

    assert signed_in.get(f"/koordination/checkins/{later.pk}/").status_code == 302
    signed_in.post(f"/koordination/bewerbungen/{applicant(program).pk}/fuehrungszeugnis/", {})

    assert access_entries() == []

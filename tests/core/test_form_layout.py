"""The one form layout (templates/includes/form_errors.html, form_field.html, FORM_RENDERER): an
error summary linking to the fields, the error beside its field, aria-invalid, required markers
with their explanation, help texts tied to their fields; in German and in English."""

import re

import pytest
from django import forms
from django.template import Context, Template

from tandems.models import Mentee
from tests.factories import ProgramCoordinatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentee_form(client):
    membership = ProgramCoordinatorFactory()
    client.force_login(membership.user)
    return f"/koordination/programme/{membership.program.slug}/mentees/neu/"


def test_bad_input_shows_the_summary_and_the_inline_error_in_german(client, mentee_form):
    response = client.post(mentee_form, {"first_name": "", "year_of_birth": "abc"})

    html = response.content.decode()
    assert response.status_code == 200
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    assert "Bitte prüfen Sie Ihre Angaben" in summary
    required = "Dieses Feld ist zwingend erforderlich."
    assert f'<a href="#id_first_name">Vorname oder Pseudonym: {required}</a>' in summary
    assert 'href="#id_year_of_birth"' in summary
    assert '<p class="field-error" id="id_first_name-error-1">' in html
    first_name = re.search(r'<input [^>]*name="first_name"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in first_name
    assert 'aria-describedby="id_first_name-error-1' in first_name
    assert Mentee.objects.count() == 0


def test_required_fields_are_marked_and_explained_in_german(client, mentee_form):
    html = client.get(mentee_form).content.decode()

    assert '<p class="required-note">Felder mit * sind Pflichtfelder.</p>' in html
    assert "error-summary" not in html
    label = re.search(r'<label for="id_first_name">.*?</label>', html).group(0)
    assert '<span class="required" aria-hidden="true"> *</span>' in label
    first_name = re.search(r'<input [^>]*name="first_name"[^>]*>', html).group(0)
    assert " required" in first_name
    assert "aria-invalid" not in first_name


@pytest.mark.usefixtures("english")
def test_summary_and_required_note_in_english(client, mentee_form):
    response = client.post("/en" + mentee_form, {"first_name": ""})

    html = response.content.decode()
    assert "Please check your entries" in html
    assert '<a href="#id_first_name">First name or pseudonym: This field is required.</a>' in html
    assert '<p class="required-note">Fields marked * are required.</p>' in html


class SampleForm(forms.Form):
    name = forms.CharField(label="Name", help_text="As on the door bell.")
    note = forms.CharField(label="Note", required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)


@pytest.mark.usefixtures("english")
def test_form_renderer_renders_a_plain_form_in_the_same_layout():
    form = SampleForm(data={"name": "", "token": "x"})

    html = Template("{{ form }}").render(Context({"form": form}))

    assert '<div class="error-summary"' in html
    assert '<a href="#id_name">Name: This field is required.</a>' in html
    assert '<p class="field-error" id="id_name-error-1">' in html
    name = re.search(r'<input [^>]*name="name"[^>]*>', html).group(0)
    assert 'aria-describedby="id_name-error-1 id_name-help"' in name
    assert '<div class="help" id="id_name-help">As on the door bell.</div>' in html
    assert '<input type="hidden" name="token" value="x"' in html
    assert html.count('class="required"') == 1  # the name, not the note

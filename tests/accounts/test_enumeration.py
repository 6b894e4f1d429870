"""Sign-up tells a stranger nothing about whether an address has an account: the same answer,
the same mail count and the same work (the password is hashed once on both paths)."""

from unittest import mock

import pytest
from django.contrib.auth.hashers import get_hasher
from django.test import Client

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = "/konto/signup/"


def sign_up(email):
    """The answer, the page it leads to, the mails sent and the password hashings it cost."""
    client = Client()
    hasher = type(get_hasher())
    with mock.patch.object(hasher, "encode", autospec=True, side_effect=hasher.encode) as encode:
        response = client.post(
            SIGNUP, {"email": email, "password1": PASSWORD, "password2": PASSWORD}
        )
    page = client.get(response["Location"])
    return response, page, encode.call_count


def test_signup_hashes_the_password_once_for_a_new_and_for_a_known_address(mailoutbox):
    UserFactory(email="bekannt@example.org")

    _new, _page, new_hashings = sign_up("neu@example.org")
    _known, _page, known_hashings = sign_up("bekannt@example.org")

    assert (new_hashings, known_hashings) == (1, 1)
    assert [mail.to for mail in mailoutbox] == [["neu@example.org"], ["bekannt@example.org"]]


def test_signup_answers_a_new_and_a_known_address_with_the_same_page(mailoutbox):
    UserFactory(email="bekannt@example.org")

    new, new_page, _count = sign_up("neu@example.org")
    known, known_page, _count = sign_up("bekannt@example.org")

    assert (new.status_code, new["Location"]) == (known.status_code, known["Location"])
    assert new_page.status_code == known_page.status_code == 200
    assert new_page.content.decode().replace("neu@", "X@") == known_page.content.decode().replace(
        "bekannt@", "X@"
    )

from allauth.account.forms import SignupForm as AllauthSignupForm
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.contrib.auth.forms import UserCreationForm as BaseUserCreationForm
from django.contrib.auth.hashers import make_password

from .models import User


class UserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ["email"]


class UserChangeForm(BaseUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class SignupForm(AllauthSignupForm):
    """allauth's sign-up, doing the same work for a known address as for a new one.

    With ACCOUNT_PREVENT_ENUMERATION a known address gets a mail instead of a second account, and
    the same page. But a new account's password is hashed (PBKDF2, the bulk of the time), so the
    known address answered in ~95 ms and a new one in ~860 ms. Hashing the password once on the
    known path too, and throwing the hash away, makes the two take the same time."""

    def try_save(self, request):
        if self.account_already_exists:
            make_password(self.cleaned_data["password1"])
        return super().try_save(request)

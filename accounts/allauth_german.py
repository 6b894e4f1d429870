"""
Account texts of django-allauth that get formal German translations in this portal.

The portal addresses people formally ("Sie"), but allauth's German catalogue often uses the
informal "du". The strings listed here are the allauth texts that reach people on this portal
(account pages, account messages and e-mails) and that allauth translates informally. Their
formal German translations live in the portal's catalogue (locale/de/LC_MESSAGES/django.po),
which takes precedence over allauth's because it is in LOCALE_PATHS. Listing the msgids here
lets `make messages` (makemessages --no-obsolete) find and keep them. Each msgid must match
allauth's exactly, or the override has no effect.
"""

from django.utils.translation import gettext_noop

STRINGS = (
    # account/adapter.py
    gettext_noop("Please type your current password."),
    gettext_noop("Too many failed login attempts. Try again later."),
    # account/adapter.py, templates/account/messages/unverified_primary_email.txt
    gettext_noop("Your primary email address must be verified."),
    # account/forms.py
    gettext_noop("You must type the same password each time."),
    # templates/account/email/account_already_exists_message.txt
    gettext_noop(
        "You are receiving this email because you or someone else tried to signup for an\n"
        "account using email address:\n"
        "\n"
        "%(email)s\n"
        "\n"
        "However, an account using that email address already exists.  In case you have\n"
        "forgotten about this, please use the password forgotten procedure to recover\n"
        "your account:\n"
        "\n"
        "%(password_reset_url)s"
    ),
    # templates/account/email/base_message.txt
    gettext_noop("Thank you for using %(site_name)s!\n%(site_domain)s"),
    # templates/account/email/email_confirmation_subject.txt
    gettext_noop("Please Confirm Your Email Address"),
    # templates/account/email/password_reset_key_message.txt
    gettext_noop(
        "You're receiving this email because you or someone else has requested a password "
        "reset for your user account.\n"
        "It can be safely ignored if you did not request a password reset. Click the link "
        "below to reset your password."
    ),
    # templates/account/email_change.html
    gettext_noop("Your email address is still pending verification."),
    # templates/account/email_confirm.html
    gettext_noop(
        'Please confirm that <a href="mailto:%(email)s">%(email)s</a> is an email address '
        "for user %(user_display)s."
    ),
    gettext_noop(
        "This email confirmation link expired or is invalid. "
        'Please <a href="%(email_url)s">issue a new email confirmation request</a>.'
    ),
    # templates/account/login.html
    gettext_noop(
        "If you have not created an account yet, then please %(link)ssign up%(end_link)s first."
    ),
    # templates/account/logout.html
    gettext_noop("Are you sure you want to sign out?"),
    # templates/account/messages/cannot_delete_primary_email.txt
    gettext_noop("You cannot remove your primary email address (%(email)s)."),
    # templates/account/messages/email_confirmed.txt
    gettext_noop("You have confirmed %(email)s."),
    # templates/account/messages/logged_out.txt
    gettext_noop("You have signed out."),
    # templates/account/password_reset.html
    gettext_noop(
        "Forgotten your password? Enter your email address below, and we'll send you an "
        "email allowing you to reset it."
    ),
    gettext_noop("Please contact us if you have any trouble resetting your password."),
    # templates/account/password_reset_done.html
    gettext_noop(
        "We have sent you an email. If you have not received it please check your spam "
        "folder. Otherwise contact us if you do not receive it in a few minutes."
    ),
    # templates/account/password_reset_from_key.html
    gettext_noop(
        "The password reset link was invalid, possibly because it has already been used.  "
        'Please request a <a href="%(passwd_reset_url)s">new password reset</a>.'
    ),
    # templates/account/password_reset_from_key_done.html
    gettext_noop("Your password is now changed."),
    # templates/account/signup.html, templates/account/signup_by_passkey.html
    gettext_noop("Already have an account? Then please %(link)ssign in%(end_link)s."),
    # templates/account/snippets/already_logged_in.html
    gettext_noop("You are already logged in as %(user_display)s."),
    # templates/account/snippets/warn_no_email.html
    gettext_noop(
        "You currently do not have any email address set up. You should really add an email "
        "address so you can receive notifications, reset your password, etc."
    ),
    # templates/account/verification_sent.html, templates/account/verified_email_required.html
    gettext_noop("Verify Your Email Address"),
    # templates/account/verification_sent.html
    gettext_noop(
        "We have sent an email to you for verification. Follow the link provided to finalize "
        "the signup process. If you do not see the verification email in your main inbox, "
        "check your spam folder. Please contact us if you do not receive the verification "
        "email within a few minutes."
    ),
    # templates/mfa/recovery_codes/generate.html
    gettext_noop("You are about to generate a new set of recovery codes for your account."),
    # templates/mfa/totp/deactivate_form.html
    gettext_noop(
        "You are about to deactivate authenticator app based authentication. Are you sure?"
    ),
    # Texts whose German in allauth is wrong or odd rather than informal.
    gettext_noop("Email Address"),
    gettext_noop("Change Email"),
    gettext_noop("Hello from %(site_name)s!"),
    gettext_noop("Bad Token"),
    gettext_noop(
        "You're receiving this email because user %(user_display)s has given your email address "
        "to register an account on %(site_domain)s."
    ),
)

"""The network staff's pages for the portal's texts, in place of the admin: editorial and legal
pages (flat pages, one per language), the funders and partners with their logos, and the
contact people. Network staff and operators only; everybody else signed in gets 403.

Saving goes through the forms of pages/forms.py, which hand off to pages.services: the same
rules as in the admin (addresses, legal pages always online, logos checked and encoded anew).
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.flatpages.models import FlatPage
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy
from django.views.generic import CreateView, ListView, TemplateView, UpdateView
from rules.contrib.views import PermissionRequiredMixin

from . import services
from .forms import ContactPersonForm, PageForm, PartnerForm
from .models import LEGAL_SLUGS, ContactPerson, Partner

PAGE_SIZE = 100


class StaffMixin(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = "pages.manage_content"
    # The staff navigation marks the section.
    section = ""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "staff_section": self.section}


class StaffListView(StaffMixin, ListView):
    """A list of one kind of record, all on one page (there are few)."""

    context_object_name = "rows"
    paginate_by = PAGE_SIZE

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()


class StaffFormMixin(StaffMixin):
    """Create or edit through the form's save(), which calls the service; a refusal of the
    service is shown at the form, nothing is written."""

    saved_message = gettext_lazy("Saved.")
    list_url = ""

    def form_valid(self, form):
        try:
            form.save()
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, texts in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, texts)
            else:
                form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, self.saved_message)
        return redirect(self.list_url)


class StaffDeleteView(StaffMixin, TemplateView):
    """Asks before deleting (GET), deletes on POST."""

    template_name = "includes/staff_confirm_delete.html"
    model = None
    list_url = ""
    deleted_message = ""

    @cached_property
    def object(self):
        return get_object_or_404(self.model, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return {**context, "object": self.object, "list_url": self.list_url}

    def remove(self):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        name = str(self.object)
        self.remove()
        messages.success(request, self.deleted_message % {"name": name})
        return redirect(self.list_url)


# --- Editorial and legal pages ---------------------------------------------------------------


def _pages():
    pages = FlatPage.objects.select_related("page_settings")
    return pages.order_by("page_settings__position", "url")


class PageListView(StaffListView):
    template_name = "pages/staff/page_list.html"
    section = "pages"

    def get_queryset(self):
        return _pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for page in context["rows"]:
            slug, language = services.page_url_parts(page.url) or ("", "")
            settings = getattr(page, "page_settings", None)
            page.language = language
            page.is_legal = slug in LEGAL_SLUGS
            page.is_published = page.is_legal or settings is None or settings.published
            page.menu_position = settings.position if settings else 0
        context["legal_urls"] = ", ".join(f"/{slug}/" for slug in LEGAL_SLUGS)
        return context


class PageFormMixin(StaffFormMixin):
    template_name = "pages/staff/page_form.html"
    form_class = PageForm
    section = "pages"
    saved_message = gettext_lazy("The page has been saved.")
    list_url = "pages:staff_pages"


class PageCreateView(PageFormMixin, CreateView):
    def get_initial(self):
        # A start for an English page: /en/ and the German page's name.
        url = self.request.GET.get("url", "")
        return {"url": url} if services.page_url_parts(url) else {}


class PageEditView(PageFormMixin, UpdateView):
    def get_queryset(self):
        return _pages()


class PageDeleteView(StaffDeleteView):
    """A legal page deleted shows the portal's default text again."""

    model = FlatPage
    section = "pages"
    list_url = "pages:staff_pages"
    deleted_message = gettext_lazy("“%(name)s” has been deleted.")

    def remove(self):
        services.page_delete(page=self.object)


# --- Funders and partners ---------------------------------------------------------------------


class PartnerListView(StaffListView):
    template_name = "pages/staff/partner_list.html"
    section = "partners"

    def get_queryset(self):
        return Partner.objects.order_by("kind", "position", "name")


class PartnerFormMixin(StaffFormMixin):
    template_name = "pages/staff/partner_form.html"
    form_class = PartnerForm
    section = "partners"
    saved_message = gettext_lazy("The funder or partner has been saved.")
    list_url = "pages:staff_partners"


class PartnerCreateView(PartnerFormMixin, CreateView):
    pass


class PartnerEditView(PartnerFormMixin, UpdateView):
    def get_queryset(self):
        return Partner.objects.all()


class PartnerDeleteView(StaffDeleteView):
    model = Partner
    section = "partners"
    list_url = "pages:staff_partners"
    deleted_message = gettext_lazy("“%(name)s” has been deleted.")

    def remove(self):
        services.partner_delete(partner=self.object)


# --- Contact people ---------------------------------------------------------------------------


class ContactListView(StaffListView):
    template_name = "pages/staff/contactperson_list.html"
    section = "contacts"

    def get_queryset(self):
        return ContactPerson.objects.order_by("position", "name")


class ContactFormMixin(StaffFormMixin):
    template_name = "pages/staff/contactperson_form.html"
    form_class = ContactPersonForm
    section = "contacts"
    saved_message = gettext_lazy("The contact person has been saved.")
    list_url = "pages:staff_contacts"


class ContactCreateView(ContactFormMixin, CreateView):
    pass


class ContactEditView(ContactFormMixin, UpdateView):
    def get_queryset(self):
        return ContactPerson.objects.all()


class ContactDeleteView(StaffDeleteView):
    model = ContactPerson
    section = "contacts"
    list_url = "pages:staff_contacts"
    deleted_message = gettext_lazy("“%(name)s” has been deleted.")

    def remove(self):
        services.contact_person_delete(person=self.object)

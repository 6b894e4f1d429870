"""Network staff keep the vocabularies (target groups, topics, formats, funding badges, event
types, audiences, news topics) here instead of in the admin: list, add, rename in German and
English, reorder. Network staff and operators only; everybody else signed in gets 403.

Terms are not deleted here: programs, events and news items name them, and a filter address
(`?thema=…`) may be bookmarked anywhere.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView
from rules.contrib.views import PermissionRequiredMixin

from .forms import VocabularyTermForm
from .vocabularies import VOCABULARIES


class StaffMixin(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = "programs.manage_vocabularies"


class VocabularyMixin(StaffMixin):
    @cached_property
    def model(self):
        model = VOCABULARIES.get(self.kwargs["kind"])
        if model is None:
            raise Http404
        return model

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            kind=self.kwargs["kind"],
            vocabulary_name=self.model._meta.verbose_name_plural,
            staff_section="vocabularies",
        )
        return context


class VocabularyListView(StaffMixin, TemplateView):
    """Every vocabulary with its terms: one query each, seven in all."""

    template_name = "mentoring/vocabularies.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["vocabularies"] = [
            {
                "kind": kind,
                "name": model._meta.verbose_name_plural,
                "terms": list(model.objects.all()),
            }
            for kind, model in VOCABULARIES.items()
        ]
        context["staff_section"] = "vocabularies"
        return context


class VocabularyTermFormView(VocabularyMixin, FormView):
    template_name = "mentoring/vocabulary_term_form.html"
    form_class = VocabularyTermForm

    @cached_property
    def term(self):
        if "pk" not in self.kwargs:
            return self.model()
        return get_object_or_404(self.model, pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "term": self.term}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "term": self.term}

    def form_valid(self, form):
        try:
            term = form.save()
        except ValidationError:
            return self.form_invalid(form)
        messages.success(self.request, _("“%(term)s” has been saved.") % {"term": term.label})
        return redirect(f"{reverse('vocabularies')}#{self.kwargs['kind']}")

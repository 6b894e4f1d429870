from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseNotModified,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_POST, require_safe
from django.views.generic import (
    CreateView,
    DetailView,
    ListView,
    RedirectView,
    TemplateView,
    UpdateView,
)
from rules.contrib.views import PermissionRequiredMixin

from core.actions import run_action
from core.http import accepts_gzip, etag_matches, json_ld

from . import cache, gazetteer, geojson, services
from .exports import data_license, public_programs_csv_lines
from .forms import ProgramListingForm, ProgramProposalForm, ReasonForm
from .maps import map_config
from .models import ModerationNotice, Program, ProgramChange
from .selectors import (
    canonical_query,
    canonical_query_string,
    online_or_nationwide_count,
    program_detail_queryset,
    program_facets,
    program_filterset,
    program_list,
    program_search_suggestion,
    review_queue,
    split_by_reach,
)

MAP_RESULTS_SHOWN = 50
# The query of a URL without one (immutable: shared by every such request).
EMPTY_QUERY = QueryDict()
RADIUS_OPTIONS = [5, 10, 25, 50, 100, 200, 500]


def listing_query_is_canonical(request) -> bool:
    """Cache list and map pages only for queries a form or a link of the portal produces."""
    query = request.GET.copy()
    page = query.pop("page", [""])[-1]
    if page and not (page.isascii() and page.isdigit()):
        return False
    if not query:
        return True
    given = tuple(sorted((name, tuple(sorted(values))) for name, values in query.lists()))
    return given == canonical_query(query=query, language=get_language())


def data_license_version() -> str:
    # The pages show the licence: a changed setting is a new page, not an hour-old one.
    return f"{settings.DATA_LICENSE}\x1f{settings.DATA_ATTRIBUTION}"


cache_listing_page = cache.cache_public_page(
    query_is_canonical=listing_query_is_canonical, version=data_license_version
)


class FilteredProgramsMixin:
    """List and map share the FilterSet, the facets and the place search."""

    def get_filterset(self):
        if not hasattr(self, "_filterset"):
            self._filterset = program_filterset(data=self.request.GET, language=get_language())
        return self._filterset

    def get_queryset(self):
        return program_list(filterset=self.get_filterset())

    def paginate_queryset(self, queryset, page_size):
        """A page number out of range or not a number shows the nearest page, never a 404."""
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def filter_context(self) -> dict:
        filterset = self.get_filterset()
        query = self.request.GET.copy()
        query.pop("page", None)
        without_place = query.copy()
        without_place.pop("ort", None)
        # The downloads carry the query reduced to what changes the result (no page, no junk).
        download_query = canonical_query_string(query=self.request.GET, language=get_language())
        suffix = f"?{download_query}" if download_query else ""
        facets = program_facets(filterset=filterset)
        availability = (
            filterset.form.cleaned_data.get("plaetze") or [] if filterset.is_bound else []
        )
        age = filterset.form.cleaned_data.get("alter") if filterset.is_bound else None
        return {
            "filterset": filterset,
            "facets": facets,
            # How many of the folded filters are chosen (the phone's "More filters" opens then).
            "filters_chosen": sum(term["selected"] for facet in facets for term in facet["terms"])
            + len(availability)
            + (age is not None),
            "place": filterset.place,
            "radius_km": filterset.radius_km,
            "suggestions": filterset.suggestions,
            "notices": filterset.notices,
            "query_string": query.urlencode(),
            "query_without_place": without_place.urlencode(),
            "gazetteer_attribution": gazetteer.attribution(),
            "download_csv_url": reverse("programs:export_csv") + suffix,
            "download_geojson_url": reverse("programs:geojson") + suffix,
            "data_license": data_license(),
            "radius_options": sorted({*RADIUS_OPTIONS, filterset.radius_km}),
            "availability_choices": Program.Availability.choices,
            "selected_availability": availability,
        }

    def reach_sections(self, programs, total: int) -> dict:
        """Near a place, online and nationwide programs form their own section without a
        distance and are not counted as near (one count query, whatever the data)."""
        filterset = self.get_filterset()
        if filterset.place is None:
            return {"local_programs": programs, "wide_programs": [], "local_count": total}
        local, wide = split_by_reach(programs)
        wide_count = online_or_nationwide_count(filterset=filterset)
        return {
            "local_programs": local,
            "wide_programs": wide,
            "wide_count": wide_count,
            "local_count": total - wide_count,
        }


@method_decorator(cache_listing_page, name="dispatch")
class ProgramListView(FilteredProgramsMixin, ListView):
    template_name = "programs/program_list.html"
    context_object_name = "programs"
    paginate_by = 20

    def get_context_data(self, **kwargs):
        context = {**super().get_context_data(**kwargs), **self.filter_context()}
        context.update(self.reach_sections(context["programs"], context["paginator"].count))
        if not context["paginator"].count:
            # "Did you mean …?": the search with its misspelt words corrected, other filters kept.
            corrected = program_search_suggestion(filterset=self.get_filterset())
            if corrected:
                query = self.request.GET.copy()
                query.pop("page", None)
                query["q"] = corrected
                context["search_suggestion"] = {"text": corrected, "query": query.urlencode()}
        return context


@method_decorator(cache_listing_page, name="dispatch")
class MapView(FilteredProgramsMixin, ListView):
    """The map; without JavaScript it shows the first results as a list and links the full list."""

    template_name = "programs/map.html"
    context_object_name = "programs"
    embedded = False

    def get_queryset(self):
        return super().get_queryset()[:MAP_RESULTS_SHOWN]

    def get_context_data(self, **kwargs):
        context = {**super().get_context_data(**kwargs), **self.filter_context()}
        query = context["query_string"]
        context["result_count"] = self.get_filterset().qs.count()
        context.update(self.reach_sections(context["programs"], context["result_count"]))
        context["results_shown"] = MAP_RESULTS_SHOWN
        context["geojson_url"] = reverse("programs:geojson") + (f"?{query}" if query else "")
        context["embed_url"] = (
            settings.SITE_URL + reverse("programs:embed") + (f"?{query}" if query else "")
        )
        context["map_config"] = map_config()
        return context


@method_decorator([xframe_options_exempt, csp_replace({"frame-ancestors": ["*"]})], name="dispatch")
class EmbedMapView(MapView):
    """The map for partner sites' iframes: the only framable page, and it sets no cookie."""

    template_name = "programs/map_embed.html"
    embedded = True


@require_safe
def programs_geojson(request):
    return geojson_response(request)


def geojson_response(request):
    """The ready bytes of the GeoJSON (GeoJSONMiddleware answers with this ahead of the other
    middleware): the headers read straight from the WSGI environment, an empty query without
    parsing it."""
    query = request.GET if request.META.get("QUERY_STRING") else EMPTY_QUERY
    payload = geojson.payload(query=query, language=get_language())
    gzip_ok = accepts_gzip(request.META.get("HTTP_ACCEPT_ENCODING", ""))
    # Each representation has its own validator.
    etag = payload.etag if gzip_ok else payload.etag[:-1] + '-identity"'
    if etag_matches(request.META.get("HTTP_IF_NONE_MATCH", ""), etag):
        response = HttpResponseNotModified()
    else:
        body = payload.gzipped if gzip_ok else payload.raw
        response = HttpResponse(body, content_type="application/geo+json")
        # Served ahead of CommonMiddleware, which would set it: without it the WSGI server
        # sends the bytes in chunks (and copies them once more to frame each chunk).
        response["Content-Length"] = str(len(body))
        if gzip_ok:
            response["Content-Encoding"] = "gzip"
    response["ETag"] = etag
    response["Vary"] = "Accept-Encoding"
    response["Cache-Control"] = "public, max-age=60"
    return response


@require_safe
def programs_csv(request):
    """The published programs of the list's filter as CSV, streamed: the list's FilterSet and
    order, the public import columns (programs/exports.py). The licence and attribution travel in
    HTTP headers and the file name, not in the file, so that it opens in a spreadsheet and
    imports again with import_programs."""
    filterset = program_filterset(data=request.GET, language=get_language())
    queryset = program_list(filterset=filterset)
    terms = data_license()
    response = StreamingHttpResponse(
        public_programs_csv_lines(queryset=queryset), content_type="text/csv; charset=utf-8"
    )
    filename = f"mentoring-programme_{slugify(terms['license']) or 'daten'}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Data-License"] = terms["license"]
    response["X-Data-Attribution"] = terms["attribution"]
    if terms["licenseUrl"]:
        response["Link"] = f'<{terms["licenseUrl"]}>; rel="license"'
    response["Cache-Control"] = "public, max-age=60"
    return response


@method_decorator(cache.cache_public_page, name="dispatch")
class ProgramDetailView(DetailView):
    template_name = "programs/program_detail.html"

    def get_queryset(self):
        return program_detail_queryset()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["structured_data"] = json_ld(program_structured_data(self.object))
        context["map_config"] = map_config()
        return context


def program_structured_data(program: Program) -> dict:
    """schema.org description of the program for search engines."""
    data = {
        "@context": "https://schema.org",
        "@type": "Service",
        "name": program.name,
        "description": program.summary or program.description[:300],
        "url": settings.SITE_URL + program.get_absolute_url(),
        "provider": {"@type": "NGO", "name": program.organization.name},
        "serviceType": "Mentoring",
        "audience": [
            {"@type": "Audience", "audienceType": g.label} for g in program.target_groups.all()
        ],
    }
    if program.city:
        data["areaServed"] = {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "postalCode": program.postcode,
                "addressLocality": program.city,
                "addressCountry": "DE",
            },
        }
        if program.has_location:
            data["areaServed"]["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": program.latitude,
                "longitude": program.longitude,
            }
    return data


# --- Self-service and moderation -----------------------------------------------------------


class ProgramEditView(LoginRequiredMixin, PermissionRequiredMixin, UpdateView):
    template_name = "programs/program_form.html"
    form_class = ProgramListingForm
    permission_required = "programs.change_listing"
    queryset = Program.objects.select_related("organization")

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            # Another program's listing does not exist for this coordinator.
            raise Http404
        return super().handle_no_permission()

    def pending_change(self):
        if not hasattr(self, "_pending"):
            self._pending = self.object.changes.filter(status=ProgramChange.Status.PENDING).first()
        return self._pending

    def get_initial(self):
        # A waiting proposal is what the coordinator last wrote: edit that, not the public text.
        change = self.pending_change()
        return {**super().get_initial(), **(change.data if change else {})}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pending_change"] = self.pending_change()
        context["map_config"] = map_config()
        return context

    def form_valid(self, form):
        change = form.save(user=self.request.user)
        if change is None:
            messages.success(self.request, _("The listing has been saved."))
        else:
            messages.success(
                self.request,
                _("Your changes were sent to the network staff; they go online once approved."),
            )
        return redirect("programs:edit", slug=self.object.slug)


class ProgramProposeView(LoginRequiredMixin, PermissionRequiredMixin, CreateView):
    """A coordinator proposes a new program; it waits for the network's review, unseen."""

    template_name = "programs/program_propose.html"
    form_class = ProgramProposalForm
    permission_required = "programs.propose_program"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            program = form.save()
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "Thank you! The network staff will review the new program before it is shown "
                "on the map. You will hear from them by e-mail."
            ),
        )
        return redirect("programs:edit", slug=program.slug)


def _listing_action(request, slug: str, action, success: str):
    program = get_object_or_404(Program, slug=slug)
    if not request.user.has_perm("programs.change_listing", program):
        raise Http404
    run_action(request, lambda: action(program=program), success=success)
    return redirect("programs:edit", slug=program.slug)


@require_POST
def program_submit_view(request, slug):
    return _listing_action(
        request,
        slug,
        lambda program: services.program_submit_for_review(program=program, by=request.user),
        _("The listing has been submitted for review."),
    )


@require_POST
def notice_acknowledge_view(request, pk):
    """The recipient has read a "published" notice of the network; it leaves their page."""
    notice = get_object_or_404(
        ModerationNotice, pk=pk, recipient=request.user if request.user.is_authenticated else None
    )
    run_action(
        request,
        lambda: services.moderation_notice_acknowledge(notice=notice, user=request.user),
        success=_("Noted."),
    )
    return redirect("tandems:coordination")


class MovedPermanentlyView(RedirectView):
    """An address of the network's review from before it moved to /netzwerk/."""

    permanent = True
    query_string = True


@require_POST
def program_mark_reviewed_view(request, slug):
    return _listing_action(
        request,
        slug,
        services.program_mark_reviewed,
        _("Thank you: the listing is marked as current."),
    )


class ReviewQueueView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    template_name = "programs/review_queue.html"
    permission_required = "programs.review_listings"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **review_queue(), "reason_form": ReasonForm()}


def _review_action(request, do, success: str):
    if not request.user.has_perm("programs.review_listings"):
        raise Http404
    run_action(request, do, success=success)
    return redirect("programs:review_queue")


def _reason(request) -> str:
    form = ReasonForm(request.POST)
    return form.cleaned_data["reason"] if form.is_valid() else ""


@require_POST
def review_program_view(request, slug, decision):
    program = get_object_or_404(Program, slug=slug)
    actions = {
        "veroeffentlichen": (
            lambda: services.program_publish(program=program, by=request.user),
            _("The program is published."),
        ),
        "zurueckgeben": (
            lambda: services.program_send_back(
                program=program, reason=_reason(request), by=request.user
            ),
            _("The program has been sent back to its coordinators."),
        ),
        "archivieren": (
            lambda: services.program_archive(program=program),
            _("The program is archived."),
        ),
    }
    if decision not in actions:
        raise Http404
    return _review_action(request, *actions[decision])


@require_POST
def review_change_view(request, pk, decision):
    change = get_object_or_404(ProgramChange, pk=pk)
    actions = {
        "annehmen": (
            lambda: services.program_change_approve(change=change, user=request.user),
            _("The changes are online."),
        ),
        "ablehnen": (
            lambda: services.program_change_reject(
                change=change, user=request.user, reason=_reason(request)
            ),
            _("The changes have been rejected."),
        ),
    }
    if decision not in actions:
        raise Http404
    return _review_action(request, *actions[decision])

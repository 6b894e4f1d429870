from django.urls import path

from . import staff_views, views

app_name = "pages"

# Any single-segment address no other app took: an editorial page if staff have published one
# there (mentoring/urls.py includes this app last), else 404.
urlpatterns = [
    # The network staff's pages (pages/staff_views.py); two segments, never a flat page's.
    path("netzwerk/seiten/", staff_views.PageListView.as_view(), name="staff_pages"),
    path("netzwerk/seiten/neu/", staff_views.PageCreateView.as_view(), name="staff_page_create"),
    path(
        "netzwerk/seiten/<int:pk>/bearbeiten/",
        staff_views.PageEditView.as_view(),
        name="staff_page_edit",
    ),
    path(
        "netzwerk/seiten/<int:pk>/loeschen/",
        staff_views.PageDeleteView.as_view(),
        name="staff_page_delete",
    ),
    path("netzwerk/partner/", staff_views.PartnerListView.as_view(), name="staff_partners"),
    path(
        "netzwerk/partner/neu/",
        staff_views.PartnerCreateView.as_view(),
        name="staff_partner_create",
    ),
    path(
        "netzwerk/partner/<int:pk>/bearbeiten/",
        staff_views.PartnerEditView.as_view(),
        name="staff_partner_edit",
    ),
    path(
        "netzwerk/partner/<int:pk>/loeschen/",
        staff_views.PartnerDeleteView.as_view(),
        name="staff_partner_delete",
    ),
    path(
        "netzwerk/ansprechpersonen/",
        staff_views.ContactListView.as_view(),
        name="staff_contacts",
    ),
    path(
        "netzwerk/ansprechpersonen/neu/",
        staff_views.ContactCreateView.as_view(),
        name="staff_contact_create",
    ),
    path(
        "netzwerk/ansprechpersonen/<int:pk>/bearbeiten/",
        staff_views.ContactEditView.as_view(),
        name="staff_contact_edit",
    ),
    path(
        "netzwerk/ansprechpersonen/<int:pk>/loeschen/",
        staff_views.ContactDeleteView.as_view(),
        name="staff_contact_delete",
    ),
    path("<slug:slug>/", views.EditorialPageView.as_view(), name="page"),
]

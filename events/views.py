from django.views.generic import TemplateView


class CalendarView(TemplateView):
    template_name = "events/calendar.html"

"""Long forms in steps, on the server: no JavaScript, the partial input kept in the session."""

from dataclasses import dataclass

from django.forms.utils import ErrorDict
from django.http import QueryDict

NON_FIELD = "__all__"


@dataclass(frozen=True)
class Step:
    title: str
    fields: tuple[str, ...]


def _as_data(value) -> list[str]:
    """A field's initial value as the strings a browser would send for it."""
    if value is None or value is False:
        return []
    if value is True:
        return ["on"]
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return [str(value)]


class SteppedFormMixin:
    """A FormView whose one form is filled in `steps` ("Schritt 2 von 4").

    Each "next" validates the fields of its step only: bad input shows that step again with its
    errors, and nothing is saved. The input of the steps done is kept in the session (under the
    page's address), so "back" loses nothing. The last step validates the whole form and hands it
    to `form_valid` once; then the session forgets it. A POST without `step` is the whole form at
    once (the form as it was before the steps), validated the same way.
    """

    steps: list[Step] = []

    @property
    def steps_key(self) -> str:
        return f"steps:{self.request.path}"

    def get(self, request, *args, **kwargs):
        request.session.pop(self.steps_key, None)
        self.step_index = 0
        return super().get(request, *args, **kwargs)

    def _unbound_kwargs(self) -> dict:
        kwargs = self.get_form_kwargs()
        kwargs.pop("data", None)
        kwargs.pop("files", None)
        return kwargs

    def _step_of(self, name: str) -> int:
        for index, step in enumerate(self.steps):
            if name in step.fields:
                return index
        return len(self.steps) - 1

    def post(self, request, *args, **kwargs):
        if "step" not in request.POST:
            self.step_index = 0
            return super().post(request, *args, **kwargs)
        try:
            index = min(max(int(request.POST["step"]), 0), len(self.steps) - 1)
        except ValueError:
            index = 0
        form_class = self.get_form_class()
        unbound = form_class(**self._unbound_kwargs())
        stored = request.session.get(self.steps_key, {})
        for name in self.steps[index].fields:
            key = unbound.add_prefix(name)
            stored[key] = request.POST.getlist(key)
        request.session[self.steps_key] = stored

        data = QueryDict(mutable=True)
        for name in unbound.fields:
            data.setlist(unbound.add_prefix(name), _as_data(unbound[name].value()))
        for key, values in stored.items():
            data.setlist(key, values)
        form = form_class(**self._unbound_kwargs(), data=data, files=request.FILES or None)

        if request.POST.get("nav") == "back":
            return self._show(form, max(index - 1, 0), errors=False)
        form.is_valid()
        if any(name in form.errors for name in self.steps[index].fields):
            return self._show(form, index, errors=True)
        if index < len(self.steps) - 1:
            return self._show(form, index + 1, errors=False)
        if form.is_valid():
            self.step_index = index
            response = self.form_valid(form)
            if not form.errors:  # saved: a refused save keeps the input for another try
                request.session.pop(self.steps_key, None)
            return response
        return self.form_invalid(form)

    def form_invalid(self, form):
        """The first step with an error, showing its errors (the form's own on the last step)."""
        names = [name for name in form.errors if name != NON_FIELD]
        index = min((self._step_of(name) for name in names), default=len(self.steps) - 1)
        return self._show(form, index, errors=True)

    def _show(self, form, index: int, *, errors: bool):
        self.step_index = index
        if errors:
            last = index == len(self.steps) - 1
            shown = self.steps[index].fields + ((NON_FIELD,) if last else ())
            form._errors = ErrorDict({k: v for k, v in form.errors.items() if k in shown})
        else:
            form._errors = ErrorDict()
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        index = getattr(self, "step_index", 0)
        form = context["form"]
        context.update(
            steps=self.steps,
            step_index=index,
            step_number=index + 1,
            step_count=len(self.steps),
            step=self.steps[index],
            step_fields=[form[name] for name in self.steps[index].fields],
            is_last_step=index == len(self.steps) - 1,
        )
        return context

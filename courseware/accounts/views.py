from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .backends import MODEL_BACKEND
from .forms import SignUpForm
from .services import user_create


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("catalog:dashboard")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = user_create(
            username=form.cleaned_data["username"],
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
        )
        login(request, user, backend=MODEL_BACKEND)
        return redirect("catalog:dashboard")
    return render(request, "registration/signup.html", {"form": form}, status=400 if form.errors else 200)

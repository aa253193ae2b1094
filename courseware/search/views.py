from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors

MAX_QUERY = 200


@require_GET
def search(request):
    """One search over lessons, labs and quiz prompts. A GET form: the URL is the search, and
    htmx swaps the results as the learner types."""
    query = request.GET.get("q", "")[:MAX_QUERY].strip()
    context = {"query": query, "hits": selectors.search(query=query) if query else []}
    template = "search/search.html#results" if request.htmx else "search/search.html"
    return render(request, template, context)
